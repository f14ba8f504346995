/** Explicit migration registry: survives bundling, and the order is the names' order. */
import type { Migration } from "kysely";
import * as m001 from "./001_initial";
import * as m002 from "./002_entry";

export const migrations: Record<string, Migration> = {
  "001_initial": m001,
  "002_entry": m002,
};
