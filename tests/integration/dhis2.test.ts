/**
 * DHIS2 exchange (docs/dhis2.md) on SQLite and PostgreSQL: the mapping CSV (good, bad rows with
 * their lines, nothing stored; a stored mapping pointing at nothing refuses exports), the
 * dataValueSets JSON shape, ADX validated against the IHE ADX schema (tests/fixtures/adx, see
 * docs/decisions/048-dhis2-exchange.md), a round trip from the demo into a second database with
 * the same org units and packages (same stored values, same scorecard cells), import refusals
 * with nothing stored, and the CLI commands.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldsOf, type TemplatePackage } from "@engine";
import { getDb, setDbHandle, type DbHandle } from "~/db/db.server";
import { checkMappingCsv, importMappingCsv, loadMapping, mappingCsv } from "~/models/dhis2-mapping.server";
import {
  ExchangeError,
  exportAdx,
  exportDataValueSets,
  fromAdxPeriod,
  fromDhis2Period,
  importAdx,
  importDataValueSets,
  MAX_DHIS2_IMPORT_BYTES,
  MAX_DHIS2_VALUES,
  toAdxPeriod,
  toDhis2Period,
  type ExchangePrincipal,
} from "~/models/dhis2-exchange.server";
import { buildScorecard } from "~/models/scorecard.server";
import { clock } from "~/utils/clock.server";
import { DIALECTS, createTestDatabase } from "../helpers/db";
import { call, demoTemplate, makeRequest, payloadOf, statusOf, useDemoDatabaseAt } from "../helpers/app";
import * as page from "~/routes/dhis2";
import * as csvRoute from "~/routes/dhis2_.mapping[.csv]";
import { cli, tempFile } from "../helpers/cli";
import { uid, validateAdx } from "../helpers/dhis2";

const AS_OF = "2026-12-03T12:00:00.000Z";
const PKG = "ilp-nasional";
const MONTH = "2026-10";
const YEAR = "2026";
const DISTRICT = "33.24";
const OTHER_DISTRICT = "33.28";
/** Inside October's deadline (10 days after the month) and after the month began. */
const IMPORT_AT = "2026-11-05T08:00:00.000Z";
const ALL: ExchangePrincipal = { userId: null, scopePaths: null };

async function packageDoc(): Promise<TemplatePackage> {
  const row = await getDb()
    .selectFrom("template_package")
    .select("document")
    .where("key", "=", PKG)
    .where("status", "=", "published")
    .orderBy("version", "desc")
    .executeTakeFirstOrThrow();
  return JSON.parse(row.document) as TemplatePackage;
}

/** Every field of every form and every indicator, and every org unit; spm_bulanan's first two fields share a data element (two category option combos). */
async function fullMappingCsv(): Promise<string> {
  const pkg = await packageDoc();
  const lines = ["kind,form,pantau,dhis2,category_option_combo", `dataset,,,${uid("D", 1)},`];
  let n = 0;
  for (const form of pkg.forms) {
    fieldsOf(form).forEach((f, i) => {
      n++;
      if (form.key === "spm_bulanan" && i < 2) lines.push(`field,${form.key},${f.key},${uid("S", 1)},${uid("C", i + 1)}`);
      else lines.push(`field,${form.key},${f.key},${uid("F", n)},`);
    });
  }
  pkg.indicators.forEach((ind, i) => lines.push(`indicator,,${ind.key},${uid("I", i + 1)},`));
  const units = await getDb().selectFrom("org_unit").select(["id", "code"]).orderBy("id").execute();
  for (const u of units) lines.push(`org_unit,,${u.code},${uid("U", u.id)},`);
  return lines.join("\n") + "\n";
}

const bytes = (text: string) => Buffer.from(text, "utf8");

/** Counted reports' answers in a subtree for a period: unit|form → data. */
async function countedData(root: string, period: string): Promise<Map<string, Record<string, unknown>>> {
  const rootPath = (await getDb().selectFrom("org_unit").select("path").where("code", "=", root).executeTakeFirstOrThrow()).path;
  const rows = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["o.code", "s.form_key", "s.data"])
    .where("s.package_key", "=", PKG)
    .where("s.period", "=", period)
    .where("s.status", "in", ["submitted", "approved"])
    .where("o.path", "like", `${rootPath}%`)
    .execute();
  return new Map(rows.map((r) => [`${r.code}|${r.form_key}`, JSON.parse(r.data) as Record<string, unknown>]));
}

