/**
 * The scorecard as FHIR R4 (docs/fhir.md): every Measure, Organization, MeasureReport and the
 * Bundle pass the R4 definitions through FHIR.js (and a broken resource fails them), the
 * MeasureReports carry exactly the scorecard's cells, scope is the CSV export's, and the CLI
 * writes what the model builds.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScorecardCell, ScorecardColumn, TemplatePackage } from "@engine";
import { runCli } from "~/cli/main";
import { getDb } from "~/db/db.server";
import { getOrgByCode } from "~/models/org.server";
import { buildScorecard, type ScorecardQuery } from "~/models/scorecard.server";
import { getPublishedPackage } from "~/models/templates.server";
import {
  FHIR_EXTENSIONS,
  FhirExportError,
  measureOf,
  measureReportOf,
  organizationOf,
  packageMeasuresBundle,
  scorecardFhirBundle,
  type FhirBundle,
  type FhirResource,
} from "~/models/fhir.server";
import { validateFhir } from "~/models/fhir-validate.server";
import { notMeasuredAt } from "~/models/scorecard-groups.server";
import { loadGrants } from "~/auth/session.server";
import { clock } from "~/utils/clock.server";
import { FACILITATOR_USERS, puskesmasCode, useDemoDatabase } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

const SEEDED = "2025-12";

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function expectValid(resource: object) {
  const r = validateFhir(resource);
  expect(r.issues.filter((i) => i.severity === "error" || i.severity === "fatal")).toEqual([]);
  expect(r.valid).toBe(true);
}

const ext = (el: { extension?: unknown }, url: string) =>
  (el.extension as Array<{ url: string } & Record<string, unknown>> | undefined)?.find((e) => e.url === url);
const countOf = (p: { count?: number; extension?: Array<{ url: string; valueDecimal?: number }> } | undefined) =>
  p === undefined ? undefined : (p.count ?? ext(p, FHIR_EXTENSIONS.populationAmount)?.valueDecimal ?? null);
const pop = (report: FhirResource, code: string) =>
  (report.group[0].population ?? []).find((p: { code: { coding: Array<{ code: string }> } }) => p.code.coding[0].code === code);

describe("FHIR validation through FHIR.js is not a no-op", () => {
  const good = () => ({
    resourceType: "MeasureReport",
    id: "mr-1",
    status: "complete",
    type: "summary",
    measure: "https://pantau-ilp.id/fhir/Measure/ilp-nasional.spm_01|1",
    date: "2025-12-20T12:00:00.000Z",
    period: { start: "2025-01-01", end: "2025-09-30" },
    reporter: { reference: "Organization/org-13.73" },
    group: [{ population: [{ code: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/measure-population", code: "numerator" }] }, count: 3 }] }],
  });

  it("accepts a correct MeasureReport", () => expectValid(good()));

  const broken: Array<[string, (r: ReturnType<typeof good> & Record<string, unknown>) => void, RegExp]> = [
    ["a status outside its required value set", (r) => (r.status = "done"), /not found in value set/],
    ["a missing required element", (r) => delete (r as Partial<typeof r>).period, /Missing property/],
    ["an element R4 does not define", (r) => (r.score = 1), /Unexpected property/],
    [
      "an Organization as subject (R4 allows Patient, Group, Location …)",
      (r) => (r.subject = { reference: "Organization/org-13.73" }),
      /Invalid type for reference/,
    ],
    ["a month 13", (r) => (r.period.end = "2025-13-01"), /bukan date|bukan dateTime/],
    ["a count that is no integer", (r) => (r.group[0].population[0].count = 1.5), /bukan integer/],
    ["an empty string", (r) => (r.id = ""), /ele-1|bukan id/],
    [
      "an extension with a value and sub-extensions",
      (r) => (r.extension = [{ url: "x:y", valueCode: "a", extension: [{ url: "z", valueCode: "b" }] }]),
      /ext-1/,
    ],
  ];
  it.each(broken)("refuses %s", (_what, breakIt, message) => {
    const r = good() as ReturnType<typeof good> & Record<string, unknown>;
    breakIt(r);
    const result = validateFhir(r);
    expect(result.valid).toBe(false);
    expect(result.issues.map((i) => i.message).join("\n")).toMatch(message);
  });

  it("validates what a Bundle holds, and refuses a fullUrl twice (bdl-7)", () => {
    const bad = good() as Record<string, unknown>;
    bad.status = "done";
    expect(validateFhir({ resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "urn:uuid:1", resource: bad }] }).valid).toBe(false);
    const twice = { resourceType: "Bundle", type: "collection", entry: [good(), good()].map((resource) => ({ fullUrl: "urn:uuid:1", resource })) };
    expect(validateFhir(twice).issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/bdl-7/));
  });
});

describe("Measure, Organization and MeasureReport without a database", () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as TemplatePackage;
  const effective = { package: pkg, overlay: null };

  it("maps every indicator of the national package to a valid Measure with its scoring and direction", () => {
    for (const ind of pkg.indicators) expectValid(measureOf(effective, ind.key));
    const spm = measureOf(effective, "spm_01");
    expect(spm.url).toBe("https://pantau-ilp.id/fhir/Measure/ilp-nasional.spm_01");
    expect(spm.version).toBe(String(pkg.version));
    expect(spm.scoring.coding[0].code).toBe("proportion");
    expect(spm.improvementNotation.coding[0].code).toBe("increase");
    expect(spm.group[0].population.map((p: { criteria: { expression: string } }) => p.criteria.expression)).toEqual([
      pkg.indicators.find((i) => i.key === "spm_01")!.numerator,
      pkg.indicators.find((i) => i.key === "spm_01")!.denominator,
    ]);
    expect(spm._title.extension[0].extension[1].valueString).toMatch(/^SPM 1: Pregnant women/);
    expect(measureOf(effective, "blud_cost_recovery").scoring.coding[0].code).toBe("ratio");
    // No denominator: continuous-variable; direction lower: decrease.
    const flipped = { ...pkg, indicators: pkg.indicators.map((i) => (i.key === "spm_01" ? { ...i, denominator: undefined, direction: "lower" as const } : i)) };
    const m = measureOf({ package: flipped, overlay: null }, "spm_01");
    expectValid(m);
    expect(m.scoring.coding[0].code).toBe("continuous-variable");
    expect(m.improvementNotation.coding[0].code).toBe("decrease");
  });

  it("reports a cell without data with no score and a data-absent reason, and a village row off its level as not applicable", () => {
    const column = { key: "spm_01", direction: "higher", ytd: true } as ScorecardColumn;
    const cell = {
      indicator: "spm_01",
      value: null,
      numerator: null,
      denominator: 120,
      reason: "NO_DATA",
      target: null,
      achievement: null,
      state: "nodata",
      completeness: 0,
    } as unknown as ScorecardCell;
    const ctx = { pkg, version: "1", period: "2025-09", basis: "nearest" as const, orgGroup: null, date: "2025-12-20T12:00:00.000Z" };
    const report = measureReportOf(ctx, column, { code: "13.73", name: "Kota Sawahlunto", level: "district" }, cell);
    expectValid(report);
    expect(report.group[0].measureScore).toBeUndefined();
    expect(ext(report.group[0], FHIR_EXTENSIONS.dataAbsentReason)?.valueCode).toBe("unknown");
    expect(ext(report.group[0], FHIR_EXTENSIONS.noValueReason)?.valueCode).toBe("NO_DATA");
    expect(report.period).toEqual({ start: "2025-01-01", end: "2025-09-30" });
    const money = measureReportOf(
      ctx,
      column,
      { code: "13.73", name: "Kota Sawahlunto", level: "district" },
      { ...cell, numerator: 3_500_000_000.5, value: 50, reason: null },
    );
    expectValid(money);
    expect(countOf(pop(money, "numerator"))).toBe(3_500_000_000.5);
    expectValid(organizationOf({ code: "13.73", name: "Kota Sawahlunto", level: "district" }));
  });
});

describe.each(DIALECTS)("FHIR export on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const principal: Record<string, { grants: Awaited<ReturnType<typeof loadGrants>> }> = {};

  beforeAll(async () => {
    ({ handle } = await useDemoDatabase(kind, SEEDED, {
      ...FACILITATOR_USERS,
      admSawahlunto: ["adm.sawahlunto", [["district_admin", "13.73"]]],
      operator: ["op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
    }));
    const db = getDb();
    for (const [key, username] of [
      ["jateng", "fas.jateng"],
      ["national", "fas.nasional"],
      ["admSawahlunto", "adm.sawahlunto"],
      ["operator", "op.sungaidurian"],
    ]) {
      const user = await db.selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirstOrThrow();
      principal[key] = { grants: await loadGrants(db, user.id) };
    }
  }, 300_000);
  afterAll(() => handle.destroy());

  /** Every MeasureReport of the bundle against the scorecard's cell of the same unit and indicator. */
  async function expectCellsEqual(bundle: FhirBundle, query: ScorecardQuery) {
    const result = await buildScorecard(query);
    const resources = bundle.entry.map((e) => e.resource);
    const orgs = new Map(resources.filter((r) => r.resourceType === "Organization").map((r) => [`Organization/${r.id}`, r]));
    const measures = new Map(resources.filter((r) => r.resourceType === "Measure").map((r) => [`${r.url}|${r.version}`, r]));
    const reports = resources.filter((r) => r.resourceType === "MeasureReport");
    const rows = [...result.scorecard.rows, ...(result.parent ? [result.scorecard.total] : [])];
    expect(reports).toHaveLength(rows.length * result.scorecard.columns.length);
    expect(measures.size).toBe(result.scorecard.columns.length);
    let scored = 0;
    for (const report of reports) {
      const org = orgs.get(report.reporter.reference);
      expect(org, report.reporter.reference).toBeDefined();
      const measure = measures.get(report.measure);
      expect(measure, report.measure).toBeDefined();
      const row = rows.find((r) => r.code === org!.identifier[0].value)!;
      const ci = result.scorecard.columns.findIndex((c) => `${measure!.identifier[0].value}` === `${result.effective.package.key}.${c.key}`);
      const cell = row.cells[ci];
      // A village row's cell of an indicator not measured at its level: empty in the CSV and on the page, not applicable here.
      if (notMeasuredAt(result.effective.package, cell.indicator, row.level)) {
        expect(ext(report.group[0], FHIR_EXTENSIONS.dataAbsentReason)?.valueCode).toBe("not-applicable");
        expect(report.group[0].measureScore).toBeUndefined();
        continue;
      }
      expect(countOf(pop(report, "numerator")) ?? null).toBe(cell.numerator);
      expect(countOf(pop(report, "denominator")) ?? null).toBe(cell.denominator);
      expect(report.group[0].measureScore?.value ?? null).toBe(cell.value);
      if (cell.value !== null) scored++;
      else expect(ext(report.group[0], FHIR_EXTENSIONS.dataAbsentReason)).toBeDefined();
      if (cell.target) expect(ext(report.group[0], FHIR_EXTENSIONS.target)?.valueQuantity).toMatchObject({ value: cell.target.value });
      // One computation time for the whole Bundle.
      expect(report.date).toBe(bundle.timestamp);
    }
    expect(scored).toBeGreaterThan(0);
    return { result, reports };
  }

  it("exports a district's Puskesmas for a year-to-date period and an indicator group: valid R4, the scorecard's numbers", async () => {
    const before = clock.iso();
    const bundle = await scorecardFhirBundle("id", principal.jateng, { package: "ilp-nasional", period: "2025-09", ytd: true, parent: "33.28", group: "spm" });
    expectValid(bundle);
    // The computation time is the app's clock (the demo's January 2026), never the wall clock.
    expect(bundle.timestamp >= before && bundle.timestamp <= clock.iso()).toBe(true);
    for (const e of bundle.entry) {
      expectValid(e.resource);
      expect(e.fullUrl).toBe(`https://pantau-ilp.id/fhir/${e.resource.resourceType}/${e.resource.id}`);
    }
    const tegal = (await getOrgByCode(getDb(), "33.28"))!;
    const { result, reports } = await expectCellsEqual(bundle, {
      packageKey: "ilp-nasional",
      period: "2025-09",
      ytd: true,
      parentCode: "33.28",
      group: "spm",
      scopePaths: principal.jateng.grants.map((g) => g.orgPath),
    });
    expect(result.scorecard.columns.every((c) => c.group === "spm")).toBe(true);
    // Year to date: January to the end of September, for every cell.
    expect(new Set(reports.map((r) => `${r.period.start}/${r.period.end}`))).toEqual(new Set(["2025-01-01/2025-09-30"]));
    // The Puskesmas are part of the district, which is in the Bundle as the total row's reporter.
    const orgs = bundle.entry.filter((e) => e.resource.resourceType === "Organization").map((e) => e.resource);
    expect(orgs.find((o) => o.identifier[0].value === tegal.code)).toBeDefined();
    expect(orgs.filter((o) => o.partOf).every((o) => o.partOf.reference === `Organization/${orgs.find((x) => x.identifier[0].value === "33.28")!.id}`)).toBe(
      true,
    );
  });

  it("exports a quarter without year-to-date and the jateng facilitator's districts by level", async () => {
    const bundle = await scorecardFhirBundle("en", principal.jateng, { package: "ilp-nasional", period: "2025-Q3", level: "district" });
    expectValid(bundle);
    const codes = bundle.entry.filter((e) => e.resource.resourceType === "Organization").map((e) => e.resource.identifier[0].value);
    expect(codes.sort()).toEqual(["33.24", "33.28"]);
    const { reports } = await expectCellsEqual(bundle, {
      packageKey: "ilp-nasional",
      period: "2025-Q3",
      level: "district",
      scopePaths: principal.jateng.grants.map((g) => g.orgPath),
    });
    // Quarter windows, and January–September for the indicators that are cumulative by definition (SPM).
    expect(new Set(reports.map((r) => `${r.period.start}/${r.period.end}`))).toEqual(new Set(["2025-07-01/2025-09-30", "2025-01-01/2025-09-30"]));
  });

  it("exports within an org-unit group (orgGroup): the group's members only, said on every report", async () => {
    const bundle = await scorecardFhirBundle("id", principal.national, { package: "ilp-nasional", period: "2025-Q3", level: "puskesmas", orgGroup: "blud" });
    expectValid(bundle);
    const { result, reports } = await expectCellsEqual(bundle, {
      packageKey: "ilp-nasional",
      period: "2025-Q3",
      level: "puskesmas",
      orgGroup: "blud",
      viewer: principal.national,
      scopePaths: principal.national.grants.map((g) => g.orgPath),
    });
    const all = await buildScorecard({ packageKey: "ilp-nasional", period: "2025-Q3", level: "puskesmas" });
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBeLessThan(all.rows.length);
    const orgs = bundle.entry.filter((e) => e.resource.resourceType === "Organization").map((e) => e.resource.identifier[0].value);
    expect(orgs.sort()).toEqual(result.rows.map((r) => r.code).sort());
    for (const r of reports) expect(ext(r as { extension?: unknown }, FHIR_EXTENSIONS.orgGroup)?.valueString).toBe("blud");
    await expect(
      scorecardFhirBundle("id", principal.national, { package: "ilp-nasional", period: "2025-Q3", level: "puskesmas", orgGroup: "tidak_ada" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("exports a Puskesmas's Pustu and Posyandu: each part of its own parent, indicators not measured there not applicable", async () => {
    const code = puskesmasCode("Sungai Durian");
    const bundle = await scorecardFhirBundle("id", principal.admSawahlunto, { package: "ilp-nasional", period: "2025-09", parent: code });
    expectValid(bundle);
    const { reports } = await expectCellsEqual(bundle, {
      packageKey: "ilp-nasional",
      period: "2025-09",
      parentCode: code,
      scopePaths: principal.admSawahlunto.grants.map((g) => g.orgPath),
    });
    const orgs = bundle.entry.filter((e) => e.resource.resourceType === "Organization").map((e) => e.resource);
    const byRef = new Map(orgs.map((o) => [`Organization/${o.id}`, o]));
    const levels = new Set(orgs.map((o) => o.type[0].coding[0].code));
    expect(levels.has("pustu") || levels.has("posyandu")).toBe(true);
    for (const o of orgs) {
      const unit = (await getOrgByCode(getDb(), o.identifier[0].value))!;
      if (o.identifier[0].value === code) continue;
      const parent = byRef.get(o.partOf.reference)!;
      const dbParent = (await getDb().selectFrom("org_unit").select("code").where("id", "=", unit.parent_id!).executeTakeFirstOrThrow()).code;
      expect(parent.identifier[0].value).toBe(dbParent);
    }
    const notApplicable = reports.filter((r) => ext(r.group[0], FHIR_EXTENSIONS.dataAbsentReason)?.valueCode === "not-applicable");
    expect(notApplicable.length).toBeGreaterThan(0);
    for (const r of notApplicable) {
      expect(r.group[0].population).toBeUndefined();
      expect(r.group[0].measureScore).toBeUndefined();
    }
  });

  it("lists a published package's Measures for scorecard roles only", async () => {
    const latest = (await getPublishedPackage("ilp-nasional"))!;
    const bundle = await packageMeasuresBundle("id", principal.jateng, { package: "ilp-nasional" });
    expectValid(bundle);
    expect(bundle.entry.map((e) => e.resource.identifier[0].value)).toEqual(latest.document.indicators.map((i) => `ilp-nasional.${i.key}`));
    expect(new Set(bundle.entry.map((e) => e.resource.version))).toEqual(new Set([String(latest.version)]));
    await expect(packageMeasuresBundle("id", principal.operator, { package: "ilp-nasional" })).rejects.toMatchObject({ status: 403 });
    await expect(packageMeasuresBundle("en", principal.jateng, { package: "ilp-nasional", version: 99 })).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/version 99 is not published/),
    });
  });

  it("keeps to the asker's area: another district is refused, an operator has no export, a bad selection is a 400", async () => {
    const other = scorecardFhirBundle("id", principal.admSawahlunto, { package: "ilp-nasional", period: "2025-09", parent: "33.28" });
    await expect(other).rejects.toBeInstanceOf(FhirExportError);
    await expect(other).rejects.toMatchObject({ status: 403 });
    const own = await scorecardFhirBundle("id", principal.admSawahlunto, { package: "ilp-nasional", period: "2025-09", parent: "13.73" });
    expect(own.entry.some((e) => e.resource.resourceType === "MeasureReport")).toBe(true);
    // The default rows are the asker's own area, never more.
    const mine = await scorecardFhirBundle("id", principal.admSawahlunto, { package: "ilp-nasional", period: "2025-09" });
    const codes = mine.entry.filter((e) => e.resource.resourceType === "Organization").map((e) => e.resource.identifier[0].value as string);
    expect(codes).toContain("13.73");
    expect(codes.every((c) => c.startsWith("13.73") || c.length > 5)).toBe(true);
    const sawahlunto = (await getOrgByCode(getDb(), "13.73"))!;
    for (const code of codes) expect((await getOrgByCode(getDb(), code))!.path.startsWith(sawahlunto.path)).toBe(true);
    await expect(scorecardFhirBundle("id", principal.operator, { package: "ilp-nasional", period: "2025-09" })).rejects.toMatchObject({ status: 403 });
    await expect(scorecardFhirBundle("en", principal.jateng, { package: "ilp-nasional", period: "2025-13" })).rejects.toMatchObject({ status: 400 });
    await expect(scorecardFhirBundle("id", principal.jateng, { package: "ilp-nasional", period: "" })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/Periode wajib/),
    });
    await expect(scorecardFhirBundle("id", principal.jateng, { package: "tidak-ada", period: "2025-09" })).rejects.toMatchObject({ status: 404 });
  });

  it("CLI: export fhir writes a valid Bundle, keeps --as to that account's area, refuses bad usage", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-fhir-"));
    const out = path.join(dir, "bundle.json");
    const r = await cli("export", "fhir", "--package", "ilp-nasional", "--period", "2025-09", "--ytd", "--parent", "13.73", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Bundle FHIR ditulis ke .*MeasureReport/);
    const bundle = JSON.parse(fs.readFileSync(out, "utf8")) as FhirBundle;
    expectValid(bundle);
    const { result } = await expectCellsEqual(bundle, { packageKey: "ilp-nasional", period: "2025-09", ytd: true, parentCode: "13.73" });
    // The Puskesmas of one district: its adaptation of the newest national version, each indicator a Measure of that version.
    const measures = bundle.entry.filter((e) => e.resource.resourceType === "Measure").map((e) => e.resource);
    expect(measures).toHaveLength(result.effective.package.indicators.length);
    const latest = (await getPublishedPackage("ilp-nasional"))!;
    const overlay = result.effective.overlay;
    expect(overlay?.districtCode).toBe("13.73");
    expect(new Set(measures.map((m) => m.version))).toEqual(new Set([`${result.effective.package.version}+13.73.${overlay!.document.version}`]));
    expect(result.effective.package.version).toBeLessThanOrEqual(latest.version);

    const stdout = await cli("export", "fhir", "--package", "ilp-nasional", "--period", "2025-09", "--parent", "33.28", "--as", "adm.sawahlunto");
    expect(stdout.code).toBe(1);
    expect(stdout.err).toMatch(/Kabupaten Tegal|33\.28|wilayah/i);
    expect(stdout.out).toBe("");
    const printed = await cli("export", "fhir", "--package", "ilp-nasional", "--period", "2025-09", "--as", "adm.sawahlunto");
    expect(printed.code).toBe(0);
    expectValid(JSON.parse(printed.out));

    expect((await cli("export", "fhir", "--period", "2025-09")).code).toBe(2);
    const badPeriod = await cli("export", "fhir", "--package", "ilp-nasional", "--period", "2025-13");
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.err).toMatch(/bulan|13/);
    const badLevel = await cli("export", "fhir", "--package", "ilp-nasional", "--period", "2025-09", "--level", "desa");
    expect(badLevel.code).toBe(1);
    expect(badLevel.err).toMatch(/Tingkat "desa" tidak dikenal/);
    const badOut = await cli(
      "export",
      "fhir",
      "--package",
      "ilp-nasional",
      "--period",
      "2025-09",
      "--parent",
      "13.73",
      "--out",
      path.join(dir, "no", "such", "dir.json"),
    );
    expect(badOut.code).toBe(1);
    expect(badOut.err).toMatch(/tidak dapat ditulis/);
  });
});
