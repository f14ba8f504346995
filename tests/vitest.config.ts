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
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["tests/setup/global-setup.ts"],
  },
});