async function scorecardCells(db = getDb()) {
  const result = await buildScorecard({ packageKey: PKG, period: MONTH, parentCode: DISTRICT, trend: false }, db);
  return [...result.scorecard.rows, result.scorecard.total].flatMap((r) =>
    r.cells.map((c) => ({ row: r.code, indicator: c.indicator, value: c.value, numerator: c.numerator, denominator: c.denominator, reported: c.reported })),
  );
}

async function submissionCount() {
  const r = await getDb()
    .selectFrom("submission")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe("DHIS2 periods", () => {
  it("reads ADX periods back as Pantau's, and refuses others", () => {
    for (const p of ["2026-10", "2026-Q1", "2026-Q4", "2026"]) expect(fromAdxPeriod(toAdxPeriod(p))).toBe(p);
    for (const p of ["2026-10-05/P1M", "2026-02-01/P3M", "2026-07-01/P1Y", "2026-10-01/P7D", "2026-13-01/P1M", "202610"]) expect(fromAdxPeriod(p)).toBeNull();
  });

  it("converts Pantau, DHIS2 and ADX periods", () => {
    expect(toDhis2Period("2025-01")).toBe("202501");
    expect(toDhis2Period("2025-Q3")).toBe("2025Q3");
    expect(toDhis2Period("2025")).toBe("2025");
    expect(fromDhis2Period("202512")).toBe("2025-12");
    expect(fromDhis2Period("2025Q1")).toBe("2025-Q1");
    expect(fromDhis2Period("2025-03")).toBe("2025-03");
    expect(fromDhis2Period("202513")).toBeNull();
    expect(fromDhis2Period("2025W05")).toBeNull();
    expect(toAdxPeriod("2025-02")).toBe("2025-02-01/P1M");
    expect(toAdxPeriod("2025-Q2")).toBe("2025-04-01/P3M");
    expect(toAdxPeriod("2025")).toBe("2025-01-01/P1Y");
  });
});

describe.each(DIALECTS)("DHIS2 exchange on %s", (kind) => {
  let handle: DbHandle;
  let mappingText = "";
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabaseAt(kind, AS_OF, {
      national: ["dhis2.nasional", [["national_admin", "ID"]]],
      kendal: ["dhis2.kendal", [["district_admin", DISTRICT]]],
    }));
    mappingText = await fullMappingCsv();
  }, 300_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  it("imports a good mapping CSV and exports it back unchanged", async () => {
    const outcome = await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: bytes(mappingText) });
    expect(outcome).toMatchObject({ ok: true, counts: { dataset: 1 } });
    const again = await mappingCsv(getDb(), PKG);
    const m1 = await loadMapping(getDb(), PKG);
    expect((await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: bytes(again) })).ok).toBe(true);
    expect(await loadMapping(getDb(), PKG)).toEqual(m1);
    const audit = await getDb().selectFrom("audit_log").select("action").where("action", "=", "dhis2.mapping.import").execute();
    expect(audit.length).toBe(2);
  });

  it("reports every bad row with its line in Bahasa Indonesia and stores nothing", async () => {
    const before = await loadMapping(getDb(), PKG);
    const bad = [
      "kind,form,pantau,dhis2,category_option_combo",
      "field,spm_bulanan,tidak_ada,Fabcdefghij,", // 2: unknown field
      "sasaran,,x,Fabcdefghij,", // 3: unknown kind
      "indicator,,spm_01,12345678901,", // 4: not a UID
      "org_unit,,X999,Uabcdefghij,", // 5: unknown unit
      "org_unit,,P3324001,Uxxxxxxxxx1,",
      "org_unit,,P3324001,Uxxxxxxxxx2,", // 7: duplicate of line 6
      "indicator,,tidak_ada,Iabcdefghij,", // 8: unknown indicator
    ].join("\n");
    const outcome = await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: bytes(bad) });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 7, 8]);
    expect(outcome.problems[0].text.id).toMatch(/Isian "tidak_ada" tidak ada dalam formulir spm_bulanan/);
    expect(outcome.problems[2].text.id).toMatch(/bukan UID DHIS2/);
    expect(outcome.problems[3].text.id).toMatch(/Unit dengan kode "X999" tidak ada/);
    expect(outcome.problems[2].text.en).toMatch(/is not a DHIS2 UID/);
    expect(await loadMapping(getDb(), PKG)).toEqual(before);

    const header = await checkMappingCsv(getDb(), PKG, bytes("a,b,c\nfield,x,y"));
    expect(header.ok).toBe(false);
    if (!header.ok) expect(header.problems[0]).toMatchObject({ line: 1, text: { id: expect.stringMatching(/Judul kolom "a,b,c" tidak sesuai/) } });
  });

  it("lets only the national admin change the mapping", async () => {
    const units = await getDb().selectFrom("org_unit").select(["id", "code", "name", "level", "path"]).where("code", "in", ["ID", DISTRICT]).execute();
    const grant = (code: string, role: "national_admin" | "district_admin") => {
      const u = units.find((x) => x.code === code)!;
      return { role, orgUnitId: u.id, orgCode: u.code, orgName: u.name, orgLevel: u.level, orgPath: u.path };
    };
    const refused = await importMappingCsv({ actor: { id: null, grants: [grant(DISTRICT, "district_admin")] }, packageKey: PKG, bytes: bytes(mappingText) });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    const allowed = await importMappingCsv({ actor: { id: null, grants: [grant("ID", "national_admin")] }, packageKey: PKG, bytes: bytes(mappingText) });
    expect(allowed.ok).toBe(true);
  });

  it("shows the mapping page to the national admin, takes its upload and lists bad rows; others are refused", async () => {
    const upload = (who: string, csv: string) => {
      const body = new FormData();
      body.set("package", PKG);
      body.set("file", new File([csv], "mapping.csv", { type: "text/csv" }));
      return call(page.action, makeRequest("/dhis2", { body, cookie: cookie[who] }));
    };
    const view = await call(page.loader, makeRequest(`/dhis2?package=${PKG}`, { cookie: cookie.national }));
    expect(statusOf(view)).toBe(200);
    expect(payloadOf(view)).toMatchObject({ selected: PKG, counts: { dataset: 1 }, problems: [] });
    expect(statusOf(await call(page.loader, makeRequest("/dhis2", { cookie: cookie.kendal })))).toBe(403);
    expect(statusOf(await upload("kendal", mappingText))).toBe(403);
    const bad = await upload("national", "kind,form,pantau,dhis2,category_option_combo\norg_unit,,P3324001,Uxxxxxxxxx1,\norg_unit,,X999,Uxxxxxxxxx2,\n");
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf(bad)).toMatchObject({ ok: false, problems: [{ line: 3, text: { id: expect.stringMatching(/X999/) } }] });
    expect((await loadMapping(getDb(), PKG)).units.length).toBeGreaterThan(100);
    const good = await upload("national", mappingText);
    expect(statusOf(good)).toBe(200);
    expect(payloadOf(good).message).toMatch(/Pemetaan disimpan/);
    const csv = (await call(csvRoute.loader, makeRequest(`/dhis2/mapping.csv?package=${PKG}`, { cookie: cookie.national }))) as Response;
    expect(csv.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n").length).toBe(mappingText.split("\n").length);
    expect(statusOf(await call(csvRoute.loader, makeRequest(`/dhis2/mapping.csv?package=${PKG}`, { cookie: cookie.kendal })))).toBe(403);
  });

  it("refuses an export while the stored mapping points at nothing, and says what", async () => {
    const row = await getDb().selectFrom("dhis2_mapping").select("id").where("kind", "=", "field").orderBy("id").executeTakeFirstOrThrow();
    await getDb().updateTable("dhis2_mapping").set({ pantau_key: "dihapus_di_v2" }).where("id", "=", row.id).execute();
    try {
      await exportDataValueSets(ALL, { packageKey: PKG, period: MONTH, unitCode: DISTRICT });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExchangeError);
      const e = err as ExchangeError;
      expect(e.status).toBe(409);
      expect(e.details.map((d) => d.id).join(" ")).toMatch(/Isian "dihapus_di_v2" tidak ada/);
    }
    expect((await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: bytes(mappingText) })).ok).toBe(true);
  });

  it("exports dataValueSets JSON in DHIS2's shape: counted reports' fields and indicators", async () => {
    const { json, result } = await exportDataValueSets(ALL, { packageKey: PKG, period: "202610", unitCode: DISTRICT });
    expect(json.dataSet).toBe(uid("D", 1));
    expect(result.counts.fieldValues).toBeGreaterThan(100);
    expect(result.counts.indicatorValues).toBeGreaterThan(10);
    const allowed = new Set(["dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value", "storedBy", "lastUpdated"]);
    for (const v of json.dataValues) {
      for (const k of Object.keys(v)) expect(allowed.has(k)).toBe(true);
      expect(v.dataElement).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/);
      expect(v.orgUnit).toMatch(/^U\d{10}$/);
      expect(v.period).toBe("202610");
      expect(typeof v.value).toBe("string");
    }
    // Every counted report's numbers are there, at their unit.
    const data = await countedData(DISTRICT, MONTH);
    const [key, answers] = [...data.entries()].find(([k]) => k.endsWith("|spm_bulanan"))!;
    const unit = await getDb().selectFrom("org_unit").select("id").where("code", "=", key.split("|")[0]).executeTakeFirstOrThrow();
    const sent = json.dataValues.filter((v) => v.orgUnit === uid("U", unit.id) && v.dataElement === uid("S", 1));
    expect(sent.map((v) => v.categoryOptionCombo).sort()).toEqual([uid("C", 1), uid("C", 2)]);
    const numbers = Object.values(answers).filter((x) => typeof x === "number").length;
    expect(json.dataValues.filter((v) => v.orgUnit === uid("U", unit.id) && v.dataElement.startsWith("F")).length).toBeGreaterThanOrEqual(numbers - 2);
  });

  it("exports ADX that the IHE ADX schema accepts, and the schema refuses a broken one", async () => {
    const { xml, groups } = await exportAdx(ALL, { packageKey: PKG, period: MONTH, unitCode: DISTRICT });
    expect(groups).toBeGreaterThan(5);
    expect(xml).toContain('<adx xmlns="urn:ihe:qrph:adx:2015" exported="');
    expect(xml).toContain('period="2026-10-01/P1M"');
    const ok = await validateAdx(xml);
    expect(ok.errors).toEqual([]);
    expect(ok.valid).toBe(true);
    const broken = await validateAdx(xml.replace(/value="[^"]*"/, 'value="dua"'));
    expect(broken.valid).toBe(false);
  });

  it("exports only within the caller's area", async () => {
    const other = await getDb().selectFrom("org_unit").select("path").where("code", "=", OTHER_DISTRICT).executeTakeFirstOrThrow();
    const tegal: ExchangePrincipal = { userId: null, scopePaths: [other.path] };
    await expect(exportDataValueSets(tegal, { packageKey: PKG, period: MONTH, unitCode: DISTRICT })).rejects.toMatchObject({ status: 403 });
    const own = await exportDataValueSets(tegal, { packageKey: PKG, period: MONTH });
    expect(own.result.unitCode).toBe(OTHER_DISTRICT);
  });

  describe("round trip into a second database", () => {
    let target: DbHandle | null = null;
    let monthJson = "";
    let yearJson = "";
    let monthAdxXml = "";
    let yearAdxXml = "";
    let sourceMonth: Map<string, Record<string, unknown>>;
    let sourceYear: Map<string, Record<string, unknown>>;
    let sourceCells: Awaited<ReturnType<typeof scorecardCells>>;

    beforeAll(async () => {
      monthJson = JSON.stringify((await exportDataValueSets(ALL, { packageKey: PKG, period: MONTH, unitCode: DISTRICT })).json);
      yearJson = JSON.stringify((await exportDataValueSets(ALL, { packageKey: PKG, period: YEAR, unitCode: DISTRICT })).json);
      monthAdxXml = (await exportAdx(ALL, { packageKey: PKG, period: MONTH, unitCode: DISTRICT })).xml;
      yearAdxXml = (await exportAdx(ALL, { packageKey: PKG, period: YEAR, unitCode: DISTRICT })).xml;
      sourceMonth = await countedData(DISTRICT, MONTH);
      sourceYear = await countedData(DISTRICT, YEAR);
      sourceCells = await scorecardCells();
      // The same demo (org units, packages, overlays, targets), without the district's reports of these periods.
      target = await createTestDatabase(kind, (await demoTemplate(kind, AS_OF)).template);
      setDbHandle(target);
      const root = await getDb().selectFrom("org_unit").select("path").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
      const ids = getDb().selectFrom("org_unit").select("id").where("path", "like", `${root.path}%`);
      await getDb().deleteFrom("submission").where("period", "in", [MONTH, YEAR]).where("org_unit_id", "in", ids).execute();
      expect((await importMappingCsv({ actor: { id: null, grants: null }, packageKey: PKG, bytes: bytes(mappingText) })).ok).toBe(true);
      clock.set(IMPORT_AT);
    }, 300_000);

    afterAll(async () => {
      clock.set(null);
      setDbHandle(handle);
      await target?.destroy();
    });

    it("stores the same values and gives the same scorecard cells", async () => {
      // One body with the month's values before the year's: the year's reports are checked first, and the month's rules read them.
      const both = { dataValues: [...JSON.parse(monthJson).dataValues, ...JSON.parse(yearJson).dataValues] };
      const month = await importDataValueSets(ALL, { body: JSON.stringify(both) });
      expect(month.conflicts).toEqual([]);
      expect(month).toMatchObject({ status: "SUCCESS", httpStatus: 200, reports: sourceMonth.size + sourceYear.size });
      expect(month.importCount.imported).toBeGreaterThan(100);
      expect(month.importCount.ignored).toBeGreaterThan(0); // the indicators' values
      expect(await countedData(DISTRICT, MONTH)).toEqual(sourceMonth);
      expect(await countedData(DISTRICT, YEAR)).toEqual(sourceYear);
      expect(await scorecardCells()).toEqual(sourceCells);
      const audit = await getDb().selectFrom("audit_log").select("action").where("action", "=", "submission.dhis2_import").execute();
      expect(audit.length).toBe(sourceMonth.size + sourceYear.size);
      // The same set again changes nothing: every value ignored, no new revision.
      const again = await importDataValueSets(ALL, { body: monthJson, packageKey: PKG });
      expect(again).toMatchObject({ status: "SUCCESS", reports: 0, importCount: { imported: 0, updated: 0 } });
    });

    it("takes a set in the shape of DHIS2's documented example: dataSet, completeDate, period and orgUnit on the set, a comment per value", async () => {
      // DHIS2's Web API documentation sends data values as
      // { dataSet, completeDate, period, orgUnit, attributeOptionCombo, dataValues: [{ dataElement, categoryOptionCombo, value, comment }] };
      // fields Pantau does not keep (completeDate, comment) are read past, not refused.
      const sent = JSON.parse(monthJson) as { dataValues: Array<Record<string, string>> };
      const one = sent.dataValues.find((v) => v.dataElement.startsWith("F") && /^\d+$/.test(v.value) && Number(v.value) > 0)!;
      const documented = (value: string) =>
        JSON.stringify({
          dataSet: uid("D", 1),
          completeDate: "2026-11-05",
          period: one.period,
          orgUnit: one.orgUnit,
          dataValues: [
            {
              dataElement: one.dataElement,
              ...(one.categoryOptionCombo ? { categoryOptionCombo: one.categoryOptionCombo } : {}),
              value,
              comment: "dari DHIS2",
            },
          ],
        });
      // The value as stored: read, matched to its field and unit, and left as it is (DHIS2 counts it as ignored).
      const same = await importDataValueSets(ALL, { body: documented(one.value), packageKey: PKG });
      expect(same.conflicts).toEqual([]);
      expect(same).toMatchObject({ status: "SUCCESS", reports: 0, importCount: { imported: 0, updated: 0, ignored: 1 } });
      // In the same shape, a value that is not a number is refused with the field's problem, and nothing changes.
      const words = await importDataValueSets(ALL, { body: documented("sebelas"), packageKey: PKG });
      expect(words).toMatchObject({ status: "ERROR" });
      expect(words.conflicts.length).toBeGreaterThan(0);
      expect(await countedData(DISTRICT, MONTH)).toEqual(sourceMonth);
    });

    it("ADX round trip: the numbers ADX carries are stored as in the source, and the scorecard cells are the same", async () => {
      // ADX carries decimals only (docs/dhis2.md): numbers, and yes/no as 1/0; text, choices and
      // dates are not exported to ADX. A report needs its required choices, which ADX cannot
      // bring, so the second copy keeps each of the district's reports of these periods as a
      // draft holding only what ADX does not carry; the ADX import must bring every number and
      // yes/no back, after which the reports (all their answers) and the scorecard are the source's.
      const monthAdx = { xml: monthAdxXml };
      const yearAdx = { xml: yearAdxXml };
      const pkg = await packageDoc();
      const numeric = new Map<string, Set<string>>(
        pkg.forms.map((f) => [
          f.key,
          new Set(
            fieldsOf(f)
              .filter((d) => ["number", "integer", "boolean"].includes(d.type))
              .map((d) => d.key),
          ),
        ]),
      );
      const root = await getDb().selectFrom("org_unit").select("path").where("code", "=", DISTRICT).executeTakeFirstOrThrow();
      const reports = await getDb()
        .selectFrom("submission as s")
        .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
        .select(["s.id", "s.form_key", "s.data"])
        .where("s.period", "in", [MONTH, YEAR])
        .where("o.path", "like", `${root.path}%`)
        .execute();
      let stripped = 0;
      for (const r of reports) {
        const data = JSON.parse(r.data) as Record<string, unknown>;
        const kept = Object.fromEntries(Object.entries(data).filter(([k]) => !numeric.get(r.form_key)?.has(k)));
        if (Object.keys(kept).length === Object.keys(data).length) continue;
        stripped++;
        await getDb()
          .updateTable("submission")
          .set({ data: JSON.stringify(kept), status: "draft" })
          .where("id", "=", r.id)
          .execute();
      }
      expect(stripped).toBeGreaterThan(10);
      expect(await countedData(DISTRICT, MONTH)).not.toEqual(sourceMonth);
      const auditBefore = (await getDb().selectFrom("audit_log").select("id").where("action", "=", "submission.dhis2_import").execute()).length;

      // The year's reports first (a month's rules read its year's sasaran), as an operator would send them.
      const year = await importAdx(ALL, { body: yearAdx.xml });
      expect(year.conflicts).toEqual([]);
      expect(year).toMatchObject({ status: "SUCCESS", httpStatus: 200 });
      const month = await importAdx(ALL, { body: bytes(monthAdx.xml), packageKey: PKG });
      expect(month.conflicts).toEqual([]);
      expect(month).toMatchObject({ status: "SUCCESS", httpStatus: 200 });
      expect(year.reports + month.reports).toBe(stripped);
      expect(month.importCount.imported).toBeGreaterThan(100);
      expect(month.importCount.ignored).toBeGreaterThan(0); // the indicators' values
      expect(await countedData(DISTRICT, MONTH)).toEqual(sourceMonth);
      expect(await countedData(DISTRICT, YEAR)).toEqual(sourceYear);
      expect(await scorecardCells()).toEqual(sourceCells);
      const audit = await getDb().selectFrom("audit_log").select("id").where("action", "=", "submission.dhis2_import").execute();
      expect(audit.length - auditBefore).toBe(stripped);
      // The same ADX again changes nothing.
      const again = await importAdx(ALL, { body: monthAdx.xml, packageKey: PKG });
      expect(again).toMatchObject({ status: "SUCCESS", reports: 0, importCount: { imported: 0, updated: 0 } });
    });

    it("refuses malformed ADX, a DOCTYPE, unknown elements and periods, units out of scope and oversized bodies, storing nothing", async () => {
      const adx = monthAdxXml;
      const count = await submissionCount();
      const auditBefore = (await getDb().selectFrom("audit_log").select("id").execute()).length;
      const nothingStored = async () => {
        expect(await submissionCount()).toBe(count);
        expect((await getDb().selectFrom("audit_log").select("id").execute()).length).toBe(auditBefore);
      };
      // One value changed, so a wrongly accepted body would store something.
      const changed = adx.replace(/(<dataValue dataElement="F\d+" value=")(\d+)"/, (_m, a: string, n: string) => `${a}${Number(n) + 1}"`);
      expect(changed).not.toBe(adx);

      const malformed = await importAdx(ALL, { body: changed.replace("</adx>", ""), packageKey: PKG });
      expect(malformed).toMatchObject({
        status: "ERROR",
        httpStatus: 400,
        text: { id: expect.stringMatching(/bukan XML yang sah/), en: expect.stringMatching(/not well-formed XML/) },
      });
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE adx [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
        changed.replace(/^<\?xml[^>]*>/, "").replace(/value="(\d+)"/, 'value="&c;"');
      const doctype = await importAdx(ALL, { body: laughs, packageKey: PKG });
      expect(doctype).toMatchObject({ status: "ERROR", httpStatus: 400, text: { id: expect.stringMatching(/DOCTYPE/) } });
      // Nesting far deeper than ADX needs is refused by the parser's cap, not followed down the stack.
      const deep = await importAdx(ALL, { body: `<adx>${"<group>".repeat(50)}${"</group>".repeat(50)}</adx>`, packageKey: PKG });
      expect(deep).toMatchObject({ status: "ERROR", httpStatus: 400, text: { id: expect.stringMatching(/bukan XML yang sah/) } });
      const notAdx = await importAdx(ALL, { body: "<dataValueSet><dataValue/></dataValueSet>", packageKey: PKG });
      expect(notAdx).toMatchObject({ status: "ERROR", httpStatus: 400 });
      await nothingStored();

      const unknown = await importAdx(ALL, { body: changed.replace(/dataElement="F\d+"/, 'dataElement="Xunknown001"'), packageKey: PKG });
      expect(unknown).toMatchObject({ status: "ERROR", httpStatus: 409 });
      expect(unknown.conflicts).toEqual([
        expect.objectContaining({
          object: "Xunknown001",
          pointer: "/group/0/dataValue/0",
          text: expect.objectContaining({ id: expect.stringMatching(/tidak dipetakan/) }),
        }),
      ]);
      const week = await importAdx(ALL, { body: changed.replace('period="2026-10-01/P1M"', 'period="2026-10-05/P7D"'), packageKey: PKG });
      expect(week.status).toBe("ERROR");
      expect(week.conflicts[0].text.id).toMatch(/Periode ADX 2026-10-05\/P7D tidak terbaca/);
      const disaggregated = await importAdx(ALL, { body: changed.replace(/<dataValue dataElement=/, '<dataValue SEX="F" dataElement='), packageKey: PKG });
      expect(disaggregated.conflicts[0].text.id).toMatch(/atribut disagregasi SEX/);
      await nothingStored();

      const other = await getDb().selectFrom("org_unit").select("path").where("code", "=", OTHER_DISTRICT).executeTakeFirstOrThrow();
      const outside = await importAdx({ userId: null, scopePaths: [other.path] }, { body: changed, packageKey: PKG });
      expect(outside.status).toBe("ERROR");
      expect(outside.conflicts[0]).toMatchObject({ outOfScope: true, text: { id: expect.stringMatching(/tidak ada di wilayah Anda/) } });
      await nothingStored();

      expect((await importAdx(ALL, { body: " ".repeat(MAX_DHIS2_IMPORT_BYTES + 1), packageKey: PKG })).httpStatus).toBe(413);
      const manyValues = '<dataValue dataElement="F0000000001" value="1"/>'.repeat(MAX_DHIS2_VALUES + 1);
      const many = await importAdx(ALL, {
        body: `<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="U0000000001" period="2026-10-01/P1M">${manyValues}</group></adx>`,
        packageKey: PKG,
      });
      expect(many).toMatchObject({ httpStatus: 413, text: { id: expect.stringMatching(/paling banyak 100000/) } });
      await nothingStored();
    });

    it("refuses unknown elements, units out of scope, locked periods and invalid values, storing nothing", async () => {
      const sent = JSON.parse(monthJson) as { dataValues: Array<Record<string, string>> };
      const one = sent.dataValues.find((v) => v.dataElement.startsWith("F") && /^\d+$/.test(v.value))!;
      const count = await submissionCount();
      const auditBefore = (await getDb().selectFrom("audit_log").select("id").execute()).length;
      const nothingStored = async () => {
        expect(await submissionCount()).toBe(count);
        expect((await getDb().selectFrom("audit_log").select("id").execute()).length).toBe(auditBefore);
      };

      const unknown = await importDataValueSets(ALL, {
        body: JSON.stringify({ dataValues: [{ ...one }, { ...one, dataElement: "Xunknown001" }] }),
        packageKey: PKG,
      });
      expect(unknown).toMatchObject({ status: "ERROR", httpStatus: 409 });
      expect(unknown.conflicts).toEqual([
        expect.objectContaining({ object: "Xunknown001", index: 1, text: expect.objectContaining({ id: expect.stringMatching(/tidak dipetakan/) }) }),
      ]);
      await nothingStored();

      const other = await getDb().selectFrom("org_unit").select("path").where("code", "=", OTHER_DISTRICT).executeTakeFirstOrThrow();
      const outside = await importDataValueSets({ userId: null, scopePaths: [other.path] }, { body: JSON.stringify({ dataValues: [one] }), packageKey: PKG });
      expect(outside.status).toBe("ERROR");
      expect(outside.conflicts[0].text.id).toMatch(/tidak ada di wilayah Anda/);
      await nothingStored();

      clock.set("2026-11-20T08:00:00.000Z");
      const late = await importDataValueSets(ALL, {
        body: JSON.stringify({ dataValues: [{ ...one, value: String(Number(one.value) + 1) }] }),
        packageKey: PKG,
      });
      clock.set(IMPORT_AT);
      expect(late.status).toBe("ERROR");
      expect(late.conflicts[0].text.id).toMatch(/batas|terkunci|tenggat/i);
      await nothingStored();

      const invalid = await importDataValueSets(ALL, { body: JSON.stringify({ dataValues: [{ ...one, value: "dua belas" }] }), packageKey: PKG });
      expect(invalid.status).toBe("ERROR");
      expect(invalid.conflicts[0]).toMatchObject({ index: 0 });
      const negative = await importDataValueSets(ALL, { body: JSON.stringify({ dataValues: [{ ...one, value: "-5" }] }), packageKey: PKG });
      expect(negative.status).toBe("ERROR");
      expect(negative.conflicts.length).toBeGreaterThan(0);
      await nothingStored();

      // An approved report is locked: a changed value is refused (the verifier's approval is simulated here).
      const unitId = Number(one.orgUnit.slice(1));
      await getDb().updateTable("submission").set({ status: "approved" }).where("org_unit_id", "=", unitId).where("period", "=", MONTH).execute();
      const auditApproved = (await getDb().selectFrom("audit_log").select("id").execute()).length;
      const approved = await importDataValueSets(ALL, {
        // DHIS2's envelope: period and orgUnit given once for the set.
        body: JSON.stringify({
          period: one.period,
          orgUnit: one.orgUnit,
          dataValues: [{ dataElement: one.dataElement, value: String(Number(one.value) + 1) }],
        }),
        packageKey: PKG,
      });
      expect(approved.status).toBe("ERROR");
      expect(approved.conflicts[0].text.id).toMatch(/sudah disetujui/);
      expect((await getDb().selectFrom("audit_log").select("id").execute()).length).toBe(auditApproved);
      await getDb().updateTable("submission").set({ status: "submitted" }).where("org_unit_id", "=", unitId).where("period", "=", MONTH).execute();

      expect((await importDataValueSets(ALL, { body: " ".repeat(MAX_DHIS2_IMPORT_BYTES + 1), packageKey: PKG })).httpStatus).toBe(413);
      const many = await importDataValueSets(ALL, { body: JSON.stringify({ dataValues: new Array(MAX_DHIS2_VALUES + 1).fill({}) }), packageKey: PKG });
      expect(many).toMatchObject({ httpStatus: 413, text: { id: expect.stringMatching(/paling banyak 100000/) } });
      expect((await importDataValueSets(ALL, { body: "{not json", packageKey: PKG })).httpStatus).toBe(400);
      expect((await importDataValueSets(ALL, { body: JSON.stringify({ values: [] }), packageKey: PKG })).httpStatus).toBe(400);
      await nothingStored();
    });

    it("runs the CLI: mapping export and import, export dhis2 and adx, import dhis2 and adx", async () => {
      const csvFile = tempFile("", "mapping.csv");
      const exported = await cli("dhis2", "mapping", "export", csvFile, "--package", PKG);
      expect(exported.code).toBe(0);
      expect(fs.readFileSync(csvFile, "utf8").split("\n")[0]).toBe("kind,form,pantau,dhis2,category_option_combo");
      const reimported = await cli("dhis2", "mapping", "import", csvFile, "--package", PKG);
      expect(reimported).toMatchObject({ code: 0 });
      expect(reimported.out).toMatch(/Pemetaan ilp-nasional disimpan/);
      const bad = await cli(
        "dhis2",
        "mapping",
        "import",
        tempFile("kind,form,pantau,dhis2,category_option_combo\nfield,x,y,zz,\n", "bad.csv"),
        "--package",
        PKG,
      );
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/baris 2: Formulir "x" tidak ada dalam paket ilp-nasional/);
      expect((await cli("dhis2", "mapping", "import", csvFile)).code).toBe(2);

      const jsonFile = tempFile("", "out.json");
      const ex = await cli("export", "dhis2", "--package", PKG, "--period", "202610", "--unit", DISTRICT, "--out", jsonFile);
      expect(ex.code).toBe(0);
      expect(ex.out).toMatch(/nilai .* untuk 33\.24, periode 202610/);
      expect(JSON.parse(fs.readFileSync(jsonFile, "utf8")).dataValues.length).toBeGreaterThan(100);
      const adx = await cli("export", "adx", "--package", PKG, "--period", MONTH, "--unit", DISTRICT);
      expect(adx.code).toBe(0);
      expect((await validateAdx(adx.out)).valid).toBe(true);
      expect((await cli("export", "dhis2", "--package", PKG)).code).toBe(2);
      const wrongPeriod = await cli("export", "dhis2", "--package", PKG, "--period", "2026W01");
      expect(wrongPeriod.code).toBe(1);
      expect(wrongPeriod.err).toMatch(/Periode "2026W01" tidak terbaca/);

      const adxFile = tempFile(adx.out, "out.xml");
      const impAdx = await cli("import", "adx", adxFile, "--package", PKG);
      expect(impAdx).toMatchObject({ code: 0 });
      expect(impAdx.out).toMatch(/laporan disimpan/);
      const badAdx = await cli("import", "adx", tempFile(adx.out.replace("</adx>", ""), "bad.xml"), "--package", PKG);
      expect(badAdx.code).toBe(1);
      expect(badAdx.err).toMatch(/bukan XML yang sah/);
      expect((await cli("import", "adx")).code).toBe(2);

      const imp = await cli("import", "dhis2", jsonFile, "--package", PKG);
      expect(imp.code).toBe(0);
      expect(imp.out).toMatch(/laporan disimpan/);
      const badImport = await cli(
        "import",
        "dhis2",
        tempFile(JSON.stringify({ dataValues: [{ dataElement: "Xunknown001", period: "202610", orgUnit: "U0000000001", value: "1" }] }), "bad.json"),
        "--package",
        PKG,
      );
      expect(badImport.code).toBe(1);
      expect(badImport.err).toMatch(/Impor ditolak/);
    });
  });
});
