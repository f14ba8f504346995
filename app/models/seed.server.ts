/**
 * The demo: org tree, demo accounts (password `pantau-demo`, demo database only), and
 * whatever later seeds add — all loaded through the same paths a user's import takes.
 */
import fs from "node:fs";
import path from "node:path";
import { writeAudit } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import type { Role } from "~/db/schema";
import { generateDemoSubmissions } from "@seeds/demo/generate";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import type { DistrictOverlay, TemplatePackage } from "@engine";
import { forgetDemoFlag } from "./demo.server";
import { prepareSubmission, storePrepared, SubmissionContext, type PreparedSubmission } from "./submissions.server";
import { importOverlay, importPackage } from "./templates.server";
import { importOrgCsv } from "./org-import.server";
import { isRole } from "~/auth/policy.server";
import { createUser } from "./user.server";
import { clock } from "~/utils/clock.server";
import { overlayWithTargetsThrough, withTargetsThrough } from "@seeds/demo/targets";

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

function readJsonFiles(dir: string): Array<{ file: string; json: unknown }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: f, json: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown }));
}

/**
 * Loads the template packages, district overlays and generated demo submissions through the
 * same paths a user's import takes (validatePackage, validateOverlay, validateSubmission and
 * the validation rules). Stops with every error listed if any seed is invalid.
 */
export async function seedDemoContent(log: (line: string) => void = () => {}, asOf: string = clock.iso()): Promise<void> {
  const dir = seedsDir();
  const actor = { userId: null };
  // Targets through the seeding year, as an admin would copy last year's (seeds/demo/targets.ts).
  const throughYear = new Date(asOf).getUTCFullYear();
  const packages = readJsonFiles(path.join(dir, "packages")).map(({ file, json }) => ({
    file,
    json: withTargetsThrough(json as TemplatePackage, throughYear),
  }));
  for (const { file, json } of packages) {
    const result = await importPackage(json, actor);
    if (!result.ok) throw new Error(`seeds/packages/${file} tidak sah:\n${result.errors.map((e) => `  ${e.pointer}: ${e.message}`).join("\n")}`);
    log(`Paket templat ${result.key} v${result.version}${result.created ? "" : " (sudah ada)"}`);
  }
  const overlays = readJsonFiles(path.join(dir, "overlays")).map(({ file, json }) => ({
    file,
    json: overlayWithTargetsThrough(json as DistrictOverlay, throughYear),
  }));
  for (const { file, json } of overlays) {
    const result = await importOverlay(json, actor);
    if (!result.ok) throw new Error(`seeds/overlays/${file} tidak sah:\n${result.errors.map((e) => `  ${e.pointer}: ${e.message}`).join("\n")}`);
  }
  log(`Adaptasi kabupaten/kota: ${overlays.length}`);
  const orgUnits = parseOrgUnitsCsv(fs.readFileSync(path.join(dir, "org-units.csv"), "utf8"));
  const national = packages.map((p) => p.json as TemplatePackage).find((p) => p.key === "ilp-nasional");
  if (!national) return;
  const records = generateDemoSubmissions({ orgUnits, pkg: national, overlays: overlays.map((o) => o.json as DistrictOverlay), asOf });
  // Rules compare monthly counts with the same unit's yearly sasaran: hand them over directly.
  const yearlyForms = new Set(national.forms.filter((f) => f.periodType === "year").map((f) => f.key));
  const yearly = new Map<string, Record<string, unknown>>();
  for (const r of records) if (yearlyForms.has(r.form)) yearly.set(`${r.org}|${r.period}`, r.values);
  const ctx = new SubmissionContext(national.key);
  await ctx.preloadUnits(records.map((r) => r.org));
  const prepared: PreparedSubmission[] = [];
  const meta: Array<{ status: (typeof records)[number]["status"]; submittedAt: string | null; returnNote?: string }> = [];
  const problems: string[] = [];
  for (const r of records) {
    const result = await prepareSubmission(ctx, {
      unitCode: r.org,
      formKey: r.form,
      period: r.period,
      data: r.values,
      yearly: yearly.get(`${r.org}|${r.period.slice(0, 4)}`) ?? {},
    });
    if (!result.ok) {
      problems.push(`${r.org} ${r.form} ${r.period}: ${result.problems.map((p) => p.message).join("; ")}`);
      continue;
    }
    prepared.push(result.submission);
    meta.push({ status: r.status, submittedAt: r.submittedAt, returnNote: r.returnNote });
  }
  if (problems.length > 0) throw new Error(`Data demo tidak lolos validasi (${problems.length}):\n  ${problems.slice(0, 20).join("\n  ")}`);
  const refused = await storePrepared(prepared, (_s, i) => ({
    status: meta[i].status,
    submittedAt: meta[i].submittedAt,
    returnNote: meta[i].returnNote ?? null,
    actorUserId: null,
    auditAction: "submission.import",
    bypassDeadline: "demo-seed",
  }));
  if (refused.length > 0) throw new Error(`Data demo: ${refused.length} laporan ditolak (${refused[0].message})`);
  log(`Laporan demo: ${prepared.length}`);
}

/** Empties the demo content (submissions, overlays, packages) so `db seed --demo` can reload it. */
export async function clearDemoContent(): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx.deleteFrom("submission_value").execute();
      await trx.deleteFrom("submission").execute();
      await trx.deleteFrom("district_overlay").execute();
      await trx.deleteFrom("template_package").execute();
      await writeAudit(trx, { actorUserId: null, action: "demo.clear", entityType: "database" });
    });
}
