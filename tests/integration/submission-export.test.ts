/**
 * Export of submissions (decision 011) on SQLite and PostgreSQL: stable columns across two
 * package versions (a field removed in v2 keeps its column for the v1 report, a field added in
 * v2 gets its own), CSV and XLSX, scope per role (operator: own Puskesmas, verifier and district
 * admin: their district, national admin: all, facilitator refused), period range, audit.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { langCookie } from "~/i18n/locale.server";
import { getDb } from "~/db/db.server";
import { EXPORT_META_COLUMNS } from "~/models/submission-export.server";
import { prepareSubmission, storeSubmission, SubmissionContext } from "~/models/submissions.server";
import { importPackage } from "~/models/templates.server";
import * as exportRoute from "~/routes/submissions.export";
import type { TemplatePackage } from "@engine";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, puskesmasCode, seedOrgTree } from "../helpers/app";
import { formFieldKeys, seedPackage } from "../helpers/seed-package";
import { openDeadlines } from "../helpers/deadlines";
import { profilAnswers } from "../helpers/ilp-profil";
import { expectCsvSafe, expectInjectionsArrived, expectXlsxSafe, INJECTIONS } from "../helpers/spreadsheet";

const FORM = "ilp_profil";
const PKG = seedPackage.key;
const now = new Date();
const PERIOD = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
const NEXT_YEAR = String(now.getUTCFullYear() + 1);

const answers = (extra: Record<string, unknown>) => profilAnswers({ sk_klaster_nomor: "440/12/PKM/2025", alur_layanan_klaster: false, ...extra });

/** Version 2 of the seed package: ilp_profil loses kunjungan_rumah and gains kunjungan_rumah_ilp. */
function version2(): TemplatePackage {
  const pkg = structuredClone(seedPackage);
  pkg.version = 2;
  const form = pkg.forms.find((f) => f.key === FORM)!;
  const section = form.sections.find((s) => s.fields.some((f) => f.key === "kunjungan_rumah"))!;
  const old = section.fields.find((f) => f.key === "kunjungan_rumah")!;
  section.fields = section.fields.filter((f) => f.key !== "kunjungan_rumah");
  form.sections[form.sections.length - 1].fields.push({ ...old, key: "kunjungan_rumah_ilp", label: { id: "Kunjungan rumah terintegrasi" } });
  return pkg;
}

async function store(unitCode: string, data: Record<string, unknown>, period = PERIOD) {
  const ctx = new SubmissionContext(PKG);
  const r = await prepareSubmission(ctx, { unitCode, formKey: FORM, period, data });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  await getDb()
    .transaction()
    .execute((trx) => storeSubmission(trx, r.submission, { status: "submitted", actorUserId: null }));
}

