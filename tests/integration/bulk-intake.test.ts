/**
 * The chunked import stores exactly what storing the same reports one at a time stores
 * (docs/decisions/043-bulk-intake-speed.md), on SQLite and PostgreSQL. Two databases set up alike
 * (org tree, national package and two district adaptations, existing reports: submitted, approved,
 * draft; an unlock grant for one Puskesmas of a locked month) take the same two files:
 *  - in one, through the import job (chunks, multi-row statements, facts by `json_each`/`unnest`);
 *  - in the other, row by row through the single-report building blocks — `parseCell`,
 *    `prepareSubmission`, then `storeSubmission` in a transaction of its own — with the import's
 *    options (status, audit action, job), skipping what the import refuses before validation
 *    (a repeated unit and period).
 * Then every report, fact, history version and audit row is compared (ids mapped to unit, form
 * and period; times left out), the refused rows must be the same, and each report's facts are
 * checked against `numericFacts` of its own document.
 */
import fs from "node:fs";
import path from "node:path";
import { fieldsOf } from "@engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbHandle, type DbHandle, type DbKind } from "~/db/db.server";
import { loadGrants } from "~/auth/session.server";
import { createImportJob, importForm, importJobSettled, readCsv } from "~/models/bulk-import.server";
import { parseRow } from "~/models/import-file.server";
import { LockCache } from "~/models/locks.server";
import { packageAt } from "~/models/submission-history.server";
import {
  numericFacts,
  parseCell,
  prepareSubmission,
  storeSubmission,
  SubmissionContext,
  SubmissionLockedError,
  type StoreOptions,
} from "~/models/submissions.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import { clock } from "~/utils/clock.server";
import { createTestDatabase, DIALECTS } from "../helpers/db";
import { insertUser, seedOrgTree } from "../helpers/app";
import { profilCells } from "../helpers/ilp-profil";
import { seedPackage } from "../helpers/seed-package";

const PKG = seedPackage.key;
/** A fixed "now": March 2026 is open, February 2026 is past its deadline (10 days), Q1 2026 has begun. */
const NOW = "2026-03-20T08:00:00.000Z";
const OPEN = "2026-03";
const LOCKED = "2026-02";
const QUARTER = "2026-Q1";

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), "utf8")) as unknown;
const valid = (overrides: Record<string, string | number> = {}) =>
  profilCells({ sk_klaster_nomor: "440/12/PKM/2025", alur_layanan_klaster: "tidak", ...overrides });
const csvOf = (rows: Array<[string, string, Record<string, string | number>]>) => {
  const keys = [...new Set(rows.flatMap(([, , cells]) => Object.keys(cells)))];
  const cell = (v: string | number | undefined) => (v === undefined ? "" : `"${String(v).replace(/"/g, '""')}"`);
  return [["org_unit", "period", ...keys].join(","), ...rows.map(([u, p, cells]) => [u, p, ...keys.map((k) => cell(cells[k]))].join(","))].join("\n");
};

interface Setup {
  handle: DbHandle;
  adminId: number;
  units: string[];
  kendal: string[];
}

/** The same starting state in a fresh database: tree, package, adaptations, an admin, existing reports, an unlock grant. */
async function setUp(kind: DbKind): Promise<Setup> {
  const handle = await createTestDatabase(kind);
  setDbHandle(handle);
  await seedOrgTree({ villages: false });
  expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
  for (const file of ["1373-kota-sawahlunto.json", "3324-kabupaten-kendal.json"])
    expect((await importOverlay(readJson(`seeds/overlays/${file}`), { userId: null })).ok).toBe(true);
  const adminId = await insertUser(`nasional.${kind}`, [["national_admin", "ID"]]);
  const db = handle.db;
  const puskesmas = await db.selectFrom("org_unit").select(["code", "path"]).where("level", "=", "puskesmas").orderBy("code").execute();
  const units = puskesmas.filter((u) => u.code.startsWith("P1373")).map((u) => u.code);
  const kendal = puskesmas.filter((u) => u.code.startsWith("P3324")).map((u) => u.code);
  expect([units.length >= 6, kendal.length >= 2]).toEqual([true, true]);
  // Existing reports of March: one submitted (the file updates it), one approved (refused), one draft (the file submits it).
  const ctx = new SubmissionContext(PKG, db);
  const existing: Array<[string, StoreOptions["status"], Record<string, string | number>]> = [
    [units[2], "submitted", valid({ jumlah_desa: 7 })],
    [units[3], "approved", valid()],
    [units[4], "draft", valid({ jumlah_kader: 120 })],
  ];
  for (const [unitCode, status, cells] of existing) {
    const prepared = await prepareSubmission(ctx, { unitCode, formKey: "ilp_profil", period: OPEN, data: await parsed(ctx, unitCode, "ilp_profil", cells) });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    await db.transaction().execute((trx) => storeSubmission(trx, prepared.submission, { status, actorUserId: adminId }));
  }
  // February is locked; one Puskesmas of Sawahlunto has it unlocked by its district admin.
  const unit = await db.selectFrom("org_unit").select(["id", "path"]).where("code", "=", units[5]).executeTakeFirstOrThrow();
  await db
    .insertInto("unlock_grant")
    .values({
      district_id: Number(unit.path.split("/").filter(Boolean)[2]),
      org_unit_id: unit.id,
      package_key: PKG,
      form_key: "ilp_profil",
      period: LOCKED,
      reason: "data terlambat dari puskesmas",
      reopen_approved: 0,
      granted_by: adminId,
      granted_at: NOW,
      expires_at: "2026-03-30T00:00:00.000Z",
    })
    .execute();
  return { handle, adminId, units, kendal };
}

