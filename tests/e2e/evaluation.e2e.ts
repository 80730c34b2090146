// Evaluation in a real browser against the real local stack: a CSV imported into a new evaluation set and frozen
// as a version, an LLM judge made from a built-in template and a code evaluator, both tried on the spot; an
// experiment of a committed prompt on the offline fake model built with the wizard, watched to the end, its
// results, an item, the charts and the CSV export opened; then a second run, and the two compared. Spans picked
// on the traces page exported into a new evaluation set. And an image uploaded into an Image cell.
import { readFileSync } from "node:fs";

import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";
import { choose, createCommittedPrompt, toTop, writeCsv } from "./support/evaluation";
import { Sessions, spaceIdOf } from "./support/session";
import { createToken, sendTraces } from "./support/traces";

const baseUrl = inject("baseUrl");

let browser: Browser;
const sessions = new Sessions(() => browser, baseUrl);

beforeAll(async () => {
  browser = await launchBrowser();
});

// The page of a test that fails is kept as a screenshot before its browser context closes.
let failing: Page | null = null;

afterEach(async (context) => {
  if (failing && context.task.result?.state === "fail") await screenshot(failing, "evaluation-failure").catch(() => undefined);
  failing = null;
  await sessions.closeAll();
});

afterAll(async () => {
  await browser?.close();
});

const QUESTIONS = [
  ["input", "reference_output"],
  ["What is 2+2?", "4"],
  ["Capital of France?", "Paris"],
  ["Say hi, politely", "Hello!"],
];

