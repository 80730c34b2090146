// The console in a real browser against the real local stack: sign-in, workspaces and tokens.
import { request, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";

const baseUrl = inject("baseUrl");
const password = "correct horse battery staple";
const email = `e2e-${Date.now()}@example.com`;

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

async function signIn(target: Page, who: string, secret: string): Promise<void> {
  await target.getByLabel("Email").fill(who);
  await target.getByLabel("Password").fill(secret);
  await target.getByRole("button", { name: "Sign in" }).click();
}

// Menus are opened once the page has settled: a click while a route is still loading its data can land
// on a header that is about to be re-rendered, and the menu then closes with it.
async function chooseFromMenu(target: Page, button: string | RegExp, item: string): Promise<void> {
  await target.waitForLoadState("networkidle");
  const entry = target.getByRole("menuitem", { name: item });
  for (let attempt = 0; attempt < 3 && !(await entry.isVisible()); attempt += 1) {
    await target.getByRole("button", { name: button }).click();
    await entry.waitFor({ state: "visible", timeout: 5_000 }).catch(() => undefined);
  }
  await entry.click();
}

async function openAccountMenuItem(target: Page, item: string): Promise<void> {
  await chooseFromMenu(target, "Account menu", item);
}

describe("the console", () => {
  test("an unauthenticated visit redirects to sign-in and comes back after it", async () => {
    const fresh = await browser.newContext({ baseURL: baseUrl });
    const visitor = await fresh.newPage();
    await visitor.goto("/console/enterprise/personal/space/123/observation/traces");
    await visitor.waitForURL(/\/console\/auth\/login/);
    expect(new URL(visitor.url()).searchParams.get("redirect")).toContain("/observation/traces");
    await expect.poll(() => visitor.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    await screenshot(visitor, "sign-in");
    await fresh.close();
  });

  test("a new user registers and lands in their personal workspace", async () => {
    await page.goto("/");
    await page.waitForURL(/\/console\/auth\/login/);
    await page.getByText("Create an account").click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/console\/enterprise\/personal\/space\/\d+/);
    await page.getByRole("heading", { name: "Connect the SDK" }).waitFor();
    const spaceId = /\/space\/(\d+)/.exec(page.url())?.[1];
    expect(spaceId).toBeTruthy();
    await expect.poll(() => page.getByText(`COZELOOP_WORKSPACE_ID=${spaceId}`).count()).toBeGreaterThan(0);
    expect(await page.getByText(`COZELOOP_API_BASE_URL=${baseUrl}`).count()).toBeGreaterThan(0);
    await screenshot(page, "workspace-home");
  });

  test("registering a taken email shows the server's message", async () => {
    const other = await browser.newContext({ baseURL: baseUrl });
    const visitor = await other.newPage();
    await visitor.goto("/console/auth/login");
    await visitor.getByText("Create an account").click();
    await visitor.getByLabel("Email").fill(email);
    await visitor.getByLabel("Password").fill(password);
    await visitor.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => visitor.getByRole("alert").innerText()).toMatch(/already/i);
    await other.close();
  });

  test("the navigation lists every module and marks the unbuilt ones", async () => {
    for (const label of ["Prompts", "Playground", "Datasets", "Evaluators", "Experiments", "Traces", "Metrics", "Tags"]) {
      expect(await page.getByRole("link", { name: new RegExp(label) }).count(), label).toBeGreaterThan(0);
    }
    await page.getByRole("link", { name: /Traces/ }).first().click();
    await page.waitForURL(/\/observation\/traces$/);
    await page.getByRole("heading", { name: "Traces" }).waitFor();
    expect(await page.getByText(/coming soon/i).count()).toBeGreaterThan(0);
    await screenshot(page, "planned-page");
  });

  test("signing out and in again with a wrong, then the right password", async () => {
    await openAccountMenuItem(page, "Sign out");
    await page.waitForURL(/\/console\/auth\/login/);
    await signIn(page, email, "not the password");
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/incorrect/i);
    await screenshot(page, "sign-in-error");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/console\/enterprise\/personal\/space\/\d+/);
  });

  test("a personal access token is created, shown once, listed and deleted", async () => {
    await openAccountMenuItem(page, "Settings");
    await page.getByRole("tab", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Token name").fill("e2e laptop");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const secret = page.getByTestId("new-token-value");
    await secret.waitFor();
    expect(await secret.innerText()).toMatch(/^pat_/);
    await screenshot(page, "token-created");
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);

    const row = page.getByRole("row", { name: /e2e laptop/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Never/);
    await screenshot(page, "tokens");

    await page.getByRole("button", { name: "Delete token e2e laptop" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByRole("row", { name: /e2e laptop/ }).count()).toBe(0);
  });

  test("the profile is edited and kept", async () => {
    await openAccountMenuItem(page, "Settings");
    await page.getByRole("tab", { name: "Profile" }).click();
    await page.getByLabel("Nickname").fill("E2E Tester");
    await page.getByRole("button", { name: "Save" }).click();
    await screenshot(page, "profile");
    const session = await page.request.get("/api/foundation/v1/users/session");
    expect((await session.json()).user_info.nick_name).toBe("E2E Tester");
  });

  test("a team workspace is created, switched to, and a member is invited", async () => {
    const teammate = `mate-${Date.now()}@example.com`;
    const outsider = await request.newContext({ baseURL: baseUrl });
    const registered = await outsider.post("/api/foundation/v1/users/register", { data: { email: teammate, password } });
    expect(registered.status()).toBe(200);
    await outsider.dispose();

    await page.goto("/");
    await page.waitForURL(/\/space\/\d+/);
    await chooseFromMenu(page, /^Workspace:/, "Create team workspace");
    await page.getByRole("dialog").getByLabel("Name").fill("E2E Team");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^Workspace: E2E Team/ }).count()).toBe(1);
    const teamId = /\/space\/(\d+)/.exec(page.url())?.[1];
    expect(teamId).toBeTruthy();

    await page.goto(`/console/enterprise/personal/space/${teamId}/workspace/settings`);
    await page.getByRole("button", { name: "Invite member" }).click();
    await page.getByRole("dialog").getByLabel("Email").fill(teammate);
    await page.getByRole("dialog").getByRole("button", { name: "Invite" }).click();
    await page.getByRole("row", { name: new RegExp(teammate) }).waitFor();
    await screenshot(page, "workspace-members");

    const spaces = await page.request.post("/api/foundation/v1/spaces/list", { data: {} });
    const names = (await spaces.json()).spaces.map((space: { name: string }) => space.name);
    expect(names).toContain("E2E Team");
    const members = await page.request.post(`/api/foundation/v1/spaces/${teamId}/members/list`, { data: {} });
    const emails = (await members.json()).members.map((member: { user: { email: string } }) => member.user.email);
    expect(emails).toEqual(expect.arrayContaining([email, teammate]));
  });
});
