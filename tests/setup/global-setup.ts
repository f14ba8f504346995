/**
 * Starts one PostgreSQL server for the whole run; each test file makes its own database on it.
 * Vitest runs this once per project (tests/vitest.config.ts) in its main process: the projects
 * share the one server, stopped after the last of them.
 */
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres, type PgServer } from "./postgres";

const SHARED = Symbol.for("pantau.test.postgres");
type Shared = { server: Promise<PgServer>; users: number };
const holder = globalThis as { [SHARED]?: Shared };

export default async function setup(project: TestProject) {
  if (!holder[SHARED]) {
    // Each file's record of the wall clock (clock-audit.ts) is this run's, not an earlier one's.
    fs.rmSync(path.resolve(__dirname, "../artifacts/clock-audit"), { recursive: true, force: true });
    holder[SHARED] = { server: startPostgres(), users: 0 };
  }
  const shared = holder[SHARED];
  shared.users++;
  const server = await shared.server;
  project.provide("pgUrl", server.url);
  return () => {
    if (--shared.users === 0) server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