/** A row's cells as the import reads them: each field of the unit's district version through `parseCell`, empty cells left out. */
async function parsed(ctx: SubmissionContext, unitCode: string, formKey: string, cells: Record<string, string | number>): Promise<Record<string, unknown>> {
  const unit = (await ctx.unit(unitCode))!;
  const form = (await ctx.packageFor(unit))!.package.forms.find((f) => f.key === formKey)!;
  const data: Record<string, unknown> = {};
  for (const field of fieldsOf(form)) {
    if (field.calculate || !(field.key in cells)) continue;
    const cell = parseCell(field, String(cells[field.key]));
    if ("error" in cell) return { [field.key]: Symbol("refused") } as Record<string, unknown>;
    if (cell.value !== undefined) data[field.key] = cell.value;
  }
  return data;
}

/** The two files: a mixed ilp_profil file and a bok_triwulan one with decimal amounts. */
function files(s: Setup) {
  const u = s.units;
  const profil: Array<[string, string, Record<string, string | number>]> = [
    [u[0], OPEN, valid()],
    [u[1], OPEN, valid({ jumlah_desa: "sepuluh" })],
    [u[2], OPEN, valid({ jumlah_desa: 12, posyandu_ilp: 11 })],
    [u[3], OPEN, valid({ jumlah_desa: 14 })],
    [u[4], OPEN, valid({ jumlah_kader: 150 })],
    [u[0], LOCKED, valid()],
    [u[5], LOCKED, valid({ kader_purwa: 29 })],
    [u[0], OPEN, valid({ jumlah_desa: 99 })],
    [u[1], LOCKED, valid({ jumlah_kader: -5 })],
    [s.kendal[1], OPEN, valid({ sk_klaster: "tidak", sk_klaster_nomor: "", lokmin_bulanan: "tidak" })],
    [s.kendal[0], OPEN, valid({ jumlah_posyandu: 25 })],
  ];
  const bok = (pagu: string, realisasi: string, rencana: number, terlaksana: number) => ({
    bok_pagu: pagu,
    bok_realisasi_kumulatif: realisasi,
    bok_kegiatan_rencana: rencana,
    bok_kegiatan_terlaksana: terlaksana,
    bok_laporan_tepat_waktu: "ya",
    bok_catatan: 'catatan "kutip"; baris',
  });
  const bokRows: Array<[string, string, Record<string, string | number>]> = [
    [u[0], QUARTER, bok("1234567,89", "0,1", 10, 4)],
    [u[1], QUARTER, bok("100000000000", "12.5", 3, 3)],
    [u[2], QUARTER, bok("100", "33,333333333333336", 8, 9)],
    [u[3], QUARTER, bok("10", "20", 1, 1)],
    [s.kendal[0], QUARTER, bok("0.3", "0.1", 0, 0)],
  ];
  return [
    { form: "ilp_profil", csv: csvOf(profil) },
    { form: "bok_triwulan", csv: csvOf(bokRows) },
  ];
}

