/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const apiTarget = `http://127.0.0.1:${process.env.LOOP_PORT ?? "8000"}`;

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    proxy: {
      "/api": apiTarget,
      "/v1": apiTarget,
      "/ping": apiTarget,
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The metrics page's lazy chunk is mostly ECharts (~540 KB raw, ~180 KB gzipped); only that page loads it.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // Semi's barrel re-exports modules (lottie, mdx) we never import; they are tree-shaken away, but the
      // bundler still warns while parsing them. Keep those two warning kinds quiet for node_modules only.
      onwarn(warning, defaultHandler) {
        const fromDeps = (warning.id ?? "").includes("node_modules");
        if (fromDeps && (warning.code === "EVAL" || warning.code === "MODULE_LEVEL_DIRECTIVE")) return;
        defaultHandler(warning);
      },
    },
  },
  // Unit and component tests only (src/**/*.test.ts(x)); the end-to-end suite in ../tests has its own config.
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
    testTimeout: 15000,
  },
});
