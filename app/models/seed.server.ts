/**
 * The demo: org tree, demo accounts (password `pantau-demo`, demo database only), and
 * whatever later seeds add — all loaded through the same paths a user's import takes.
 */
import fs from "node:fs";
import path from "node:path";
import { writeAudit } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import type { Role } from "~/db/schema";
import { forgetDemoFlag } from "./demo.server";
import { importOrgCsv } from "./org-import.server";
import { createUser, isRole } from "./user.server";

export const DEMO_PASSWORD = "pantau-demo";

export function seedsDir(): string {
  return path.resolve(process.env.PANTAU_SEEDS_DIR ?? "seeds");
}

interface DemoUser {
  username: string;
  displayName: string;
  role: string;
  scopes: string[];
}

export async function isDatabaseEmpty(): Promise<boolean> {
  const row = await getDb().selectFrom("org_unit").select("id").limit(1).executeTakeFirst();
  return !row;
}

/** Loads the org tree and demo accounts into an empty database. */
export async function seedDemoBase(log: (line: string) => void = () => {}): Promise<void> {
  const dir = seedsDir();
  const csv = fs.readFileSync(path.join(dir, "org-units.csv"), "utf8");
  const org = await importOrgCsv(csv);
  if (org.errors.length > 0) {
    throw new Error(`seeds/org-units.csv tidak sah:\n${org.errors.map((e) => `  baris ${e.row}: ${e.message}`).join("\n")}`);
  }
  log(`Unit organisasi: ${org.inserted}`);
  const users = JSON.parse(fs.readFileSync(path.join(dir, "users.json"), "utf8")) as DemoUser[];
  const db = getDb();
  const codes = [...new Set(users.flatMap((u) => u.scopes))];
  const units = await db.selectFrom("org_unit").select(["id", "code"]).where("code", "in", codes).execute();
  const idOf = new Map(units.map((u) => [u.code, u.id]));
  await Promise.all(
    users.map(async (u) => {
      if (!isRole(u.role)) throw new Error(`seeds/users.json: peran ${u.role} untuk ${u.username} tidak dikenal.`);
      const grants = u.scopes.map((code) => {
        const id = idOf.get(code);
        if (!id) throw new Error(`seeds/users.json: unit ${code} untuk ${u.username} tidak ada.`);
        return { role: u.role as Role, orgUnitId: id };
      });
      await createUser({ username: u.username, displayName: u.displayName, password: DEMO_PASSWORD, grants }, { userId: null });
    }),
  );
  log(`Akun demo: ${users.length} (kata sandi ${DEMO_PASSWORD})`);
  await db.transaction().execute((trx) => writeAudit(trx, { actorUserId: null, action: "demo.seed", entityType: "database", after: { users: users.length } }));
  forgetDemoFlag();
}
