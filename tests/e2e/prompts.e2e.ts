// Prompt engineering in a real browser against the real local stack: create a prompt, run it in the
// playground on the offline fake model, save, commit 1.0.0 with the production label.
import { request, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";

const baseUrl = inject("baseUrl");
const password = "correct horse battery staple";
const spacePage = /\/console\/enterprise\/personal\/space\/(\d+)/;

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
});

async function registeredEmail(): Promise<string> {
  const email = `prompts-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const api = await request.newContext({ baseURL: baseUrl });
  const response = await api.post("/api/foundation/v1/users/register", { data: { email, password } });
  expect(response.status()).toBe(200);
  await api.dispose();
  return email;
}

async function signedInPage(email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  const login = await page.request.post("/api/foundation/v1/users/login_by_password", { data: { email, password } });
  expect(login.status()).toBe(200);
  await page.goto("/");
  await page.waitForURL(spacePage);
  await page.getByRole("heading", { name: "Connect the SDK" }).waitFor();
  return page;
}

function spaceIdOf(page: Page): string {
  const id = spacePage.exec(page.url())?.[1];
  if (!id) throw new Error(`not on a workspace page: ${page.url()}`);
  return id;
}

describe("prompts", () => {
  test("a prompt is created, run on the fake model, saved and committed as 1.0.0 with the production label", async () => {
    const page = await signedInPage(await registeredEmail());
    const spaceId = spaceIdOf(page);
    await page.getByRole("link", { name: "Prompts", exact: true }).click();
    await page.waitForURL(/\/pe\/prompts$/);
    await page.getByRole("heading", { name: "Prompts", level: 1 }).waitFor();

    // Create it in the UI.
    await page.getByRole("button", { name: "Create prompt" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("E2E greeting");
    await dialog.getByLabel("Key").fill("e2e.greeting");
    await dialog.getByLabel("Description").fill("Says hello");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/pe\/prompts\/(\d+)$/);
    const promptId = /\/pe\/prompts\/(\d+)$/.exec(page.url())?.[1] ?? "";

    // A user message with a variable: the variable is detected and gets a value field.
    await page.getByLabel("Content of message 1 (system)").fill("You are a friendly assistant.");
    await page.getByLabel("Content of message 2 (user)").fill("Hello {{name}}, how are you?");
    await page.locator("#value-name").fill("Ada");

    // The offline fake model, marked as a test model.
    await page.getByRole("combobox", { name: "Model" }).click();
    const fake = page.getByRole("option", { name: /fake-echo/ });
    expect(await fake.innerText()).toMatch(/test model/);
    await fake.click();
    await page.getByLabel("Temperature", { exact: true }).waitFor();

    // Run it: the streamed answer echoes the rendered user message.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const answer = page.getByTestId("assistant-turn").last();
    await expect.poll(() => answer.innerText(), { timeout: 20_000 }).toMatch(/Echo: Hello Ada, how are you\?/);
    await expect.poll(() => page.getByTestId("run-stats").last().innerText()).toMatch(/Tokens \d+ in \/ \d+ out/);
    await page.evaluate(() => document.querySelectorAll("main, .loop-main").forEach((node) => node.scrollTo(0, 0)));
    await screenshot(page, "prompt-editor");

    // Save (Ctrl+S), then commit 1.0.0 with the production label.
    await page.keyboard.press("Control+s");
    await expect.poll(() => page.getByTestId("draft-state").innerText()).toBe("Draft: saved");
    await page.getByRole("button", { name: "Commit", exact: true }).click();
    const commit = page.getByRole("dialog");
    const version = commit.getByLabel("Version");
    expect(await version.inputValue()).toBe("0.0.1");
    await version.fill("1.0.0");
    await commit.getByLabel("Description").fill("First version");
    await commit.getByRole("combobox", { name: "Labels" }).click();
    await page.getByRole("option", { name: "production" }).click();
    await commit.getByLabel("Description").click(); // closes the (multi-select) dropdown
    await expect.poll(() => page.getByRole("option").count()).toBe(0);
    await screenshot(page, "prompt-commit");
    await commit.getByRole("button", { name: "Commit", exact: true }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await expect.poll(() => page.getByText("Latest 1.0.0").count()).toBeGreaterThan(0);

    // The server has version 1.0.0 with the production label.
    const listed = await page.request.post(`/api/prompt/v1/prompts/${promptId}/commits/list`, { data: { page_size: 10 } });
    expect(listed.status()).toBe(200);
    const body = await listed.json();
    expect(body.prompt_commit_infos.map((info: { version: string }) => info.version)).toEqual(["1.0.0"]);
    expect(body.commit_version_label_mapping["1.0.0"].map((label: { key: string }) => label.key)).toEqual(["production"]);

    // The list shows it with its latest version.
    await page.goto(`/console/enterprise/personal/space/${spaceId}/pe/prompts`);
    const row = page.getByRole("row", { name: /E2E greeting/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/1\.0\.0/);
    await screenshot(page, "prompt-list");
  });
});
