// Debian's chromium driven by playwright-core: never a downloaded browser build.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type Page } from "playwright-core";

import { repoRoot } from "./stack";

export const chromiumPath = process.env.LOOP_CHROMIUM ?? "/usr/bin/chromium";

// Without the networking flags chromium keeps dialling Google's hosts, which this machine refuses.
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

const screenshotDir = join(repoRoot, "tests", "e2e", "screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