/** Everything stored about reports, ids replaced by unit code, form and period, times left out (their presence kept). */
async function snapshot(handle: DbHandle) {
  const db = handle.db;
  const codeOf = new Map((await db.selectFrom("org_unit").select(["id", "code"]).execute()).map((u) => [u.id, u.code]));
  const subs = await db.selectFrom("submission").selectAll().orderBy("id").execute();
  const keyOf = new Map(subs.map((s) => [s.id, `${codeOf.get(s.org_unit_id)}|${s.form_key}|${s.period}`]));
  const byKey = <T extends { key: string }>(rows: T[]) => rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const submissions = byKey(
    subs.map(({ id: _id, created_at, updated_at, submitted_at, approved_at, ...rest }) => ({
      key: keyOf.get(_id)!,
      ...rest,
      data: JSON.parse(rest.data) as unknown,
      times: [created_at, updated_at, submitted_at, approved_at].map((t) => t !== null),
    })),
  );
  const values = byKey(
    (await db.selectFrom("submission_value").selectAll().execute()).map(({ submission_id, ...rest }) => ({
      key: `${keyOf.get(submission_id)}|${rest.field_key}`,
      ...rest,
    })),
  );
  const revisions = byKey(
    (await db.selectFrom("submission_revision").selectAll().execute()).map(({ id: _id, submission_id, at, ...rest }) => ({
      key: `${keyOf.get(submission_id)}|${rest.revision}`,
      ...rest,
      data: JSON.parse(rest.data) as unknown,
      at: at !== null,
    })),
  );
  const audits = byKey(
    (await db.selectFrom("audit_log").selectAll().where("entity_type", "=", "submission").execute()).map(({ id: _id, at, entity_id, ...rest }) => {
      const after = JSON.parse(rest.after_json ?? "null") as { revision?: number } | null;
      return {
        key: `${keyOf.get(Number(entity_id))}|${after?.revision}|${rest.action}`,
        ...rest,
        before_json: JSON.parse(rest.before_json ?? "null") as unknown,
        after_json: after,
        at: at !== null,
      };
    }),
  );
  return { submissions, values, revisions, audits };
}

