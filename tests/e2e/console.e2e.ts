// The console in a real browser against the real local stack: sign-in, workspaces and tokens.
// Each test has its own browser context (its own cookies), so one failure does not cascade.
import { request, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";
import { password, Sessions, spaceIdOf, spacePage, uniqueEmail } from "./support/session";

const baseUrl = inject("baseUrl");

let browser: Browser;
const sessions = new Sessions(() => browser, baseUrl);

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  await sessions.closeAll();
});

afterAll(async () => {
  await browser?.close();
});

async function signInThroughTheForm(page: Page, email: string, secret: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function chooseFromMenu(page: Page, button: string | RegExp, item: string): Promise<void> {
  await page.getByRole("button", { name: button }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

describe("the console", () => {
  test("an unauthenticated visit goes to sign-in, and signing in comes back to it", async () => {
    const email = await sessions.registeredEmail();
    const spaces = await (async () => {
      const api = await request.newContext({ baseURL: baseUrl });
      await api.post("/api/foundation/v1/users/login_by_password", { data: { email, password } });
      const body = await (await api.post("/api/foundation/v1/spaces/list", { data: {} })).json();
      await api.dispose();
      return body.spaces as { id: string }[];
    })();
    const target = `/console/enterprise/personal/space/${spaces[0]?.id}/observation/traces`;
    const page = await sessions.freshPage();

    await page.goto(target);
    await page.waitForURL(/\/console\/auth\/login/);
    expect(new URL(page.url()).searchParams.get("redirect")).toBe(target);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(page, "sign-in");

    await signInThroughTheForm(page, email, password);
    await page.waitForURL((url) => url.pathname === target);
    await page.getByRole("heading", { name: "Traces" }).waitFor();
  });

  test("a new user registers and lands in their personal workspace", async () => {
    const page = await sessions.freshPage();
    await page.goto("/");
    await page.waitForURL(/\/console\/auth\/login/);
    await page.getByText("Create an account").click();
    await page.getByLabel("Email").fill(uniqueEmail("new"));
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(spacePage);
    await page.getByRole("heading", { name: "Connect the SDK" }).waitFor();
    const spaceId = spaceIdOf(page);
    await expect.poll(() => page.getByText(`COZELOOP_WORKSPACE_ID=${spaceId}`).count()).toBeGreaterThan(0);
    expect(await page.getByText(`COZELOOP_API_BASE_URL=${baseUrl}`).count()).toBeGreaterThan(0);
    await screenshot(page, "workspace-home");
  });

  test("registering a taken email shows the server's message", async () => {
    const email = await sessions.registeredEmail();
    const page = await sessions.freshPage();
    await page.goto("/console/auth/login");
    await page.getByText("Create an account").click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/already/i);
  });

  test("the navigation lists every module and marks the unbuilt ones", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail());
    for (const label of ["Prompts", "Playground", "Datasets", "Evaluators", "Experiments", "Traces", "Metrics", "Tags"]) {
      expect(await page.getByRole("link", { name: label, exact: true }).count(), label).toBe(1);
    }
    await page.getByRole("link", { name: "Tags", exact: true }).click();
    await page.waitForURL(/\/tag\/tag$/);
    await page.getByRole("heading", { name: "Tags", level: 1 }).waitFor();
    expect(await page.getByText(/coming soon/i).count()).toBeGreaterThan(0);
    await screenshot(page, "planned-page");
  });

  test("the dark theme is switched on and kept across a reload", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail());
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    expect(await page.evaluate(() => document.body.getAttribute("theme-mode"))).toBe("dark");
    await page.reload();
    await page.getByRole("button", { name: "Switch to light theme" }).waitFor();
    expect(await page.evaluate(() => document.body.getAttribute("theme-mode"))).toBe("dark");
    await page.getByRole("heading", { name: "Connect the SDK" }).waitFor();
    await screenshot(page, "workspace-home-dark");
  });

  test("signing out, then in with a wrong and then the right password, by keyboard", async () => {
    const email = await sessions.registeredEmail();
    const page = await sessions.signedInPage(email);
    await chooseFromMenu(page, "Account menu", "Sign out");
    await page.waitForURL(/\/console\/auth\/login/);
    expect((await page.request.get("/api/foundation/v1/users/session")).status()).toBe(401);

    await signInThroughTheForm(page, email, "not the password");
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/incorrect/i);
    await screenshot(page, "sign-in-error");
    // The keyboard alone: Enter in the password field submits.
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL(spacePage);
  });

  test("a personal access token is created, shown once, listed and deleted", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail());
    await chooseFromMenu(page, "Account menu", "Settings");
    await page.getByRole("tab", { name: "API tokens" }).click();
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Token name").fill("e2e laptop");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const secret = page.getByTestId("new-token-value");
    await secret.waitFor();
    const token = await secret.innerText();
    expect(token).toMatch(/^pat_/);
    await screenshot(page, "token-created");
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await page.getByText(token).count()).toBe(0);

    const row = page.getByRole("row", { name: /e2e laptop/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Never/);
    await screenshot(page, "tokens");

    await page.getByRole("button", { name: "Delete token e2e laptop" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByRole("row", { name: /e2e laptop/ }).count()).toBe(0);
    const listed = await page.request.post("/api/auth/v1/personal_access_tokens/list", { data: {} });
    expect((await listed.json()).personal_access_tokens).toEqual([]);
  });

  test("the profile is edited and kept", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail());
    await chooseFromMenu(page, "Account menu", "Settings");
    await page.getByRole("tab", { name: "Profile" }).click();
    await page.getByLabel("Nickname").fill("E2E Tester");
    const saved = page.waitForResponse((response) => response.url().includes("/update_profile"));
    await page.getByRole("button", { name: "Save" }).click();
    expect((await saved).status()).toBe(200);
    await screenshot(page, "profile");
    await page.reload();
    await expect.poll(() => page.getByLabel("Nickname").inputValue()).toBe("E2E Tester");
  });

  test("a team workspace is created, switched to, and a member is invited", async () => {
    const email = await sessions.registeredEmail("owner");
    const teammate = await sessions.registeredEmail("mate");
    const page = await sessions.signedInPage(email);

    await chooseFromMenu(page, /^Workspace:/, "Create team workspace");
    await page.getByRole("dialog").getByLabel("Name").fill("E2E Team");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^Workspace: E2E Team/ }).count()).toBe(1);
    const teamId = spaceIdOf(page);

    await page.getByRole("link", { name: "Workspace settings" }).click();
    await page.getByRole("button", { name: "Invite member" }).click();
    await page.getByRole("dialog").getByLabel("Email").fill(teammate);
    await page.getByRole("dialog").getByRole("button", { name: "Invite" }).click();
    await page.getByRole("row", { name: new RegExp(teammate) }).waitFor();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await screenshot(page, "workspace-members");

    const members = await page.request.post(`/api/foundation/v1/spaces/${teamId}/members/list`, { data: {} });
    const emails = (await members.json()).members.map((member: { user: { email: string } }) => member.user.email);
    expect(emails).toEqual(expect.arrayContaining([email, teammate]));

    // The teammate now finds the team in their own switcher.
    const mate = await sessions.signedInPage(teammate);
    await mate.getByRole("button", { name: /^Workspace:/ }).click();
    await mate.getByRole("menuitem", { name: /E2E Team/ }).click();
    await mate.waitForURL(new RegExp(`/space/${teamId}`));
  });
});