async function createEvaluationSet(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Datasets", exact: true }).click();
  await page.getByRole("heading", { name: "Evaluation sets", level: 1 }).waitFor();
  await page.getByRole("button", { name: "Create evaluation set" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name", { exact: true }).fill("QA basics");
  await dialog.getByLabel("Description", { exact: true }).fill("Three short questions");
  // The default columns: input (required) and reference_output.
  expect(await dialog.getByLabel("Name of column 1").inputValue()).toBe("input");
  expect(await dialog.getByLabel("Name of column 2").inputValue()).toBe("reference_output");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/evaluation\/datasets\/\d+$/);

  // Import the CSV: uploaded to the object store, its columns matched by name, the job followed to its report.
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const importer = page.getByRole("dialog");
  await importer.getByLabel("File", { exact: true }).setInputFiles(writeCsv("questions.csv", QUESTIONS));
  await expect.poll(() => importer.getByRole("combobox", { name: "input *" }).innerText(), { timeout: 20_000 }).toBe("input");
  expect(await importer.getByRole("combobox", { name: "reference_output" }).innerText()).toBe("reference_output");
  await importer.getByRole("button", { name: "Import", exact: true }).click();
  await importer.getByText("Import finished: 3 rows added of 3 read.").waitFor({ timeout: 30_000 });
  await importer.getByRole("button", { name: "Done" }).click();
  const items = page.getByRole("table", { name: "Items" });
  await expect.poll(() => items.getByRole("row").count(), { timeout: 10_000 }).toBe(4); // the header and 3 items
  expect(await items.innerText()).toMatch(/Capital of France\?[\s\S]*Paris/);

  // Fix one cell in place (Enter saves), then freeze the items as version 1.0.0.
  await page.getByRole("button", { name: /^Edit reference_output of item \d$/ }).first().click();
  const editor = page.getByLabel(/^New value of reference_output of item \d$/);
  const before = await editor.inputValue();
  await editor.fill(`${before} (checked)`);
  await editor.press("Enter");
  await items.getByText(`${before} (checked)`).waitFor();

  await page.getByRole("button", { name: "Create version" }).click();
  const versionDialog = page.getByRole("dialog");
  await versionDialog.getByLabel("Version").fill("1.0.0");
  await versionDialog.getByLabel("Description").fill("Imported from questions.csv");
  await versionDialog.getByRole("button", { name: "Create", exact: true }).click();
  const versions = page.getByRole("table", { name: "Versions" });
  await expect.poll(() => versions.innerText(), { timeout: 30_000 }).toMatch(/1\.0\.0[\s\S]*Imported from questions\.csv[\s\S]*3[\s\S]*Ready/);
  await page.getByRole("button", { name: "View items of version 1.0.0" }).click();
  await page.getByRole("table", { name: "Version items" }).getByText(`${before} (checked)`).waitFor();
  await toTop(page);
  await screenshot(page, "evaluation-set");
}

// A 1×1 PNG, uploaded from memory.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

async function createJudge(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Evaluators", exact: true }).click();
  await page.getByRole("heading", { name: "Evaluators", level: 1 }).waitFor();
  await page.getByRole("button", { name: "Create LLM judge" }).click();
  await page.waitForURL(/\/evaluators\/create\/llm$/);
  await page.getByLabel("Name", { exact: true }).fill("Correctness judge");
  await choose(page, "Template", "Correctness");
  // The template's prompt fills the editor; its variables get a value box each in "Try it".
  await expect.poll(() => page.getByLabel("Judge message 1 (system)").inputValue()).toMatch(/evaluator/i);
  await choose(page, "Judge model", "fake-echo (test model)", { exact: false });
  await page.getByLabel("Value of input").fill("What is 2+2?");
  await page.getByLabel("Value of output").fill("4");
  await page.getByLabel("Value of reference_output").fill("4");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const result = page.getByTestId("debug-result");
  await result.waitFor({ timeout: 30_000 });
  expect(await page.getByTestId("debug-score").innerText()).toMatch(/^(0|0\.\d+|1)$/);
  expect(await result.innerText()).toMatch(/Reasoning[\s\S]*Tokens\s+\d+ in \/ \d+ out/);
  await toTop(page);
  await screenshot(page, "evaluator-judge");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/evaluators\/\d+$/);
  await page.getByText("Latest 0.0.1").waitFor();
  await page.getByRole("list", { name: "Evaluator versions" }).getByText("0.0.1").waitFor();

  // Edit the draft, save it, and submit it as 0.0.2: both versions are in the history.
  await page.getByLabel("Temperature").fill("0");
  await expect.poll(() => page.getByTestId("evaluator-draft-state").innerText()).toBe("Draft: unsaved changes");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect.poll(() => page.getByTestId("evaluator-draft-state").innerText()).toBe("Draft: saved");
  await page.getByRole("button", { name: "Submit version" }).click();
  const submit = page.getByRole("dialog");
  expect(await submit.getByLabel("Version").inputValue()).toBe("0.0.2");
  await submit.getByLabel("Description").fill("Deterministic judge");
  await submit.getByRole("button", { name: "Submit", exact: true }).click();
  await page.getByText("Latest 0.0.2").waitFor();
  const history = page.getByRole("list", { name: "Evaluator versions" });
  await expect.poll(() => history.innerText()).toMatch(/0\.0\.2[\s\S]*Deterministic judge[\s\S]*0\.0\.1/);
}

async function createCodeEvaluator(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Evaluators", exact: true }).click();
  await page.getByRole("button", { name: "Create code evaluator" }).click();
  await page.waitForURL(/\/evaluators\/create\/code$/);
  await page.getByLabel("Name", { exact: true }).fill("Exact answer");
  await choose(page, "Template", "Exact match");
  await expect.poll(() => page.getByLabel("Evaluator code").inputValue()).toMatch(/def exec_evaluation/);
  // A test run in the sandbox on a sample item: the answer equals the reference.
  await page.getByLabel("Value of field reference_output").fill("Paris");
  await page.getByLabel("Target output (actual_output)").fill("Paris");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.getByTestId("debug-result").waitFor({ timeout: 30_000 });
  expect(await page.getByTestId("debug-score").innerText()).toBe("1");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/evaluators\/\d+$/);
  await page.getByText("Latest 0.0.1").waitFor();
  await page.getByRole("link", { name: "Back to evaluators" }).click();
  const list = page.getByRole("table", { name: "Evaluators" });
  await expect.poll(() => list.getByRole("row", { name: /Exact answer/ }).innerText()).toMatch(/Code[\s\S]*0\.0\.1/);
  expect(await list.getByRole("row", { name: /Correctness judge/ }).innerText()).toMatch(/LLM judge[\s\S]*0\.0\.2/);
}

