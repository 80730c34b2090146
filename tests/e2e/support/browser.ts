// Debian's chromium driven by playwright-core: never a downloaded browser build.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type Page } from "playwright-core";

import chromium_ from "./chromium.json" with { type: "json" };
import { repoRoot } from "./stack";

export const chromiumPath = process.env.LOOP_CHROMIUM ?? chromium_.executablePath;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromium_.args });
}

const screenshotDir = join(repoRoot, "tests", "e2e", "screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
