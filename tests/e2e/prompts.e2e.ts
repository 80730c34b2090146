// Prompt engineering in a real browser against the real local stack: create a prompt, run it in the
// playground on the offline fake model, save, commit 1.0.0 with the production label.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";
import { Sessions, spaceIdOf } from "./support/session";

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

describe("prompts", () => {
  test("a prompt is created, run on the fake model, saved and committed as 1.0.0 with the production label", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail());
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
    // Semi's select applies a click a moment later; on a loaded machine the first click can land while the
    // dropdown is still opening, so pick until the tag shows.
    const labels = commit.getByRole("combobox", { name: "Labels" });
    for (let attempt = 0; attempt < 3 && !(await labels.innerText()).includes("production"); attempt += 1) {
      if ((await page.getByRole("option", { name: "production" }).count()) === 0) await labels.click();
      await page.getByRole("option", { name: "production" }).click();
      await expect
        .poll(() => labels.innerText(), { timeout: 2_000 })
        .toContain("production")
        .catch(() => undefined);
    }
    expect(await labels.innerText()).toContain("production");
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