async function runExperimentWithWizard(page: Page): Promise<string> {
  await page.getByRole("link", { name: "Experiments", exact: true }).click();
  await page.getByRole("button", { name: "Create experiment" }).click();
  await page.waitForURL(/\/experiments\/create$/);
  await page.getByLabel("Name", { exact: true }).fill("Answerer 1.0.0 on QA basics");
  await page.getByRole("button", { name: "Next" }).click();

  await choose(page, "Evaluation set", "QA basics", { exact: false });
  // The set's latest version is picked for you.
  await expect.poll(() => page.getByRole("combobox", { name: "Version", exact: true }).innerText()).toMatch(/^1\.0\.0 \(3 items\)/);
  await page.getByRole("button", { name: "Next" }).click();

  await choose(page, "Prompt", "Answerer", { exact: false });
  await expect.poll(() => page.getByRole("combobox", { name: "Prompt version" }).innerText()).toMatch(/1\.0\.0/);
  // {{question}} has no column of its name: it is mapped to "input", a usual synonym (and could be changed).
  await expect.poll(() => page.getByRole("combobox", { name: "{{question}}" }).innerText()).toBe('Column "input"');
  await page.getByRole("button", { name: "Next" }).click();

  // Picking an evaluator adds it below and empties the picker again.
  for (const evaluator of ["Correctness judge", "Exact answer"]) {
    const card = page.getByRole("listitem", { name: `Evaluator ${evaluator}` });
    for (let attempt = 0; attempt < 3 && (await card.count()) === 0; attempt += 1) {
      if ((await page.getByRole("option").count()) === 0) await page.getByRole("combobox", { name: "Add an evaluator" }).click();
      await page.getByRole("option", { name: new RegExp(`^(tick )?${evaluator} \\(`) }).click();
      await card.waitFor({ timeout: 2_000 }).catch(() => undefined);
    }
    await card.waitFor();
  }
  // The judge's variables are mapped by name: input and reference_output to the columns, output to the target.
  await expect.poll(() => page.getByRole("combobox", { name: "Correctness judge: {{output}}" }).innerText()).toBe("Target output (actual_output)");
  expect(await page.getByRole("combobox", { name: "Correctness judge: {{input}}" }).innerText()).toBe('Column "input"');
  expect(await page.getByRole("combobox", { name: "Correctness judge: {{reference_output}}" }).innerText()).toBe('Column "reference_output"');
  await page.getByRole("button", { name: "Next" }).click();

  const review = page.getByRole("definition").filter({ hasText: /Correctness judge/ });
  expect(await review.innerText()).toMatch(/\{\{output\}\} ← Target output/);
  await toTop(page);
  await screenshot(page, "experiment-wizard-review");
  await page.getByRole("button", { name: "Submit" }).click();
  await page.waitForURL(/\/experiments\/\d+$/);
  return /\/experiments\/(\d+)$/.exec(page.url())?.[1] ?? "";
}

/** The detail page follows the run: its counters and status move without a reload. */
async function waitForRun(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId("experiment-progress").innerText(), { timeout: 60_000, interval: 500 }).toBe("3 of 3 items done");
  await expect.poll(() => page.getByTestId("experiment-status").innerText(), { timeout: 10_000 }).toBe("Success");
  expect(await page.getByTestId("count-success").innerText()).toBe("3");
  expect(await page.getByTestId("count-fail").innerText()).toBe("0");
}

