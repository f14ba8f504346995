/** The CLI end to end against real databases: exit codes, messages, nothing half-stored. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "~/cli/main";
import { getDb } from "~/db/db.server";
import { getOrgByCode, listChildren } from "~/models/org.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { puskesmasCode, seedOrgTree } from "../helpers/app";
import { formFieldKeys } from "../helpers/seed-package";
import { openDeadlines } from "../helpers/deadlines";
import { expectCsvSafe, expectInjectionsArrived, INJECTIONS } from "../helpers/spreadsheet";

const SEED_PACKAGE = path.resolve("seeds/packages/ilp-nasional.v1.json");

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-cli-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("CLI without a database", () => {
  it("validates the national package", async () => {
    const r = await cli("template", "validate", SEED_PACKAGE);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ilp-nasional versi 1 sah/);
  });

  it("reports a broken formula with its JSON pointer and character position, exit 1", async () => {
    const doc = JSON.parse(fs.readFileSync(SEED_PACKAGE, "utf8"));
    doc.indicators[0].numerator = "count_units(sk_klaster and tidak_ada)";
    const r = await cli("template", "validate", tempFile("p.json", JSON.stringify(doc)));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/indicators\/0\/numerator \(karakter 27–36\)/);
    expect(r.err).toMatch(/UNKNOWN_IDENTIFIER/);
  });

  it("refuses a forbidden keyword, a non-JSON file and a missing file with clear messages", async () => {
    const doc = JSON.parse(fs.readFileSync(SEED_PACKAGE, "utf8"));
    doc.forms[0].$data = true;
    const bad = await cli("template", "validate", tempFile("p.json", JSON.stringify(doc)));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/\/forms\/0/);
    const notJson = await cli("template", "validate", tempFile("p.json", "{ nope"));
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/bukan JSON yang sah/);
    const missing = await cli("template", "validate", "/tidak/ada.json");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/tidak dapat dibaca/);
  });

  it("prints usage and exits 2 for an unknown command", async () => {
    const r = await cli("terbang");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Pemakaian/);
  });
});

describe.each(DIALECTS)("CLI on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    // The CSV imports below carry 2025 reports, long past their deadline.
    await openDeadlines(getDb());
  });
  afterAll(() => handle.destroy());

  const count = async (table: "template_package" | "submission" | "org_unit" | "app_user") => (await getDb().selectFrom(table).select("id").execute()).length;

  it("imports a package whole or not at all, and exports it back", async () => {
    const doc = JSON.parse(fs.readFileSync(SEED_PACKAGE, "utf8"));
    doc.rules[0].left = "spm01_bumil_k6 +";
    const refused = await cli("template", "import", tempFile("bad.json", JSON.stringify(doc)));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Tidak ada yang disimpan/);
    expect(await count("template_package")).toBe(0);

    expect((await cli("template", "import", SEED_PACKAGE)).code).toBe(0);
    const again = await cli("template", "import", SEED_PACKAGE);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/sudah ada/);
    expect(await count("template_package")).toBe(1);

    const changed = JSON.parse(fs.readFileSync(SEED_PACKAGE, "utf8"));
    changed.title.id = "Judul lain";
    const republish = await cli("template", "import", tempFile("v1b.json", JSON.stringify(changed)));
    expect(republish.code).toBe(1);
    expect(republish.err).toMatch(/sudah terbit/);

    const exported = await cli("template", "export", "ilp-nasional", "--version", "1");
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.out)).toEqual(JSON.parse(fs.readFileSync(SEED_PACKAGE, "utf8")));
    expect((await cli("template", "export", "tidak-ada")).code).toBe(1);
  });

  it("imports submissions row by row: valid rows stored, each bad row reported, exit 1", async () => {
    const sd = puskesmasCode("Sungai Durian");
    const km = puskesmasCode("Kolok Mudik");
    const sasaranKeys = formFieldKeys("spm_sasaran");
    const rest = ",500,500,500,500,500,500,500,500,500,500";
    const sasaran = [`org_unit,period,${sasaranKeys.join(",")}`, `${sd},2025,300,290${rest}`, `${km},2025,250,240${rest}`].join("\n");
    const s = await cli("submissions", "import", tempFile("s.csv", sasaran), "--template", "ilp-nasional", "--form", "spm_sasaran");
    expect(s.err).toBe("");
    expect(s.code).toBe(0);
    const before = await count("submission");
    const monthlyKeys = formFieldKeys("spm_bulanan");
    const tail = ",5,5,5,5,5,5,5,5,5,5";
    const csv = [
      `org_unit,period,${monthlyKeys.join(",")}`,
      `${sd},2025-01,20,19${tail}`,
      `${km},2025-01,dua puluh,18${tail}`,
      `P-TIDAK-ADA,2025-01,1,1${tail}`,
      `${km},2099-01,1,1${tail}`,
      `${km},2025-Q1,1,1${tail}`,
      `${km},2025-02,-3,1${tail}`,
      `${sd},2025-01,21,19${tail}`,
      `33.24,2025-01,1,1${tail}`,
      `${km},2025-02,18,17${tail}`,
    ].join("\n");
    const r = await cli("submissions", "import", tempFile("m.csv", csv), "--template", "ilp-nasional", "--form", "spm_bulanan");
    expect(r.code).toBe(1);
    // One row per unit and period, as on the import page: row 10 repeats row 7's pair (refused there).
    expect(r.out).toMatch(/1 dari 9 baris disimpan/);
    expect(r.err).toMatch(/baris 3 kolom spm01_bumil_k6: "dua puluh" bukan angka/);
    expect(r.err).toMatch(/baris 4 kolom org_unit: .*tidak ditemukan/);
    expect(r.err).toMatch(/baris 5 kolom period: .*belum berjalan/);
    expect(r.err).toMatch(/baris 6 kolom period: .*per bulan/);
    expect(r.err).toMatch(/baris 7 kolom spm01_bumil_k6/);
    expect(r.err).toMatch(/baris 8: .*sudah ada di baris 2/);
    expect(r.err).toMatch(/baris 10: .*sudah ada di baris 7/);
    expect(r.err.split("\n").filter((l) => l.startsWith("baris 2 "))).toEqual([]);
    expect(r.err).toMatch(
      /baris 9 kolom org_unit: Kabupaten Kendal \(33.24\) adalah unit tingkat Kabupaten\/Kota; laporan diisi per Puskesmas, Pustu atau Posyandu/,
    );
    expect(await count("submission")).toBe(before + 1);
    const values = await getDb()
      .selectFrom("submission_value")
      .select(["field_key", "value"])
      .where("field_key", "=", "spm01_bumil_k6")
      .orderBy("value")
      .execute();
    expect(values.map((v) => Number(v.value))).toEqual([20]);
    const audit = await getDb().selectFrom("audit_log").select("id").where("action", "=", "submission.import").execute();
    expect(audit.length).toBe(3);
  });

  it("refuses to overwrite an approved (locked) report by import, storing the other rows", async () => {
    const sd = puskesmasCode("Sungai Durian");
    const km = puskesmasCode("Kolok Mudik");
    const unit = await getDb().selectFrom("org_unit").select("id").where("code", "=", sd).executeTakeFirstOrThrow();
    await getDb()
      .updateTable("submission")
      .set({ status: "approved" })
      .where("org_unit_id", "=", unit.id)
      .where("period", "=", "2025-01")
      .where("form_key", "=", "spm_bulanan")
      .execute();
    const keys = formFieldKeys("spm_bulanan");
    const csv = [`org_unit,period,${keys.join(",")}`, `${sd},2025-01,99,1,1,1,1,1,1,1,1,1,1,1`, `${km},2025-03,7,1,1,1,1,1,1,1,1,1,1,1`].join("\n");
    const r = await cli("submissions", "import", tempFile("lock.csv", csv), "--template", "ilp-nasional", "--form", "spm_bulanan");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/baris 2: .*sudah disetujui dan dikunci/);
    expect(r.out).toMatch(/1 dari 2 baris disimpan/);
    const locked = await getDb()
      .selectFrom("submission")
      .select("data")
      .where("org_unit_id", "=", unit.id)
      .where("period", "=", "2025-01")
      .where("form_key", "=", "spm_bulanan")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(locked.data).spm01_bumil_k6).toBe(20);
    await getDb().updateTable("submission").set({ status: "submitted" }).where("org_unit_id", "=", unit.id).where("period", "=", "2025-01").execute();
    await getDb().deleteFrom("submission").where("period", "=", "2025-03").execute();
  });

  it("refuses a file of another form whole, as the import page does, and stores nothing", async () => {
    const before = await count("submission");
    const keys = formFieldKeys("spm_sasaran");
    const csv = [`org_unit,period,${keys.join(",")}`, `${puskesmasCode("Sungai Durian")},2025-02,1,1,1,1,1,1,1,1,1,1,1,1`].join("\n");
    const r = await cli("submissions", "import", tempFile("lain.csv", csv), "--template", "ilp-nasional", "--form", "spm_bulanan");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^lain\.csv: .*bukan isian/m);
    expect(r.err).toMatch(/tidak ada data yang disimpan/);
    expect(await count("submission")).toBe(before);
    const unknown = await cli("submissions", "import", tempFile("x.csv", csv), "--template", "ilp-nasional", "--form", "tidak_ada");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/Formulir "tidak_ada" tidak ada dalam paket ilp-nasional/);
  });

  it("prints a scorecard as JSON and CSV, and explains a cell", async () => {
    const json = await cli("scorecard", "--template", "ilp-nasional", "--period", "2025-02", "--ytd", "--parent", "13.73", "--format", "json");
    expect(json.code).toBe(0);
    const card = JSON.parse(json.out);
    const sd = card.rows.find((r: { code: string }) => r.code === puskesmasCode("Sungai Durian"));
    const spm01 = sd.cells.find((c: { indicator: string }) => c.indicator === "spm_01");
    expect(spm01.numerator).toBe(20);
    expect(spm01.denominator).toBe(300);
    expect(spm01.value).toBeCloseTo((20 / 300) * 100, 9);
    const csv = await cli("scorecard", "--template", "ilp-nasional", "--period", "2025-02", "--ytd", "--parent", "13.73", "--format", "csv");
    expect(csv.code).toBe(0);
    expect(csv.out.split("\n")[0]).toMatch(/^kode,nama,peringkat,skor,/);
    const explain = await cli(
      "explain",
      "--template",
      "ilp-nasional",
      "--indicator",
      "spm_01",
      "--org",
      puskesmasCode("Sungai Durian"),
      "--period",
      "2025-02",
      "--ytd",
    );
    expect(explain.code).toBe(0);
    expect(explain.out).toMatch(/Pembilang: spm01_bumil_k6 = 20/);
    expect(explain.out).toMatch(/Penyebut: spm01_sasaran_bumil = 300/);
  });

  it("prints unit names as CSV cells that cannot run as formulas, without a BOM", async () => {
    const district = (await getOrgByCode(getDb(), "33.28"))!;
    const units = (await listChildren(getDb(), district.id)).slice(0, INJECTIONS.length);
    try {
      for (const [i, u] of units.entries()) await getDb().updateTable("org_unit").set({ name: INJECTIONS[i] }).where("id", "=", u.id).execute();
      const csv = await cli("scorecard", "--template", "ilp-nasional", "--period", "2025-02", "--parent", "33.28", "--format", "csv");
      expect(csv.code).toBe(0);
      expect(csv.out.startsWith("kode,nama,")).toBe(true);
      expectInjectionsArrived(expectCsvSafe(csv.out).map((r) => r[1]));
    } finally {
      for (const u of units) await getDb().updateTable("org_unit").set({ name: u.name }).where("id", "=", u.id).execute();
    }
  });

  it("refuses bad scorecard requests with exit 1 and a message", async () => {
    const badPeriod = await cli("scorecard", "--template", "ilp-nasional", "--period", "2025-13");
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.err).toMatch(/bulan harus 01 sampai 12/);
    const badTemplate = await cli("scorecard", "--template", "tidak-ada", "--period", "2025-01");
    expect(badTemplate.code).toBe(1);
    expect(badTemplate.err).toMatch(/tidak ditemukan/);
    const badParent = await cli("scorecard", "--template", "ilp-nasional", "--period", "2025-01", "--parent", "99.99");
    expect(badParent.code).toBe(1);
  });

  it("creates a user from the CLI, refusing bad input", async () => {
    process.env.PANTAU_PASSWORD = "rahasia-cli-1";
    try {
      const ok = await cli("user", "create", "--username", "admin.cli", "--name", "Admin CLI", "--role", "district_admin", "--unit", "13.73");
      expect(ok.code).toBe(0);
      const wrongLevel = await cli("user", "create", "--username", "op.cli", "--name", "Op", "--role", "puskesmas_operator", "--unit", "13.73");
      expect(wrongLevel.code).toBe(1);
      expect(wrongLevel.err).toMatch(/tingkat puskesmas/);
      const dup = await cli("user", "create", "--username", "admin.cli", "--name", "X", "--role", "district_admin", "--unit", "13.73");
      expect(dup.err).toMatch(/sudah dipakai/);
      process.env.PANTAU_PASSWORD = "pendek";
      const weak = await cli("user", "create", "--username", "lain.cli", "--name", "X", "--role", "district_admin", "--unit", "13.73");
      expect(weak.code).toBe(1);
      expect(weak.err).toMatch(/minimal 8/);
    } finally {
      delete process.env.PANTAU_PASSWORD;
    }
  });

  it("imports org units all-or-nothing", async () => {
    const before = await count("org_unit");
    const bad = await cli("org", "import", tempFile("o.csv", "code,name,level,parent_code\n99,Provinsi Baru,province,ID\n99.01,Kab Baru,district,98\n"));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/baris 3 kolom parent_code/);
    expect(await count("org_unit")).toBe(before);
    const good = await cli("org", "import", tempFile("o.csv", "code,name,level,parent_code\n99,Provinsi Baru,province,ID\n99.01,Kab Baru,district,99\n"));
    expect(good.code).toBe(0);
    expect(await count("org_unit")).toBe(before + 2);
  });
});