describe.each(DIALECTS)("the chunked import stores what one-by-one storing stores, on %s", (kind) => {
  let fast: Awaited<ReturnType<typeof snapshot>>;
  let single: Awaited<ReturnType<typeof snapshot>>;
  const refused: Record<"fast" | "single", string[]> = { fast: [], single: [] };
  let checkedFacts = 0;

  beforeAll(async () => {
    clock.set(NOW);
    // The import job, chunk by chunk.
    const a = await setUp(kind);
    try {
      const user = { id: a.adminId, grants: await loadGrants(a.handle.db, a.adminId) };
      for (const [n, f] of files(a).entries()) {
        const read = await readCsv(f.csv);
        if (!read.ok) throw new Error(read.message);
        const id = await createImportJob({
          user,
          target: (await importForm(PKG, f.form))!,
          fileName: `${f.form}.csv`,
          format: "csv",
          bytes: f.csv.length,
          file: read.file,
          confirmWarnings: true,
          ip: null,
        });
        expect(id).toBe(n + 1);
        await importJobSettled(id);
        const job = await a.handle.db.selectFrom("import_job").select(["status"]).where("id", "=", id).executeTakeFirstOrThrow();
        expect(job.status).toBe("done");
        const errors = await a.handle.db
          .selectFrom("import_job_error")
          .select(["row_number"])
          .where("job_id", "=", id)
          .where("severity", "=", "error")
          .execute();
        refused.fast.push(...[...new Set(errors.map((e) => e.row_number))].sort((x, y) => x - y).map((r) => `${f.form}:${r}`));
      }
      fast = await snapshot(a.handle);
      // Each report's facts are its own document's numeric fields, filed under its unit.
      const db = a.handle.db;
      for (const s of await db.selectFrom("submission").selectAll().where("status", "in", ["submitted", "approved"]).execute()) {
        const pkg = (await packageAt(s.package_key, s.package_version, s.overlay_id, db))!.package;
        const form = pkg.forms.find((f) => f.key === s.form_key)!;
        const expected = numericFacts(form, JSON.parse(s.data) as Record<string, unknown>)
          .map((f) => [f.field, f.value, s.org_unit_id, s.district_id, s.province_id, s.puskesmas_id, s.year, s.month_index])
          .sort();
        const facts = (await db.selectFrom("submission_value").selectAll().where("submission_id", "=", s.id).execute())
          .map((f) => [f.field_key, f.value, f.org_unit_id, f.district_id, f.province_id, f.puskesmas_id, f.year, f.month_index])
          .sort();
        expect(facts, `${s.org_unit_id} ${s.form_key} ${s.period}`).toEqual(expected);
        checkedFacts += facts.length;
      }
    } finally {
      await a.handle.destroy();
    }

    // The same rows one report at a time, each in its own transaction.
    const b = await setUp(kind);
    try {
      const user = { id: b.adminId, grants: await loadGrants(b.handle.db, b.adminId) };
      for (const f of files(b)) {
        const read = await readCsv(f.csv);
        if (!read.ok) throw new Error(read.message);
        const target = (await importForm(PKG, f.form))!;
        const jobId = await createImportJob(
          { user, target, fileName: `${f.form}.csv`, format: "csv", bytes: f.csv.length, file: read.file, confirmWarnings: true, ip: null },
          { start: false },
        );
        const ctx = new SubmissionContext(PKG, b.handle.db);
        const seen = new Set<string>();
        for (const text of read.file.rows) {
          const { row, cells } = parseRow(text);
          const [unitCode, period] = [cells[0], cells[1]];
          const refuse = () => refused.single.push(`${f.form}:${row}`);
          // The import's own rule before validation: one row per unit and period, the first one counts.
          if (seen.has(`${unitCode}|${period}`)) {
            refuse();
            continue;
          }
          seen.add(`${unitCode}|${period}`);
          const answers = Object.fromEntries(read.file.header.slice(2).map((k, i) => [k, cells[i + 2] ?? ""]));
          const data = await parsed(ctx, unitCode, f.form, answers);
          if (Object.values(data).some((v) => typeof v === "symbol")) {
            refuse();
            continue;
          }
          const prepared = await prepareSubmission(ctx, { unitCode, formKey: f.form, period, data });
          if (!prepared.ok) {
            refuse();
            continue;
          }
          try {
            await b.handle.db.transaction().execute((trx) =>
              storeSubmission(trx, prepared.submission, {
                status: "submitted",
                actorUserId: b.adminId,
                ip: null,
                auditAction: "submission.import",
                lockCache: new LockCache(),
                importJobId: jobId,
                now: clock.now(),
              }),
            );
          } catch (err) {
            if (!(err instanceof SubmissionLockedError)) throw err;
            refuse();
          }
        }
      }
      single = await snapshot(b.handle);
    } finally {
      await b.handle.destroy();
      setDbHandle(null);
    }
  }, 120_000);
  afterAll(() => clock.set(null));

  it("refuses the same rows: a bad cell, a negative count, a repeated row, an approved report, a locked month", () => {
    expect(refused.fast).toEqual(refused.single);
    expect(refused.fast).toEqual(["ilp_profil:3", "ilp_profil:5", "ilp_profil:7", "ilp_profil:9", "ilp_profil:10", "bok_triwulan:5"]);
  });

  it("stores the same reports: documents, status, revisions, package version and adaptation, late-entry flag", () => {
    expect(fast.submissions).toEqual(single.submissions);
    // New, updated (revision 2), draft submitted, unlocked February, another district's adaptation.
    expect(fast.submissions.filter((s) => s.status === "submitted").length).toBe(10);
    expect(fast.submissions.filter((s) => s.revision === 2).map((s) => s.key.split("|")[0])).toHaveLength(2);
    expect(new Set(fast.submissions.map((s) => s.overlay_id)).size).toBe(2);
  });

  it("stores the same facts, decimals to the last bit, and each report's facts are its document's numbers", () => {
    expect(fast.values).toEqual(single.values);
    expect(checkedFacts).toBe(fast.values.length);
    const realisasi = fast.values.filter((v) => v.field_key === "bok_realisasi_kumulatif").map((v) => v.value);
    expect(realisasi).toEqual(expect.arrayContaining([0.1, 12.5, 33.333333333333336]));
    expect(fast.values.find((v) => v.field_key === "bok_pagu" && v.value > 1e10)?.value).toBe(100_000_000_000);
  });

  it("writes the same history versions and audit rows (who, action, before and after, the job)", () => {
    expect(fast.revisions).toEqual(single.revisions);
    expect(fast.audits).toEqual(single.audits);
    const imported = fast.audits.filter((a) => a.action === "submission.import");
    expect(imported.length).toBe(10);
    expect(imported.filter((a) => a.before_json !== null).length).toBe(2);
  });
});
