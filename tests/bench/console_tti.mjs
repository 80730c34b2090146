// Time to interactive of the sign-in page in headless Debian chromium: from navigation start until the
// "Sign in" button is enabled and the email field takes typing. Prints one JSON line per run.
// Usage: node tests/bench/console_tti.mjs <base_url> <runs>
import { chromium } from "playwright-core";

import flags from "../e2e/support/chromium.json" with { type: "json" };

const [baseUrl, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const browser = await chromium.launch({ executablePath: process.env.LOOP_CHROMIUM ?? flags.executablePath, args: flags.args });

async function measure(context) {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console/auth/login`, { waitUntil: "commit" });
  await page.getByRole("button", { name: "Sign in" }).waitFor({ state: "visible" });
  await page.waitForFunction(() => {
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Sign in");
    return button !== undefined && !button.disabled;
  });
  await page.getByLabel("Email").fill("probe@example.com");
  const timing = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType("navigation");
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      interactive_ms: performance.now(),
      dom_content_loaded_ms: nav.domContentLoadedEventEnd,
      load_ms: nav.loadEventEnd,
      first_contentful_paint_ms: paint ? paint.startTime : null,
      transferred_bytes: performance.getEntriesByType("resource").reduce((sum, r) => sum + r.transferSize, nav.transferSize),
    };
  });
  await page.close();
  return timing;
}

// Cold: a new context each run (empty cache). Warm: the same context, so the hashed assets come from cache.
for (let run = 0; run < runs; run += 1) {
  const context = await browser.newContext();
  console.log(JSON.stringify({ cache: "cold", ...(await measure(context)) }));
  console.log(JSON.stringify({ cache: "warm", ...(await measure(context)) }));
  await context.close();
}
await browser.close();
