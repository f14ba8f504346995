import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  // The aliases of tsconfig.json "paths"; "@engine" alone is the directory, so engine/index.ts.
  resolve: {
    alias: {
      "~": path.resolve(__dirname, "../app"),
      "@engine": path.resolve(__dirname, "../engine"),
      "@seeds": path.resolve(__dirname, "../seeds"),
      "@schemas": path.resolve(__dirname, "../schemas"),
    },
  },
  test: {
    root: path.resolve(__dirname, ".."),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["tests/setup/global-setup.ts"],
    // Notes which files run on the wall clock, for .ci/moved-clocks (docs/testing.md).
    setupFiles: ["tests/setup/clock-audit.ts"],
    // Two groups, one after the other (docs/testing.md): first the files that run the app in the
    // test's own process (engine, unit, seeds, integration), two at a time, as the machine has two
    // cores and such a file leaves one mostly idle while it waits on PostgreSQL; then the files that
    // start app servers and Chromium (e2e, crash), one at a time, as each already keeps both cores
    // busy and their journeys wait on real time-outs.
    projects: [
      {
        extends: true,
        test: { name: "in-process", include: ["tests/**/*.test.ts"], exclude: ["tests/e2e/**", "tests/crash/**"], maxWorkers: 2 },
      },
      {
        extends: true,
        test: {
          name: "servers",
          include: ["tests/e2e/**/*.test.ts", "tests/crash/**/*.test.ts"],
          // PANTAU_SERVER_TEST_WORKERS=2 tries two at a time (a machine with more cores, say).
          maxWorkers: Number(process.env.PANTAU_SERVER_TEST_WORKERS ?? 1),
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