describe("evaluation", () => {
  test(
    "a CSV becomes a versioned set; two evaluators score a prompt's answers in two experiments that are then compared",
    async () => {
      const page = await sessions.signedInPage(await sessions.registeredEmail("evaluation"));
      const spaceId = spaceIdOf(page);
      failing = page;

      await createEvaluationSet(page);
      await createJudge(page);
      await createCodeEvaluator(page);
      await createCommittedPrompt(page, spaceId, "e2e.answerer");

      const first = await runExperimentWithWizard(page);
      await waitForRun(page);
      const results = page.getByRole("table", { name: "Results" });
      await expect.poll(() => results.getByRole("row").count(), { timeout: 10_000 }).toBe(4);
      // Each row: the question, the fake model's answer, the two scores and the status.
      const row = results.getByRole("row", { name: /Capital of France\?/ });
      await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/Echo: Q: Capital of France\?[\s\S]*\b(0|1|0\.\d+)\b[\s\S]*Success/);
      await toTop(page);
      await screenshot(page, "experiment-results");

      // The item drawer: the full input, the answer, each evaluator's record and the target's trace.
      await page.getByRole("button", { name: /^Details of item \d$/ }).first().click();
      const drawer = page.getByTestId("item-drawer");
      await drawer.waitFor();
      expect(await drawer.innerText()).toMatch(/Input[\s\S]*Output[\s\S]*Echo: Q:[\s\S]*Correctness judge 0\.0\.2[\s\S]*Score[\s\S]*Exact answer 0\.0\.1/);
      const traceLink = drawer.getByRole("link", { name: "Open the target's trace" });
      expect(await traceLink.getAttribute("href")).toMatch(/\/observation\/traces\?trace_id=[0-9a-f]{32}$/);
      await screenshot(page, "experiment-item");
      await page.keyboard.press("Escape");
      await expect.poll(() => page.getByTestId("item-drawer").count()).toBe(0);

      // Filters: only the items the code evaluator scored 1 or more (none: the fake model echoes).
      await choose(page, "Score of", "Score of Exact answer");
      await page.getByLabel("Lowest score").fill("1");
      await expect.poll(() => results.getByRole("row").count(), { timeout: 10_000 }).toBe(1);
      await page.getByText("No items match these filters.").waitFor();
      await page.getByRole("button", { name: "Clear filters" }).click();
      await expect.poll(() => results.getByRole("row").count(), { timeout: 10_000 }).toBe(4);

      // Charts: the average per evaluator and each distribution, drawn by the lazily loaded ECharts.
      await page.getByRole("tab", { name: "Charts" }).click();
      await page.getByRole("img", { name: "Average score per evaluator" }).waitFor({ timeout: 15_000 });
      await page.getByRole("img", { name: /^Score distribution of Correctness judge/ }).waitFor();

      // Export CSV: the file is written by the server and downloaded from its signed link.
      const download = page.waitForEvent("download", { timeout: 30_000 });
      await page.getByRole("button", { name: "Export CSV" }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/\.csv$/);
      const csv = readFileSync(await file.path(), "utf8");
      expect(csv.split(/\r?\n/)[0]).toMatch(/input,reference_output,actual_output,Correctness judge score,Correctness judge reason,Exact answer score/);
      expect(csv).toMatch(/Capital of France\?,Paris,Echo: Q: Capital of France\?/);

      // A second run of the same configuration, then the two side by side.
      await page.getByRole("tab", { name: "Items" }).click();
      await page.getByRole("button", { name: "Clone and run" }).click();
      await page.waitForURL((url) => /\/experiments\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${first}`));
      await page.getByRole("heading", { name: "Answerer 1.0.0 on QA basics_copy", level: 1 }).waitFor();
      await waitForRun(page);

      await page.getByRole("link", { name: "Back to experiments" }).click();
      const list = page.getByRole("table", { name: "Experiments" });
      await expect.poll(() => list.getByRole("row").count()).toBe(3);
      expect(await list.innerText()).toMatch(/Success[\s\S]*3 \/ 0 \/ 3/);
      // Semi draws its own box over the real check box: click through it.
      for (const name of ["Answerer 1.0.0 on QA basics", "Answerer 1.0.0 on QA basics_copy"]) {
        await list.getByRole("checkbox", { name: `Select ${name}`, exact: true }).click({ force: true });
      }
      await page.getByRole("button", { name: "Compare 2" }).click();
      await page.waitForURL(/\/experiments\/contrast\?/);
      const compared = page.getByRole("table", { name: "Compared items" });
      await expect.poll(() => compared.getByRole("row").count(), { timeout: 15_000 }).toBe(4);
      // Same items, both answers, every score with its delta from the baseline (same model, same prompt: ±0).
      expect(await compared.innerText()).toMatch(/Capital of France\?[\s\S]*Echo: Q: Capital of France\?[\s\S]*Echo: Q: Capital of France\?/);
      await expect.poll(() => compared.innerText()).toMatch(/Exact answer: 0 ±0/);
      const averages = page.getByRole("table", { name: "Average scores" });
      expect(await averages.innerText()).toMatch(/Correctness judge[\s\S]*Exact answer/);
      await toTop(page);
      await screenshot(page, "experiment-compare");
    },
    120_000,
  );

  test("spans picked on the traces page become the items of a new evaluation set", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail("span-export"));
    failing = page;
    await sendTraces(baseUrl, spaceIdOf(page), await createToken(page));
    await page.getByRole("link", { name: "Traces", exact: true }).click();
    const table = page.getByRole("table", { name: "Spans" });
    // Spans are queryable about a second after ingest.
    await expect
      .poll(
        async () => {
          const found = await table.getByRole("link", { name: "handle_request" }).count();
          if (found === 0) await page.getByRole("button", { name: "Refresh" }).click();
          return found;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    await table.getByRole("checkbox", { name: "Select span handle_request" }).click({ force: true });
    await page.getByRole("group", { name: "Selected spans" }).getByRole("button", { name: "Export to dataset" }).click();
    const dialog = page.getByRole("dialog", { name: "Export 1 span to an evaluation set" });
    await dialog.getByLabel("Name of the new set").fill("From production");
    // The input is JSON: a JSONPath takes the question out of it.
    await dialog.getByLabel("JSONPath of mapping 1").fill("$.question");
    await dialog.getByRole("button", { name: "Preview" }).click();
    const preview = dialog.getByRole("table", { name: "Export preview" });
    await expect.poll(() => preview.innerText(), { timeout: 15_000 }).toMatch(/What is the weather in Paris\?\s+Sunny and 24 degrees\.\s+OK/);
    await screenshot(page, "traces-export-preview");
    await dialog.getByRole("button", { name: "Export", exact: true }).click();
    const result = page.getByTestId("export-result");
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toMatch(/1 item added to From production/);
    await result.getByRole("link", { name: "From production" }).click();
    await page.waitForURL(/\/evaluation\/datasets\/\d+$/);
    const items = page.getByRole("table", { name: "Items" });
    await expect.poll(() => items.innerText(), { timeout: 10_000 }).toMatch(/What is the weather in Paris\?[\s\S]*Sunny and 24 degrees\./);
  }, 60_000);

  test("an image uploaded into an Image cell is stored in the workspace and shown from its signed link", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail("image-cell"));
    const spaceId = spaceIdOf(page);
    failing = page;
    await page.getByRole("link", { name: "Datasets", exact: true }).click();
    await page.getByRole("button", { name: "Create evaluation set" }).click();
    const creator = page.getByRole("dialog");
    await creator.getByLabel("Name", { exact: true }).fill("Pictures");
    await creator.getByLabel("Name of column 2").fill("picture");
    await choose(page, "Content type of column 2", "Image");
    await creator.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/evaluation\/datasets\/\d+$/);

    // An item with its text only; the picture is then uploaded into its cell from memory.
    await page.getByRole("button", { name: "Add item" }).click();
    const adder = page.getByRole("dialog", { name: "Add item" });
    await adder.getByLabel("input (required)").fill("What is in the picture?");
    await adder.getByRole("button", { name: "Add", exact: true }).click();
    const items = page.getByRole("table", { name: "Items" });
    await items.getByText("What is in the picture?").waitFor({ timeout: 10_000 });
    await items.getByRole("button", { name: "Edit picture of item 1" }).click();
    await items.getByLabel("Upload an image for picture of item 1").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: PNG });
    await items.getByText("Uploaded dot.png").waitFor({ timeout: 20_000 });
    await items.getByRole("button", { name: "Save", exact: true }).click();

    // The cell holds the object key; what the browser loads is a signed GET of that key.
    const image = items.getByRole("img", { name: "dot.png", exact: true });
    await image.waitFor({ timeout: 10_000 });
    const src = (await image.getAttribute("src")) ?? "";
    expect(new URL(src).pathname).toMatch(new RegExp(`/${spaceId}/evaluation/\\d+/dot\\.png$`));
    expect(src).toMatch(/[?&](X-Amz-Signature|Signature)=/);
    await expect.poll(() => image.evaluate((node) => (node as HTMLImageElement).complete && (node as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(1);
  }, 60_000);
});
