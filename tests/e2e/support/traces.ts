// Sending traces the way a user does: the real Python `cozeloop` SDK from the repo's virtualenv, run by
// send_traces.py with the COZELOOP_* environment variables pointing at the local stack.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import type { Page } from "playwright-core";
import { expect } from "vitest";

import { repoRoot } from "./stack";

const run = promisify(execFile);

export interface SentTraces {
  /** Root `handle_request` (tenant=acme) with a child model span `llm_call`. */
  ok: string;
  /** Root `failing_request` (tenant=globex) whose error was set. */
  failed: string;
}

/** A personal access token of the page's signed-in user, created over the console API. */
export async function createToken(page: Page, name = "e2e traces"): Promise<string> {
  const response = await page.request.post("/api/auth/v1/personal_access_tokens", { data: { name } });
  expect(response.status()).toBe(200);
  const token = (await response.json()).token as string;
  expect(token).toMatch(/^pat_/);
  return token;
}

async function runScript(baseUrl: string, workspaceId: string, token: string, args: string[]): Promise<unknown> {
  const python = join(repoRoot, ".venv", "bin", "python");
  const script = join(repoRoot, "tests", "e2e", "support", "send_traces.py");
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("COZELOOP_")));
  Object.assign(env, { COZELOOP_API_BASE_URL: baseUrl, COZELOOP_WORKSPACE_ID: workspaceId, COZELOOP_API_TOKEN: token, PYTHONUNBUFFERED: "1" });
  const { stdout } = await run(python, [script, ...args], { cwd: repoRoot, env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "");
}

/** One trace of `size` spans (root `big_request`); returns its trace id. */
export async function sendBigTrace(baseUrl: string, workspaceId: string, token: string, size: number): Promise<string> {
  const { big } = (await runScript(baseUrl, workspaceId, token, ["--big", String(size)])) as { big: string };
  expect(big).toMatch(/^[0-9a-f]{32}$/);
  return big;
}

export async function sendTraces(baseUrl: string, workspaceId: string, token: string): Promise<SentTraces> {
  const sent = (await runScript(baseUrl, workspaceId, token, [])) as SentTraces;
  expect(sent.ok).toMatch(/^[0-9a-f]{32}$/);
  expect(sent.failed).toMatch(/^[0-9a-f]{32}$/);
  return sent;
}
