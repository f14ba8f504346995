/** Explicit migration registry: survives bundling, and the order is the names' order. */
import type { Migration } from "kysely";
import * as m001 from "./001_initial";

export const migrations: Record<string, Migration> = {
  "001_initial": m001,
};