describe.each(DIALECTS)("submission export on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let plantungan: string;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    plantungan = puskesmasCode("Plantungan");
    expect((await importPackage(JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")), { userId: null })).ok).toBe(true);
    await store("P1373001", answers({ kunjungan_rumah: 7 }));
    const v2 = await importPackage(version2(), { userId: null });
    expect(v2.ok, JSON.stringify(v2)).toBe(true);
    await store("P1373002", answers({ kunjungan_rumah_ilp: 9, catatan_ilp: '=HYPERLINK("https://evil.example","klik")' }));
    await store(plantungan, answers({ kunjungan_rumah_ilp: 3 }));
    const users: Array<[string, Parameters<typeof insertUser>[1]]> = [
      ["op", [["puskesmas_operator", "P1373001"]]],
      ["ver", [["district_verifier", "13.73"]]],
      ["adminKendal", [["district_admin", "33.24"]]],
      ["national", [["national_admin", "ID"]]],
      ["fac", [["facilitator", "ID"]]],
    ];
    for (const [name, grants] of users) cookie[name] = await cookieFor(await insertUser(`${name}.${kind}`, grants));
  });
  afterAll(() => handle.destroy());

  async function exportAs(who: string | null, query: string) {
    const session = who?.endsWith(":en") ? `${cookie[who.slice(0, -3)]}; ${(await langCookie.serialize("en")).split(";")[0]}` : who ? cookie[who] : null;
    return (await call(exportRoute.loader, makeRequest(`/submissions/export?${query}`, session ? { cookie: session } : {}))) as Response;
  }

  async function csvRows(who: string, query = `form=${PKG}/${FORM}&format=csv`) {
    const res = await exportAs(who, query);
    expect(res.status, await res.clone().text()).toBe(200);
    const records = parse((await res.text()).replace(/^\uFEFF/, ""), { relax_column_count: false }) as string[][];
    const [header, ...rows] = records;
    return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
  }

  const expectedHeader = () => [...EXPORT_META_COLUMNS, ...formFieldKeys(FORM), "kunjungan_rumah_ilp"];

  it("keeps one column per key the form ever had, in order of first appearance, on CSV and XLSX", async () => {
    const { header, rows } = await csvRows("national");
    expect(header).toEqual(expectedHeader());
    expect(rows.map((r) => [r.org_unit, r.package_version])).toEqual([
      ["P1373001", "1"],
      ["P1373002", "2"],
      [plantungan, "2"],
    ]);
    // The removed field keeps its value for the old report; the new one is empty there.
    expect([rows[0].kunjungan_rumah, rows[0].kunjungan_rumah_ilp]).toEqual(["7", ""]);
    expect([rows[1].kunjungan_rumah, rows[1].kunjungan_rumah_ilp]).toEqual(["", "9"]);
    expect([rows[0].sk_klaster, rows[0].alur_layanan_klaster, rows[0].kader_terlatih]).toEqual(["ya", "tidak", "60"]);
    // Free text never becomes a spreadsheet formula.
    expect(rows[1].catatan_ilp).toBe(`'=HYPERLINK("https://evil.example","klik")`);
    // The status in the reader's language; the column keys stay keys (the import reads them).
    expect(rows.map((r) => r.status)).toEqual(["Dikirim", "Dikirim", "Dikirim"]);
    const english = await csvRows("national:en");
    expect(english.header).toEqual(expectedHeader());
    expect(english.rows.map((r) => r.status)).toEqual(["Submitted", "Submitted", "Submitted"]);

    const res = await exportAs("national", `form=${FORM}&format=xlsx&from=${PERIOD}&to=${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toContain(`laporan-${FORM}-${PERIOD}_${PERIOD}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Laporan", "Kolom"]);
    const sheet = wb.getWorksheet("Laporan")!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(expectedHeader());
    expect(sheet.rowCount).toBe(4);
    const col = expectedHeader().indexOf("kunjungan_rumah") + 1;
    expect(sheet.getRow(2).getCell(col).value).toBe(7);
  });

  it("limits rows to the caller's area and refuses facilitators and anonymous callers", async () => {
    expect((await csvRows("op")).rows.map((r) => r.org_unit)).toEqual(["P1373001"]);
    expect((await csvRows("ver")).rows.map((r) => r.org_unit)).toEqual(["P1373001", "P1373002"]);
    expect((await csvRows("adminKendal")).rows.map((r) => r.org_unit)).toEqual([plantungan]);
    // Same columns whoever asks: stable for every scope.
    expect((await csvRows("op")).header).toEqual(expectedHeader());
    expect((await exportAs("fac", `form=${FORM}&format=csv`)).status).toBe(403);
    const anonymous = await exportAs(null, `form=${FORM}&format=csv`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });

  it("filters by period range and explains a bad request", async () => {
    expect((await csvRows("national", `form=${FORM}&format=csv&from=${NEXT_YEAR}`)).rows).toEqual([]);
    expect((await csvRows("national", `form=${FORM}&format=csv&to=${PERIOD}`)).rows.length).toBe(3);
    const reversed = await exportAs("national", `form=${FORM}&format=csv&from=${NEXT_YEAR}&to=${PERIOD}`);
    expect(reversed.status).toBe(400);
    expect(await reversed.text()).toContain("Tukar keduanya");
    const badPeriod = await exportAs("national", `form=${FORM}&format=csv&from=2025-13`);
    expect(badPeriod.status).toBe(400);
    expect(await badPeriod.text()).toContain("Periode awal tidak dapat dipakai");
    expect((await exportAs("national", `form=${FORM}&format=pdf`)).status).toBe(400);
    expect((await exportAs("national", `form=nope&format=csv`)).status).toBe(404);
  });

  it("audits every export with who, form, range and row count", async () => {
    const before = await getDb().selectFrom("audit_log").select("id").where("action", "=", "submission.export").execute();
    await csvRows("ver", `form=${FORM}&format=csv&from=${PERIOD}`);
    const rows = await getDb()
      .selectFrom("audit_log")
      .select(["actor_user_id", "after_json"])
      .where("action", "=", "submission.export")
      .orderBy("id", "desc")
      .execute();
    expect(rows.length).toBe(before.length + 1);
    expect(rows[0].actor_user_id).not.toBeNull();
    expect(JSON.parse(rows[0].after_json!)).toMatchObject({ form: FORM, from: PERIOD, to: null, format: "csv", rows: 2, scope: ["13.73"] });
  });

  it("keeps every CSV-injection shape typed into a report from running as a formula, in CSV and XLSX", async () => {
    // One report per shape, in the months before this one (their deadline lifted); removed afterwards.
    await openDeadlines(getDb());
    const [y, m] = PERIOD.split("-").map(Number);
    const months = INJECTIONS.map((_, i) => {
      const d = new Date(Date.UTC(y, m - 2 - i, 1));
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    });
    try {
      for (const [i, shape] of INJECTIONS.entries()) await store("P1373003", answers({ catatan_ilp: shape, sk_klaster_nomor: shape }), months[i]);
      const range = `form=${PKG}/${FORM}&from=${months.at(-1)}&to=${months[0]}`;
      const csv = await exportAs("ver", `${range}&format=csv`);
      expect(csv.status).toBe(200);
      const [header, ...rows] = expectCsvSafe(await csv.text());
      expect(rows.length).toBe(INJECTIONS.length);
      const notes = rows.map((r) => r[header.indexOf("catatan_ilp")]);
      expectInjectionsArrived(notes);
      expectInjectionsArrived(rows.map((r) => r[header.indexOf("sk_klaster_nomor")]));
      // The comma reading is the stored text with apostrophes added only where a formula could start.
      expect(notes).toContain("catatan;'=cmd|' /C calc'!A0");

      const xlsx = await exportAs("ver", `${range}&format=xlsx`);
      expect(xlsx.status).toBe(200);
      const wb = await expectXlsxSafe(await xlsx.arrayBuffer());
      const sheet = wb.getWorksheet("Laporan")!;
      const col = expectedHeader().indexOf("catatan_ilp") + 1;
      expectInjectionsArrived(sheet.getColumn(col).values.filter((v): v is string => typeof v === "string"));
      // Numbers from number fields stay numbers.
      expect(sheet.getRow(2).getCell(expectedHeader().indexOf("jumlah_desa") + 1).value).toBe(10);
    } finally {
      await getDb().deleteFrom("submission").where("period", "in", months).execute();
      await getDb().deleteFrom("report_deadline").execute();
    }
  });
});
