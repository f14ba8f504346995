/**
 * The demo: org tree, demo accounts (password `pantau-demo`, demo database only), the national
 * group `blud` (generated demo data), and whatever later seeds add — all loaded through the same
 * paths a user's import takes.
 */
import fs from "node:fs";
import path from "node:path";
import { writeAudit } from "~/auth/audit.server";
import { getDb, nowIso } from "~/db/db.server";
import type { Role } from "~/db/schema";
import { demoBludMemberships, generateDemoSubmissions, type DemoSubmission } from "@seeds/demo/generate";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { checkRules, validateSubmission } from "@engine/server";
import { monthIndex, type DistrictOverlay, type TemplatePackage } from "@engine";
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
  for (const u of users) if (!isRole(u.role)) throw new Error(`seeds/users.json: peran ${u.role} untuk ${u.username} tidak dikenal.`);
  const db = getDb();
  const codes = [...new Set(users.flatMap((u) => u.scopes))];
  const units = await db.selectFrom("org_unit").select(["id", "code"]).where("code", "in", codes).execute();
  const idOf = new Map(units.map((u) => [u.code, u.id]));
  await Promise.all(
    users.map(async (u) => {
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
  await seedDemoBludGroup(orgUnits, log);
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
    const unit = await ctx.unit(r.org);
    if (unit && unit.level !== "puskesmas") {
      const village = await prepareVillageRecord(ctx, r);
      if (!village.ok) problems.push(`${r.org} ${r.form} ${r.period}: ${village.problems.join("; ")}`);
      else {
        prepared.push(village.submission);
        meta.push({ status: r.status, submittedAt: r.submittedAt, returnNote: r.returnNote });
      }
      continue;
    }
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

/**
 * Validates a Pustu or Posyandu demo report the way prepareSubmission does a Puskesmas one (the
 * district's effective package, Ajv per field, calculations, then the form's rules), for the
 * demo's lower-level write (storePrepared): prepareSubmission takes Puskesmas reports only until
 * the entry side accepts village units.
 */
async function prepareVillageRecord(
  ctx: SubmissionContext,
  r: DemoSubmission,
): Promise<{ ok: true; submission: PreparedSubmission } | { ok: false; problems: string[] }> {
  const unit = await ctx.unit(r.org);
  if (!unit) return { ok: false, problems: [`unit ${r.org} tidak ada`] };
  const effective = await ctx.packageFor(unit);
  const form = effective?.package.forms.find((f) => f.key === r.form);
  if (!effective || !form) return { ok: false, problems: [`formulir ${r.form} tidak ada dalam paket ${ctx.packageKey}`] };
  const result = validateSubmission(form, r.values, {
    formVersion: `${effective.base.id}:${effective.overlay?.id ?? 0}`,
    hiddenFields: effective.hidden.filter((h) => h.form === form.key).map((h) => h.field),
    locale: "id",
  });
  if (!result.ok) return { ok: false, problems: result.errors.map((e) => e.message) };
  const violations = checkRules(effective.package, form.key, result.data, {}, "id");
  const errors = violations.filter((v) => v.severity === "error");
  if (errors.length > 0) return { ok: false, problems: errors.map((e) => e.message) };
  return { ok: true, submission: { unit, effective, form, period: r.period, data: result.data, warnings: violations } };
}

/**
 * The demo's national group `blud`: the Puskesmas the demo generator made BLUD, each from the
 * month of its (generated) BLUD decree, open-ended. The BLUD form applies to this group. Its
 * description says it is generated demo data, not a published list; it is not reloaded by
 * `db seed --demo` when it already exists (an admin may have changed it).
 */
export async function seedDemoBludGroup(orgUnits: ReturnType<typeof parseOrgUnitsCsv>, log: (line: string) => void = () => {}): Promise<void> {
  const db = getDb();
  const national = await db.selectFrom("org_unit").select("id").where("level", "=", "national").executeTakeFirst();
  if (!national) return;
  const exists = await db.selectFrom("org_group").select("id").where("owner_org_unit_id", "=", national.id).where("key", "=", "blud").executeTakeFirst();
  if (exists) return;
  const members = demoBludMemberships({ orgUnits });
  const units = members.length
    ? await db
        .selectFrom("org_unit")
        .select(["id", "code"])
        .where(
          "code",
          "in",
          members.map((m) => m.code),
        )
        .execute()
    : [];
  const idOf = new Map(units.map((u) => [u.code, u.id]));
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    const values = {
      key: "blud",
      name: "Puskesmas BLUD (data demo)",
      name_en: "BLUD Puskesmas (demo data)",
      description:
        "Dibuat oleh data demo: Puskesmas yang oleh pembangkit data demo ditandai BLUD, sejak bulan SK BLUD-nya (rekaan). Bukan daftar resmi; ganti dengan daftar SK BLUD dari Dinas Kesehatan.",
      owner_org_unit_id: national.id,
      created_by: null,
      created_at: now,
      updated_at: now,
    };
    const { id } = await trx.insertInto("org_group").values(values).returning("id").executeTakeFirstOrThrow();
    const rows = members.flatMap((m) => {
      const unitId = idOf.get(m.code);
      const [y, mo] = m.from.split("-").map(Number);
      return unitId ? [{ group_id: id, org_unit_id: unitId, from_month: monthIndex(y, mo), to_month: null, created_by: null, created_at: now }] : [];
    });
    if (rows.length > 0) await trx.insertInto("org_group_member").values(rows).execute();
    await writeAudit(trx, {
      actorUserId: null,
      action: "group.import",
      entityType: "org_group",
      entityId: id,
      orgUnitId: national.id,
      after: { ...values, members: members.map((m) => ({ unit: m.code, from: m.from, to: null })) },
    });
  });
  log(`Kelompok demo blud: ${members.length} Puskesmas BLUD`);
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
