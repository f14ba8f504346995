/** Starts one PostgreSQL server for the whole run; each test file makes its own database on it. */
import type { TestProject } from "vitest/node";
import { startPostgres, type PgServer } from "./postgres";

let server: PgServer | null = null;

export default async function setup(project: TestProject) {
  server = await startPostgres();
  project.provide("pgUrl", server.url);
  return () => server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
