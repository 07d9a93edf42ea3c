import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Kept apart from vite.config.ts: the Remix plugin must not run under vitest.
export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    // Builds the production server once when tests/e2e or tests/http run.
    globalSetup: ["./tests/support/build.global.ts"],
    // Each file reads a throw-away copy of tests/fixtures/content, never the working tree's content/.
    setupFiles: ["./tests/support/content.setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: database and browser files each start heavy resources.
    maxWorkers: 2,
    reporters: ["default", "./tests/support/summary-reporter.ts"],
  },
});
