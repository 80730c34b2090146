// Starts the real local stack as a child process on free ports, like tests/support/stack.py does for pytest.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

export interface RunningStack {
  baseUrl: string;
  logPath: string;
  process: ChildProcess;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export async function startStack(): Promise<RunningStack> {
  if (!existsSync(join(repoRoot, "frontend", "dist", "index.html"))) {
    throw new Error("frontend/dist is missing: run `make console` (make e2e does it for you)");
  }
  const python = join(repoRoot, ".venv", "bin", "python");
  const dataDir = mkdtempSync(join(tmpdir(), "loop-e2e-"));
  const [port, motoPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(LOOP_|AWS_|COZELOOP_)/.test(key)),
  );
  Object.assign(env, {
    LOOP_PORT: String(port),
    LOOP_MOTO_PORT: String(motoPort),
    LOOP_DATA_DIR: join(dataDir, "data"),
    LOOP_SNAPSHOT_INTERVAL_S: "3600",
    PYTHONUNBUFFERED: "1",
  });
  const logPath = join(dataDir, "stack.log");
  const log = openSync(logPath, "w");
  // Its own process group, so stopping it also stops the moto server it started.
  const child = spawn(python, [join(repoRoot, "localstack", "serve.py")], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the local stack exited early:\n${readFileSync(logPath, "utf8")}`);
    }
    try {
      if ((await fetch(`${baseUrl}/ping`)).ok) return { baseUrl, logPath, process: child };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stopStack({ baseUrl, logPath, process: child });
  throw new Error(`the local stack did not answer /ping within 90 s:\n${readFileSync(logPath, "utf8")}`);
}

export async function stopStack(stack: RunningStack): Promise<void> {
  const pid = stack.process.pid;
  if (pid === undefined || stack.process.exitCode !== null) return;
  const stopped = new Promise<boolean>((done) => {
    const giveUp = setTimeout(() => done(false), 20_000);
    stack.process.once("exit", () => {
      clearTimeout(giveUp);
      done(true);
    });
  });
  process.kill(-pid, "SIGINT");
  if (!(await stopped)) process.kill(-pid, "SIGKILL");
}
