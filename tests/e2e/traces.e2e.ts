// Observability in a real browser against the real local stack: traces sent by the real Python SDK are
// listed, opened (span tree, chat-rendered model input), filtered by status and by a custom tag, and get a
// feedback annotation that is still there after a reload.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser, screenshot } from "./support/browser";
import { Sessions, spaceIdOf } from "./support/session";
import { createToken, sendBigTrace, sendTraces } from "./support/traces";

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

/** The span names in the table, top to bottom. */
async function listedSpans(page: Page): Promise<string[]> {
  const table = page.getByRole("table", { name: "Spans" });
  if ((await table.count()) === 0) return [];
  return (await table.getByRole("link").allInnerTexts()).map((text) => text.trim());
}

/** Spans are queryable about a second after ingest: press Refresh until the list shows `expected`. */
async function waitForSpans(page: Page, expected: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const names = (await listedSpans(page)).sort();
        if (JSON.stringify(names) !== JSON.stringify([...expected].sort())) await page.getByRole("button", { name: "Refresh" }).click();
        return names;
      },
      { timeout: 30_000, interval: 1_000 },
    )
    .toEqual([...expected].sort());
}

/**
 * Semi's Select applies a click a moment after the dropdown opens; pick until the choice shows. A multiple
 * select's options are named "tick <label>" (their check mark icon is labelled).
 */
async function choose(page: Page, combobox: string, option: string): Promise<void> {
  const select = page.getByRole("combobox", { name: combobox });
  const item = page.getByRole("option", { name: new RegExp(`^(tick )?${option}$`) });
  for (let attempt = 0; attempt < 3 && !(await select.innerText()).includes(option); attempt += 1) {
    if ((await item.count()) === 0) await select.click();
    await item.click();
    await expect
      .poll(() => select.innerText(), { timeout: 2_000 })
      .toContain(option)
      .catch(() => undefined);
  }
  expect(await select.innerText()).toContain(option);
  // A multiple select stays open after a pick (and Escape does not close it): click outside.
  await page.getByRole("heading", { level: 1 }).click();
  await expect.poll(() => page.getByRole("option").count()).toBe(0);
}

/** Unpicks `option` in a multiple select (the opposite of `choose`). */
async function unchoose(page: Page, combobox: string, option: string): Promise<void> {
  const select = page.getByRole("combobox", { name: combobox });
  const item = page.getByRole("option", { name: new RegExp(`^(tick )?${option}$`) });
  for (let attempt = 0; attempt < 3 && (await select.innerText()).includes(option); attempt += 1) {
    if ((await item.count()) === 0) await select.click();
    await item.click();
    await expect
      .poll(() => select.innerText(), { timeout: 2_000 })
      .not.toContain(option)
      .catch(() => undefined);
  }
  expect(await select.innerText()).not.toContain(option);
  await page.getByRole("heading", { level: 1 }).click();
  await expect.poll(() => page.getByRole("option").count()).toBe(0);
}

