/** `db seed` fills an empty database with the whole demo through the import paths; `--demo` reloads it. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "~/cli/main";
import { getDb } from "~/db/db.server";
import { verifyPassword } from "~/auth/password.server";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { useTestDatabase } from "../helpers/db";

// Counted from the seed files: the demo grows (Pustu and Posyandu under every Puskesmas, a
// village operator account), and the seed must load every unit and account it lists.
const ORG_UNITS = parseOrgUnitsCsv(fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8")).length;
const USERS = (JSON.parse(fs.readFileSync(path.resolve("seeds/users.json"), "utf8")) as unknown[]).length;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("demo seed on SQLite", () => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  beforeAll(async () => {
    handle = await useTestDatabase("sqlite");
  });
  afterAll(() => handle.destroy());

  const count = async (table: "submission" | "template_package" | "district_overlay" | "app_user" | "org_unit") =>
    (await getDb().selectFrom(table).select("id").execute()).length;

  it("loads org tree, accounts, package, overlays and submissions into an empty database", async () => {
    const r = await cli("db", "seed");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(await count("org_unit")).toBe(ORG_UNITS);
    expect(await count("app_user")).toBe(USERS);
    expect(await count("template_package")).toBe(1);
    expect(await count("district_overlay")).toBe(5);
    expect(await count("submission")).toBeGreaterThan(4000);
    const admin = await getDb().selectFrom("app_user").select("password_hash").where("username", "=", "admin.nasional").executeTakeFirstOrThrow();
    expect(await verifyPassword("pantau-demo", admin.password_hash)).toBe(true);
    for (const username of [
      "admin.nasional",
      "admin.sawahlunto",
      "verifikator.sawahlunto",
      "operator.sungaidurian",
      "operator.pustu.kayugadang",
      "fasilitator.nasional",
    ]) {
      expect(await getDb().selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirst(), username).toBeDefined();
    }
    const statuses = await getDb().selectFrom("submission").select("status").distinct().execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(["approved", "draft", "returned", "submitted"]);
  }, 180_000);

  it("refuses to seed a filled database without --demo, and reloads the same demo with it", async () => {
    const before = await count("submission");
    const refused = await cli("db", "seed");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--demo/);
    const reload = await cli("db", "seed", "--demo");
    expect(reload.code).toBe(0);
    expect(await count("submission")).toBe(before);
    expect(await count("app_user")).toBe(USERS);
  }, 180_000);
});
