// Helpers of the evaluation browser test: a committed prompt made over the API (its editor has its own test),
// a CSV file on disk to upload, and picking options in Semi's selects.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { expect } from "vitest";

/** A prompt whose committed version 1.0.0 asks the offline fake model `Q: {{question}}`; returns its id. */
export async function createCommittedPrompt(page: Page, spaceId: string, key: string): Promise<string> {
  const created = await page.request.post("/api/prompt/v1/prompts", {
    data: {
      workspace_id: spaceId,
      prompt_name: "Answerer",
      prompt_key: key,
      prompt_description: "Answers the evaluation set's questions",
      prompt_type: "normal",
      security_level: "L3",
      draft_detail: {
        prompt_template: {
          template_type: "normal",
          messages: [
            { role: "system", content: "Answer in one short sentence." },
            { role: "user", content: "Q: {{question}}" },
          ],
          variable_defs: [{ key: "question", desc: "", type: "string" }],
        },
        tools: [],
        tool_call_config: { tool_choice: "auto" },
        model_config: { model_id: "1" },
      },
    },
  });
  expect(created.status()).toBe(200);
  const promptId = (await created.json()).prompt_id as string;
  const committed = await page.request.post(`/api/prompt/v1/prompts/${promptId}/drafts/commit`, {
    data: { commit_version: "1.0.0", commit_description: "First version", label_keys: [] },
  });
  expect(committed.status()).toBe(200);
  return promptId;
}

/** A CSV file in a fresh temporary folder; returns its path. */
export function writeCsv(name: string, rows: string[][]): string {
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const path = join(mkdtempSync(join(tmpdir(), "loop-e2e-csv-")), name);
  writeFileSync(path, rows.map((row) => row.map(quote).join(",")).join("\n") + "\n");
  return path;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Picks the option labelled `label` (or starting with it, when not `exact`) in the Semi select named `combobox`.
 * Semi names each option with its check mark icon first ("tick <label>"). It applies a click a moment after the
 * dropdown opens, so on a loaded machine the first click can be lost: pick until the select shows the choice.
 */
export async function choose(page: Page, combobox: string, label: string, { exact = true }: { exact?: boolean } = {}): Promise<void> {
  const select = page.getByRole("combobox", { name: combobox, exact: true });
  const option = new RegExp(`^(tick )?${escape(label)}${exact ? "$" : ""}`);
  const shows = new RegExp(`^${escape(label)}${exact ? "$" : ""}`);
  const item = page.getByRole("option", { name: option }).first();
  for (let attempt = 0; attempt < 4 && !shows.test(await select.innerText()); attempt += 1) {
    if ((await page.getByRole("option", { name: option }).count()) === 0) await select.click();
    // A select whose options are still loading opens empty: close it and open it again.
    if (!(await item.waitFor({ timeout: 5_000 }).then(() => true, () => false))) {
      await page.keyboard.press("Escape");
      continue;
    }
    await item.click();
    await expect
      .poll(() => select.innerText(), { timeout: 2_000 })
      .toMatch(shows)
      .catch(() => undefined);
  }
  expect(await select.innerText()).toMatch(shows);
  await expect.poll(() => page.getByRole("option").count()).toBe(0);
}

/** Scrolls the page's main area to the top (screenshots are taken of the whole page from there). */
export async function toTop(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll("main, .loop-main").forEach((node) => node.scrollTo(0, 0)));
}
