// Browser tests: the real local stack (localstack/serve.py) serving the built console, driven by
// playwright-core in Debian's chromium. Run with `make e2e` (it builds the console first).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./support/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