describe("traces", () => {
  test("SDK traces are listed, opened, filtered by status and by a custom tag, and annotated", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail("traces"));
    const spaceId = spaceIdOf(page);
    const token = await createToken(page);
    const sent = await sendTraces(baseUrl, spaceId, token);

    // The list: both root spans, with the model span's tokens counted on its trace.
    await page.getByRole("link", { name: "Traces", exact: true }).click();
    await page.waitForURL(/\/observation\/traces$/);
    await page.getByRole("heading", { name: "Traces", level: 1 }).waitFor();
    await waitForSpans(page, ["failing_request", "handle_request"]);
    const okRow = page.getByRole("row", { name: /handle_request/ });
    await expect.poll(() => okRow.innerText()).toMatch(/\b18\b/);
    expect(await okRow.innerText()).toMatch(/success/);
    expect(await page.getByRole("row", { name: /failing_request/ }).innerText()).toMatch(/error/);
    // At 1280 px the whole row fits: latency, tokens and model (and the input / output) without scrolling sideways.
    const tableBody = page.locator(".loop-span-table .semi-table-body");
    expect(await tableBody.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    const viewport = page.viewportSize()!.width;
    for (const column of ["Latency", "Tokens", "Model", "Start time", "Input / output"]) {
      const box = (await page.getByRole("columnheader", { name: column, exact: true }).boundingBox())!;
      expect(box.x + box.width, column).toBeLessThanOrEqual(viewport);
    }
    await screenshot(page, "traces-list");

    // Open the ok trace: the drawer has the span tree; the model span's input is rendered as chat messages.
    await page.getByRole("link", { name: "handle_request" }).click();
    await page.waitForURL((url) => url.searchParams.get("trace_id") === sent.ok);
    const tree = page.getByRole("tree", { name: "Span tree" });
    await tree.waitFor();
    await expect.poll(() => tree.getByRole("treeitem").count()).toBe(2);
    expect(await page.getByTestId("trace-summary").innerText()).toMatch(/Tokens 18 \(12 in \/ 6 out\)/);
    await tree.getByRole("treeitem", { name: /^llm_call/ }).click();
    const input = page.getByRole("list", { name: "Input messages" });
    await input.waitFor();
    expect(await input.getByTestId("chat-message").allInnerTexts()).toEqual([
      expect.stringMatching(/system\s+You are a weather assistant\./),
      expect.stringMatching(/user\s+What is the weather in Paris\?/),
    ]);
    expect(await page.getByRole("list", { name: "Output messages" }).innerText()).toMatch(/assistant[\s\S]*Sunny and 24 degrees\./);
    await screenshot(page, "trace-drawer");
    await page.keyboard.press("Escape");
    await expect.poll(() => new URL(page.url()).searchParams.get("trace_id")).toBeNull();

    // Filter by status = error.
    await page.getByRole("button", { name: "Add filter" }).click();
    await choose(page, "Values of filter 1", "error");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await waitForSpans(page, ["failing_request"]);
    await screenshot(page, "traces-filter-status");

    // Filter by the custom tag tenant = acme instead.
    await page.getByRole("button", { name: "Clear all" }).click();
    await page.getByRole("button", { name: "Add custom tag filter" }).click();
    await page.getByLabel("Tag key of filter 1").fill("tenant");
    await page.getByLabel("Value of filter 1").fill("acme");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await waitForSpans(page, ["handle_request"]);
    await screenshot(page, "traces-filter-tag");

    // The built-in "Exceptions" view sets the filters to status = error.
    await page.getByRole("button", { name: "Exceptions (built-in)" }).click();
    await waitForSpans(page, ["failing_request"]);

    // Feedback on the ok trace's root span, still listed after a reload of the deep link.
    await page.goto(`/console/enterprise/personal/space/${spaceId}/observation/traces?trace_id=${sent.ok}`);
    await page.getByRole("tree", { name: "Span tree" }).waitFor();
    await page.getByRole("tab", { name: /^Feedback/ }).click();
    const form = page.getByRole("form", { name: "Add feedback" });
    await form.getByLabel("Key").fill("helpful");
    await form.getByLabel("Value").fill("yes");
    await form.getByLabel("Reasoning (optional)").fill("Right answer, short.");
    await form.getByRole("button", { name: "Add feedback" }).click();
    const feedback = page.getByRole("list", { name: "Feedback" });
    await expect.poll(() => feedback.innerText().catch(() => ""), { timeout: 10_000 }).toMatch(/helpful[\s\S]*yes/);

    await page.reload();
    await page.getByRole("tree", { name: "Span tree" }).waitFor();
    await page.getByRole("tab", { name: /^Feedback \(1\)/ }).click();
    await expect.poll(() => page.getByRole("list", { name: "Feedback" }).innerText()).toMatch(/helpful[\s\S]*yes[\s\S]*Right answer, short\./);
    await screenshot(page, "trace-feedback");
  });

  test("a trace of 5,000 spans opens with only the visible rows of its tree in the DOM", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail("big"));
    const spaceId = spaceIdOf(page);
    const traceId = await sendBigTrace(baseUrl, spaceId, await createToken(page), 5000);

    await page.goto(`/console/enterprise/personal/space/${spaceId}/observation/traces?trace_id=${traceId}`);
    const summary = page.getByTestId("trace-summary");
    await expect
      .poll(
        async () => {
          const text = (await summary.count()) ? await summary.innerText() : "";
          if (!text.includes("5000 spans")) await page.getByRole("button", { name: /^Reload$/ }).click();
          return text;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain("5000 spans");
    const tree = page.getByRole("tree", { name: "Span tree" });
    const rows = tree.getByRole("treeitem");
    expect(await rows.count()).toBeLessThan(100);
    expect(await rows.first().getAttribute("aria-label")).toMatch(/^big_request/);

    // Scrolled to the end: the last steps are rendered, the first rows are gone, still only a screenful. The
    // selected root stays in the DOM (out of view), as the tree's aria-activedescendant names it.
    await tree.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await expect.poll(async () => (await rows.allInnerTexts()).some((text) => /step 49\d\d/.test(text))).toBe(true);
    expect(await rows.count()).toBeLessThan(100);
    expect(await tree.getByRole("treeitem", { name: /^step 1,/ }).count()).toBe(0);
    expect(await tree.getAttribute("aria-activedescendant")).toBe(await tree.getByRole("treeitem", { name: /^big_request/ }).getAttribute("id"));
    await screenshot(page, "trace-5000-spans");

    // Collapsing the root leaves one row; expanding brings the children back.
    await tree.evaluate((element) => element.scrollTo(0, 0));
    await page.getByRole("button", { name: "Collapse all" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
  });

  test("the metrics page summarises the workspace's traces", async () => {
    const page = await sessions.signedInPage(await sessions.registeredEmail("metrics"));
    const spaceId = spaceIdOf(page);
    await sendTraces(baseUrl, spaceId, await createToken(page));

    await page.getByRole("link", { name: "Metrics", exact: true }).click();
    await page.waitForURL(/\/observation\/metrics$/);
    const traces = page.getByTestId("metric-service_trace_count");
    await expect
      .poll(
        async () => {
          const text = (await traces.count()) ? await traces.innerText() : "";
          if (text !== "2") await page.getByRole("button", { name: "Refresh" }).click();
          return text;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe("2");
    expect(await page.getByTestId("metric-general_fail_ratio").innerText()).toBe("50.0%");
    expect(await page.getByTestId("metric-model_token_count").innerText()).toBe("18");
    await page.getByRole("img", { name: "Model calls by model" }).waitFor();
    await screenshot(page, "metrics");

    // Drill down: the model metrics' series are split by model name.
    await choose(page, "Split by model", "gpt-4o-mini");
    await page.getByRole("img", { name: "Model tokens, by model" }).waitFor();
    await page.getByRole("img", { name: "Model latency p99 (ms), by model" }).waitFor();

    // And back to all models combined: the combined charts again.
    await unchoose(page, "Split by model", "gpt-4o-mini");
    await page.getByRole("img", { name: "Model tokens", exact: true }).waitFor();
    expect(await page.getByRole("img", { name: "Model tokens, by model" }).count()).toBe(0);
  });
});
