/**
 * The demo data through the pure engine (generateDemoSubmissions → planScorecard → computeRowFacts
 * → computeScorecard), no database: every indicator computes for every demo district, a few cells
 * match values computed by hand straight from the submission records (plain loops following
 * docs/documents.md: only submitted/approved count, ratio of sums, sum for flows, last for stocks,
 * yearly sasaran), completeness is reported ÷ expected, and the docs/domain.md stories show up in the
 * scorecards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Indicator, TemplatePackage } from "@engine/documents";
import { computeRowFacts } from "@engine/facts-memory";
import { applyOverlay } from "@engine/overlay";
import { computeScorecard, planScorecard, type Scorecard, type ScorecardCell, type ScorecardRequest, type ScorecardRowRef } from "@engine/scorecard";
import type { OrgChainLink } from "@engine/targets";
import { demoBludMemberships, generateDemoSubmissions, type DemoSubmission } from "@seeds/demo/generate";
import { monthIndex, type GroupMembership } from "@engine";
import { DEMO_DISTRICTS, districtOf, orgUnits, overlays, pkg } from "./helpers";

// ------------------------------------------------------------------ setup

/** The demo's national group "blud" (its BLUD Puskesmas from the month of their decree), as the seed stores it. */
const memberships: Record<string, GroupMembership[]> = Object.create(null);
for (const m of demoBludMemberships({ orgUnits })) {
  const [year, month] = m.from.split("-").map(Number);
  (memberships[m.code] ??= []).push({ groupKey: "blud", from: monthIndex(year, month), to: null });
}

let subs: DemoSubmission[];
beforeAll(() => {
  subs = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf: "2026-11-20T12:00:00Z" });
});

const COUNTED = new Set(["submitted", "approved"]);
const byCode = new Map(orgUnits.map((u) => [u.code, u]));
const codeOf = (name: string): string => {
  const u = orgUnits.find((x) => x.name === name);
  if (!u) throw new Error(`no org unit named ${name}`);
  return u.code;
};
const ref = (code: string): ScorecardRowRef => {
  const u = byCode.get(code)!;
  return { code: u.code, name: u.name, level: u.level };
};
const puskesmasOf = (district: string): string[] =>
  orgUnits
    .filter((u) => u.level === "puskesmas" && u.parentCode === district)
    .map((u) => u.code)
    .sort();

/** Org chain national → unit for every org unit, so district and Puskesmas targets resolve. */
const orgChains = new Map<string, OrgChainLink[]>();
for (const u of orgUnits) {
  const chain: OrgChainLink[] = [];
  for (let c: string | null = u.code; c != null; c = byCode.get(c)?.parentCode ?? null) chain.unshift({ code: c, level: byCode.get(c)!.level });
  orgChains.set(u.code, chain);
}

/** The pure pipeline: plan → in-memory facts → scorecard. */
function scorecard(p: TemplatePackage, request: ScorecardRequest): Scorecard {
  const plan = planScorecard(p, request);
  const facts = computeRowFacts(plan, { orgUnits, submissions: subs, memberships });
  return computeScorecard(p, request, { facts, orgChains });
}

const cellOf = (sc: Scorecard, row: string, indicator: string): ScorecardCell => {
  const r = row === sc.total.code ? sc.total : sc.rows.find((x) => x.code === row);
  const c = r?.cells.find((x) => x.indicator === indicator);
  if (!c) throw new Error(`no cell ${row} × ${indicator}`);
  return c;
};

const indicatorOf = (p: TemplatePackage, key: string): Indicator => p.indicators.find((i) => i.key === key)!;

/** Every number anywhere in the scorecard is finite (no NaN / Infinity in cells, rows or total). */
function nonFiniteNumbers(x: unknown, where = "", out: string[] = []): string[] {
  if (typeof x === "number") {
    if (!Number.isFinite(x)) out.push(`${where}=${x}`);
  } else if (Array.isArray(x)) x.forEach((v, i) => nonFiniteNumbers(v, `${where}[${i}]`, out));
  else if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) nonFiniteNumbers(v, `${where}.${k}`, out);
  return out;
}

// ------------------------------------------------------------------ hand computation (no engine code)

const MONTHS = (year: number, from: number, to: number) => {
  const out: string[] = [];
  for (let m = from; m <= to; m++) out.push(`${year}-${String(m).padStart(2, "0")}`);
  return out;
};
/** Counted submissions of a form by the given units in the given periods. */
function counted(form: string, units: readonly string[], periods: readonly string[]): DemoSubmission[] {
  const u = new Set(units);
  const p = new Set(periods);
  return subs.filter((s) => s.form === form && COUNTED.has(s.status) && u.has(s.org) && p.has(s.period));
}
const num = (v: unknown): number | null => (typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : null);
/** Σ over units of each unit's sum of a monthly flow over the periods. */
function sumFlow(form: string, field: string, units: readonly string[], periods: readonly string[]): number {
  let total = 0;
  for (const s of counted(form, units, periods)) total += num(s.values[field]) ?? 0;
  return total;
}
/** Σ over units of each unit's last value of a stock over the periods (periods in order). */
function sumLast(form: string, field: string, units: readonly string[], periods: readonly string[]): number {
  let total = 0;
  for (const unit of units) {
    let last: number | null = null;
    for (const p of periods) {
      const s = counted(form, [unit], [p])[0];
      const v = s ? num(s.values[field]) : null;
      if (v !== null) last = v;
    }
    total += last ?? 0;
  }
  return total;
}
/** Band by hand from an achievement (DEFAULT 100/80 unless the indicator says otherwise). */
const bandByHand = (achievement: number, bands = { green: 100, yellow: 80 }) =>
  achievement >= bands.green ? "green" : achievement >= bands.yellow ? "yellow" : "red";

// ------------------------------------------------------------------ 1. everything computes

const PERIODS: ReadonlyArray<{ period: string; ytd?: boolean }> = [
  { period: "2025-12", ytd: true },
  { period: "2025-12", ytd: false },
  { period: "2025-Q4" },
  { period: "2025" },
  { period: "2026-10" },
  { period: "2026-10", ytd: true },
];
const label = (p: { period: string; ytd?: boolean }) => `${p.period}${p.ytd === undefined ? "" : p.ytd ? " ytd" : " non-ytd"}`;

describe("demo data × national package: every indicator computes", () => {
  it.each(PERIODS)("district scorecard $period (ytd $ytd)", (p) => {
    const bludDistricts = new Set(subs.filter((s) => s.form === "blud_triwulan").map((s) => districtOf.get(s.org)));
    expect([...bludDistricts].sort()).toEqual(["33.24", "64.74"]);
    const sc = scorecard(pkg, { period: p.period, ytd: p.ytd, rows: DEMO_DISTRICTS.map(ref) });
    expect(sc.columns.map((c) => c.key)).toEqual(pkg.indicators.map((i) => i.key));
    expect(nonFiniteNumbers(sc)).toEqual([]);
    for (const row of [...sc.rows, sc.total]) {
      for (const cell of row.cells) {
        const where = `${label(p)} ${row.code} ${cell.indicator}`;
        expect(cell.state, where).not.toBe("notarget"); // every national indicator has a 2025 and 2026 target
        expect(["FORMULA_ERROR", "NOT_FINITE", "MISSING", "DIV_ZERO"], where).not.toContain(cell.reason);
        const group = indicatorOf(pkg, cell.indicator).group;
        if (group === "blud" && row.code !== sc.total.code && !bludDistricts.has(row.code)) {
          // Sawahlunto, Sintang and Tegal have no BLUD Puskesmas: the BLUD form applies to the
          // group blud only, so nothing is expected there (not a completeness of 0).
          expect(cell.expected, where).toBe(0);
          expect(cell.reason, where).toBe("NO_DATA");
          expect(cell.completeness, where).toBeNull();
          continue;
        }
        if (cell.expected === 0) {
          // Quarterly forms (BOK, BLUD) in a month that closes no quarter (2026-10): no quarterly
          // report belongs to the window, nothing is expected, so nothing is shown.
          expect(p.period === "2026-10" && !p.ytd && ["bok", "blud"].includes(group), where).toBe(true);
          expect(cell.reason, where).toBe("NO_DATA");
          expect(cell.completeness, where).toBeNull();
          continue;
        }
        expect(cell.value, where).not.toBeNull();
        expect(cell.reason, where).toBeNull();
        expect(cell.target, where).not.toBeNull();
      }
    }
    // Quarterly forms are read whenever a quarter ends inside the window: every window here but
    // the month 2026-10 (mid-Q4).
    const closesNoQuarter = p.period === "2026-10" && !p.ytd;
    const bok = sc.rows.map((r) => cellOf(sc, r.code, "bok_serapan"));
    expect(
      bok.every((c) => (c.value !== null) !== closesNoQuarter),
      label(p),
    ).toBe(true);
  });

  it("the December 2025 monthly (non-ytd) scorecard shows Q4 for BOK and BLUD, as the Q4 scorecard does", () => {
    // December closes Q4, so the month window holds the Q4 reports (decision 005).
    const quarterly = ["bok_serapan", "bok_capaian_kegiatan", "bok_tepat_waktu", "blud_pendapatan", "blud_cost_recovery", "blud_ikm_rata"];
    expect(
      pkg.indicators
        .filter((i) => i.group === "bok" || i.group === "blud")
        .map((i) => i.key)
        .sort(),
    ).toEqual([...quarterly].sort());
    const dec = scorecard(pkg, { period: "2025-12", ytd: false, rows: DEMO_DISTRICTS.map(ref), indicators: quarterly });
    const q4 = scorecard(pkg, { period: "2025-Q4", rows: DEMO_DISTRICTS.map(ref), indicators: quarterly });
    const bludDistricts = new Set(subs.filter((s) => s.form === "blud_triwulan").map((s) => districtOf.get(s.org)));
    for (const r of [...dec.rows, dec.total]) {
      for (const key of quarterly) {
        const cell = cellOf(dec, r.code, key);
        const same = cellOf(q4, r.code === dec.total.code ? q4.total.code : r.code, key);
        const where = `${r.code} ${key}`;
        if (key.startsWith("bok_") || r.code === dec.total.code || bludDistricts.has(r.code)) expect(cell.value, where).not.toBeNull();
        expect([cell.value, cell.reported, cell.expected, cell.target?.value], where).toEqual([same.value, same.reported, same.expected, same.target?.value]);
      }
      expect(cellOf(dec, r.code, "bok_serapan").target?.value, r.code).toBe(95); // quarterly profile → Q4
    }
    // November closes no quarter: an honest NO_DATA, not a partial Q4.
    const nov = scorecard(pkg, { period: "2025-11", ytd: false, rows: DEMO_DISTRICTS.map(ref), indicators: ["bok_serapan"] });
    for (const r of nov.rows)
      expect(cellOf(nov, r.code, "bok_serapan"), r.code).toMatchObject({ value: null, reason: "NO_DATA", expected: 0, state: "nodata" });
  });

  it("a year-to-date month inside a quarter (2026-10) judges Q1–Q3 BOK and BLUD data against the Q3 target", () => {
    // The window Jan–Oct holds Q1..Q3 (cumulative realisation as of Q3), so the quarterly target
    // profile is read at Q3, the last quarter ending in the window: 75 % (not Q4's 95 / 100 %).
    const sc = scorecard(pkg, { period: "2026-10", ytd: true, rows: DEMO_DISTRICTS.map(ref), indicators: ["bok_serapan", "blud_pendapatan"] });
    const q3 = scorecard(pkg, { period: "2026-Q3", ytd: true, rows: DEMO_DISTRICTS.map(ref), indicators: ["bok_serapan", "blud_pendapatan"] });
    for (const r of [...sc.rows, sc.total]) {
      expect(cellOf(sc, r.code, "bok_serapan").target?.value, r.code).toBe(75);
      expect(cellOf(sc, r.code, "blud_pendapatan").target?.value, r.code).toBe(75);
      const [a, b] = [cellOf(sc, r.code, "bok_serapan"), cellOf(q3, r.code === sc.total.code ? q3.total.code : r.code, "bok_serapan")];
      expect([a.value, a.achievement, a.state], r.code).toEqual([b.value, b.achievement, b.state]);
    }
  });

  it.each(DEMO_DISTRICTS)("district %s: effective package (overlay) at Puskesmas level computes, local indicators too", (district) => {
    const overlay = overlays.find((o) => o.district === district)!;
    const units = puskesmasOf(district);
    const applied = applyOverlay(pkg, overlay, { inDistrict: new Set(units) });
    expect(applied.problems).toEqual([]);
    const eff = applied.package;
    const local = eff.indicators.filter((i) => i.key.startsWith("lokal_")).map((i) => i.key);
    expect(local).toEqual(overlay.operations.flatMap((op) => (op.op === "addIndicator" ? [op.indicator.key] : [])));
    const bludUnits = new Set(subs.filter((s) => s.form === "blud_triwulan").map((s) => s.org));
    const bludFull = new Set(subs.filter((s) => s.form === "blud_triwulan" && s.values.blud_status === "penuh").map((s) => s.org));
    const cohortIndicators = new Set(["lokal_kohort_ilp_berjalan", "lokal_kohort_posyandu_penuh"]);

    for (const p of PERIODS) {
      const sc = scorecard(eff, { period: p.period, ytd: p.ytd, rows: units.map(ref), total: ref(district) });
      expect(sc.columns.map((c) => c.key)).toEqual(eff.indicators.map((i) => i.key));
      expect(nonFiniteNumbers(sc)).toEqual([]);
      const nonNull = new Map<string, number>();
      for (const row of [...sc.rows, sc.total]) {
        for (const cell of row.cells) {
          const where = `${district} ${label(p)} ${row.code} ${cell.indicator}`;
          expect(["FORMULA_ERROR", "NOT_FINITE"], where).not.toContain(cell.reason);
          if (cell.value !== null) nonNull.set(cell.indicator, (nonNull.get(cell.indicator) ?? 0) + 1);
          if (cell.expected === 0) continue; // quarterly form in a month that closes no quarter (see above)
          const isBlud = indicatorOf(eff, cell.indicator).group === "blud";
          if (isBlud && (row.code === district ? !units.some((u) => bludUnits.has(u)) : !bludUnits.has(row.code))) {
            expect(cell.reason, where).toBe("NO_DATA");
            continue;
          }
          if (cell.reported === 0) {
            expect(cell.reason, where).toBe("NO_DATA"); // the unit did not (yet) report in this window
            continue;
          }
          const rowUnits = row.code === district ? units : [row.code];
          const months = windowMonths(p.period, p.ytd ?? indicatorOf(eff, cell.indicator).ytd ?? false);
          if (cell.reason === "MISSING" && indicatorOf(eff, cell.indicator).group === "spm") {
            // The yearly sasaran is in but the unit sent no counted monthly SPM report in the window.
            expect(row.code, where).not.toBe(district);
            expect(counted("spm_bulanan", rowUnits, months), where).toEqual([]);
            continue;
          }
          if (isBlud && ["blud_pendapatan", "blud_cost_recovery"].includes(cell.indicator) && !rowUnits.some((u) => bludFull.has(u))) {
            // A Puskesmas not (yet) BLUD files status "belum" without revenue or spending figures.
            expect(cell.reason, where).toBe("MISSING");
            continue;
          }
          if (cohortIndicators.has(cell.indicator)) {
            // Tegal: Puskesmas outside the 2024/2025 ILP cohorts have an empty denominator.
            const inCohort = rowUnits.some((u) => {
              const reports = counted("ilp_profil", [u], months);
              const last = reports.length ? reports.sort((a, b) => a.period.localeCompare(b.period)).at(-1)!.values.lokal_tahun_kohort_ilp : undefined;
              return typeof last === "number" && last <= 2025;
            });
            expect(cell.reason, where).toBe(inCohort ? null : "DIV_ZERO");
            continue;
          }
          expect(cell.reason, where).toBeNull();
        }
      }
      // Every local indicator has a value for the district total and for most Puskesmas (in the
      // newest month, 2026-10 without ytd, a third of the reports are still drafts: at least one).
      const newest = p.period === "2026-10" && !p.ytd;
      for (const key of local) {
        expect(cellOf(sc, district, key).value, `${district} ${label(p)} ${key} total`).not.toBeNull();
        expect(nonNull.get(key) ?? 0, `${district} ${label(p)} ${key}`).toBeGreaterThan(newest ? 1 : (units.length + 1) / 2);
      }
      // Overlay targets reach the Puskesmas rows (nearest scope wins).
      for (const op of overlay.operations) {
        if (op.op !== "setTarget" || op.target.year !== Number(p.period.slice(0, 4)) || op.target.scope.level !== "district") continue;
        const cell = cellOf(sc, units[0], op.target.indicator);
        expect(cell.target?.scope, `${district} ${label(p)} ${op.target.indicator}`).toEqual(op.target.scope);
      }
    }
  });
});

/** Months a cell window covers, as month periods (a year, a quarter, a month or Jan..month). */
function windowMonths(period: string, ytd: boolean): string[] {
  const year = Number(period.slice(0, 4));
  if (period.length === 4) return MONTHS(year, 1, 12);
  const last = period[5] === "Q" ? Number(period[6]) * 3 : Number(period.slice(5, 7));
  const first = ytd ? 1 : period[5] === "Q" ? last - 2 : last;
  return MONTHS(year, first, last);
}

// ------------------------------------------------------------------ 2. hand-computed cells

describe("engine cells equal values computed by hand from the submission records", () => {
  it("SPM 1 year to date 2025-06: Puskesmas Sungai Durian and Kota Sawahlunto", () => {
    const ind = indicatorOf(pkg, "spm_01");
    expect([ind.numerator, ind.denominator, ind.factor, ind.ytd]).toEqual(["spm01_bumil_k6", "spm01_sasaran_bumil", 100, true]);
    const sd = codeOf("Puskesmas Sungai Durian");
    const sc = scorecard(pkg, { period: "2025-06", rows: [ref(sd), ref("13.73")], indicators: ["spm_01"] });
    for (const [row, units] of [
      [sd, [sd]],
      ["13.73", puskesmasOf("13.73")],
    ] as const) {
      const served = sumFlow("spm_bulanan", "spm01_bumil_k6", units, MONTHS(2025, 1, 6));
      const sasaran = sumFlow("spm_sasaran", "spm01_sasaran_bumil", units, ["2025"]);
      expect(served).toBeGreaterThan(0);
      const value = (100 * served) / sasaran;
      const cell = cellOf(sc, row, "spm_01");
      expect(cell.numerator).toBe(served);
      expect(cell.denominator).toBe(sasaran);
      expect(cell.value!).toBeCloseTo(value, 6);
      // Linear-cumulative national target 100 %/year → 50 % by June.
      expect(cell.target?.value).toBeCloseTo(50, 6);
      expect(cell.target?.scope).toEqual({ level: "national" });
      expect(cell.achievement!).toBeCloseTo((value / 50) * 100, 6);
      expect(cell.band).toBe(bandByHand((value / 50) * 100));
      expect(cell.state).toBe(cell.band); // June 2025 is fully approved: complete
    }
  });

  it("all 12 SPM indicators, year 2025, every demo district: Σ served Jan–Dec ÷ Σ sasaran 2025", () => {
    const spm = pkg.indicators.filter((i) => i.group === "spm");
    expect(spm).toHaveLength(12);
    const sc = scorecard(pkg, { period: "2025", rows: DEMO_DISTRICTS.map(ref), group: "spm" });
    for (const d of DEMO_DISTRICTS) {
      for (const ind of spm) {
        expect(ind.numerator).toMatch(/^spm\d\d_[a-z0-9_]+$/);
        expect(ind.denominator).toMatch(/^spm\d\d_sasaran_[a-z0-9_]+$/);
        const units = puskesmasOf(d);
        const value = (100 * sumFlow("spm_bulanan", ind.numerator, units, MONTHS(2025, 1, 12))) / sumFlow("spm_sasaran", ind.denominator!, units, ["2025"]);
        const cell = cellOf(sc, d, ind.key);
        expect(cell.value!, `${d} ${ind.key}`).toBeCloseTo(value, 6);
        expect(cell.target?.value).toBe(100);
      }
    }
  });

  it("BOK absorption 2025-Q4 Kabupaten Kendal: Σ last realised cumulative ÷ Σ pagu × 100, target 95", () => {
    const ind = indicatorOf(pkg, "bok_serapan");
    expect([ind.numerator, ind.denominator, ind.factor]).toEqual(["bok_realisasi_kumulatif", "bok_pagu", 100]);
    const sc = scorecard(pkg, { period: "2025-Q4", rows: [ref("33.24")], indicators: ["bok_serapan"] });
    const units = puskesmasOf("33.24");
    const realised = sumLast("bok_triwulan", "bok_realisasi_kumulatif", units, ["2025-Q4"]);
    const pagu = sumLast("bok_triwulan", "bok_pagu", units, ["2025-Q4"]);
    const value = (100 * realised) / pagu;
    const cell = cellOf(sc, "33.24", "bok_serapan");
    expect(cell.value!).toBeCloseTo(value, 6);
    expect(cell.target?.value).toBe(95); // quarterly profile [25, 50, 75, 95] → Q4
    expect(cell.achievement!).toBeCloseTo((value / 95) * 100, 6);
    expect(cell.band).toBe(bandByHand((value / 95) * 100));
    expect(value).toBeGreaterThan(65);
    expect(value).toBeLessThan(90);
  });

  it("BOK absorption, year 2025, Kabupaten Sintang: a unit that skipped Q4 contributes its last quarter (stock = last)", () => {
    const units = puskesmasOf("61.05");
    const quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];
    const realised = sumLast("bok_triwulan", "bok_realisasi_kumulatif", units, quarters);
    const pagu = sumLast("bok_triwulan", "bok_pagu", units, quarters);
    const sc = scorecard(pkg, { period: "2025", rows: [ref("61.05")], indicators: ["bok_serapan", "bok_tepat_waktu"] });
    const cell = cellOf(sc, "61.05", "bok_serapan");
    expect(cell.numerator).toBe(realised);
    expect(cell.denominator).toBe(pagu);
    expect(cell.value!).toBeCloseTo((100 * realised) / pagu, 6);
    // % of reporting Puskesmas whose last report in the year was on time (count_units ÷ units()).
    let onTime = 0;
    let reporting = 0;
    for (const u of units) {
      const reports = counted("bok_triwulan", [u], quarters).sort((a, b) => a.period.localeCompare(b.period));
      if (reports.length === 0) continue;
      reporting++;
      if (reports.at(-1)!.values.bok_laporan_tepat_waktu === true) onTime++;
    }
    expect(cellOf(sc, "61.05", "bok_tepat_waktu").value!).toBeCloseTo((100 * onTime) / reporting, 6);
  });

  it("ILP indicators, Kabupaten Sintang 2025-12 (national and Sintang package)", () => {
    const units = puskesmasOf("61.05");
    expect(units).toHaveLength(22);
    const dec = counted("ilp_profil", units, ["2025-12"]);
    // % Posyandu ILP: ratio of sums of the stock fields (one month: its values).
    const posyandu = (100 * sumLast("ilp_profil", "posyandu_ilp", units, ["2025-12"])) / sumLast("ilp_profil", "jumlah_posyandu", units, ["2025-12"]);
    // % Puskesmas implementing ILP: reporting units with cluster decree and cluster flow ÷ reporting units.
    const onIlp = dec.filter((s) => s.values.sk_klaster === true && s.values.alur_layanan_klaster === true).length;
    const puskesmasIlp = (100 * onIlp) / dec.length;
    // Lokmin compliance year to date: Σ months held ÷ Σ months reported (flows: sum).
    const lokmin =
      (100 * sumFlow("ilp_profil", "lokmin_bulanan_terlaksana", units, MONTHS(2025, 1, 12))) /
      sumFlow("ilp_profil", "bulan_laporan", units, MONTHS(2025, 1, 12));
    // % kader trained, Q4: each unit's last reported month of Oct–Dec.
    const q4 = MONTHS(2025, 10, 12);
    const kader = (100 * sumLast("ilp_profil", "kader_terlatih", units, q4)) / sumLast("ilp_profil", "jumlah_kader", units, q4);

    const national = scorecard(pkg, { period: "2025-12", rows: [ref("61.05")], group: "ilp" });
    expect(cellOf(national, "61.05", "ilp_posyandu").value!).toBeCloseTo(posyandu, 6);
    expect(cellOf(national, "61.05", "ilp_puskesmas").value!).toBeCloseTo(puskesmasIlp, 6);
    expect(cellOf(national, "61.05", "ilp_lokmin").value!).toBeCloseTo(lokmin, 6);
    // National targets: Posyandu ILP 75 % flat; Puskesmas ILP quarterly [60, 75, 90, 100] → 100.
    expect(cellOf(national, "61.05", "ilp_posyandu").target?.value).toBe(75);
    expect(cellOf(national, "61.05", "ilp_posyandu").band).toBe(bandByHand((posyandu / 75) * 100));
    expect(cellOf(national, "61.05", "ilp_puskesmas").target?.value).toBe(100);
    expect(cellOf(national, "61.05", "ilp_puskesmas").band).toBe(bandByHand(puskesmasIlp));

    const q = scorecard(pkg, { period: "2025-Q4", rows: [ref("61.05")], indicators: ["ilp_kader_terlatih"] });
    expect(cellOf(q, "61.05", "ilp_kader_terlatih").value!).toBeCloseTo(kader, 6);

    // Sintang's own package: district targets (Posyandu ILP 50 % by Q4) and bands (yellow from 70 %).
    const sintang = applyOverlay(
      pkg,
      overlays.find((o) => o.district === "61.05")!,
      { inDistrict: new Set(units) },
    ).package;
    const local = scorecard(sintang, { period: "2025-12", rows: [ref("61.05")], group: "ilp" });
    const lp = cellOf(local, "61.05", "ilp_posyandu");
    expect(lp.value!).toBeCloseTo(posyandu, 6);
    expect(lp.target?.value).toBe(50);
    expect(lp.target?.scope).toEqual({ level: "district", org: "61.05" });
    expect(lp.achievement!).toBeCloseTo((posyandu / 50) * 100, 6);
    expect(lp.band).toBe(bandByHand((posyandu / 50) * 100));
    const lk = cellOf(local, "61.05", "ilp_puskesmas");
    expect(lk.target?.value).toBe(100);
    expect(lk.band).toBe(bandByHand(puskesmasIlp, { green: 100, yellow: 70 }));
  });

  it("the total row is the ratio of sums over the district rows, not a mean of their percentages", () => {
    const sc = scorecard(pkg, { period: "2025", rows: DEMO_DISTRICTS.map(ref), indicators: ["spm_06", "ilp_posyandu"] });
    const all = DEMO_DISTRICTS.flatMap(puskesmasOf);
    const spm06 =
      (100 * sumFlow("spm_bulanan", "spm06_usia_produktif_skrining", all, MONTHS(2025, 1, 12))) /
      sumFlow("spm_sasaran", "spm06_sasaran_usia_produktif", all, ["2025"]);
    expect(sc.total.cells[0].value!).toBeCloseTo(spm06, 6);
    const year = MONTHS(2025, 1, 12);
    const posyandu = (100 * sumLast("ilp_profil", "posyandu_ilp", all, year)) / sumLast("ilp_profil", "jumlah_posyandu", all, year);
    expect(sc.total.cells[1].value!).toBeCloseTo(posyandu, 6);
  });
});

// ------------------------------------------------------------------ 3. completeness

describe("completeness = reported ÷ expected unit-periods, by hand", () => {
  it("Kabupaten Sintang (missing monthly and quarterly reports)", () => {
    const units = puskesmasOf("61.05");
    const year = MONTHS(2025, 1, 12);
    const sc = scorecard(pkg, { period: "2025", rows: [ref("61.05")], indicators: ["spm_01", "ilp_posyandu", "bok_serapan"] });

    const spmReported = counted("spm_bulanan", units, year).length + counted("spm_sasaran", units, ["2025"]).length;
    const spmExpected = units.length * 12 + units.length;
    expect(spmReported).toBeLessThan(spmExpected); // Sintang did miss reports
    const spm = cellOf(sc, "61.05", "spm_01");
    expect([spm.reported, spm.expected]).toEqual([spmReported, spmExpected]);
    expect(spm.completeness!).toBeCloseTo(spmReported / spmExpected, 12);

    const ilpReported = counted("ilp_profil", units, year).length;
    const ilp = cellOf(sc, "61.05", "ilp_posyandu");
    expect([ilp.reported, ilp.expected]).toEqual([ilpReported, units.length * 12]);
    expect(ilp.completeness!).toBeCloseTo(ilpReported / (units.length * 12), 12);

    const bokReported = counted("bok_triwulan", units, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]).length;
    const bok = cellOf(sc, "61.05", "bok_serapan");
    expect([bok.reported, bok.expected]).toEqual([bokReported, units.length * 4]);
    expect(bok.completeness!).toBeCloseTo(bokReported / (units.length * 4), 12);
  });

  it("BLUD counts BLUD Puskesmas only: expected = members of the group blud during each quarter of 2025 (Kendal, Bontang, nation)", () => {
    const quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];
    const memberDuring = (code: string, q: string): boolean => {
      const end = monthIndex(2025, Number(q.slice(-1)) * 3);
      return (memberships[code] ?? []).some((m) => m.from <= end && (m.to === null || m.to >= end - 2));
    };
    const sc = scorecard(pkg, { period: "2025", rows: DEMO_DISTRICTS.map(ref), indicators: ["blud_pendapatan"] });
    let nationReported = 0;
    let nationExpected = 0;
    for (const d of DEMO_DISTRICTS) {
      const units = puskesmasOf(d);
      const expected = quarters.reduce((n, q) => n + units.filter((u) => memberDuring(u, q)).length, 0);
      const reported = counted("blud_triwulan", units, quarters).length;
      const cell = cellOf(sc, d, "blud_pendapatan");
      expect([cell.reported, cell.expected], d).toEqual([reported, expected]);
      if (expected > 0) expect(cell.completeness!, d).toBeCloseTo(reported / expected, 12);
      nationReported += reported;
      nationExpected += expected;
    }
    // Only Kendal and Bontang have BLUD Puskesmas; all of their Puskesmas would be 4 × 20 + 4 × 6.
    expect(nationExpected).toBeGreaterThan(0);
    expect(nationExpected).toBeLessThan(4 * (puskesmasOf("33.24").length + puskesmasOf("64.74").length));
    expect(cellOf(sc, sc.total.code, "blud_pendapatan")).toMatchObject({ reported: nationReported, expected: nationExpected });
  });

  it("2026-10, the newest month: drafts and returned reports do not count, so cells are incomplete", () => {
    for (const d of DEMO_DISTRICTS) {
      const units = puskesmasOf(d);
      const sc = scorecard(pkg, { period: "2026-10", rows: [ref(d)], indicators: ["ilp_posyandu"] });
      const cell = cellOf(sc, d, "ilp_posyandu");
      const all = subs.filter((s) => s.form === "ilp_profil" && s.period === "2026-10" && units.includes(s.org));
      const reported = all.filter((s) => COUNTED.has(s.status)).length;
      expect(all.length).toBeGreaterThan(reported); // some drafts/returned exist
      expect(cell.reported).toBe(reported);
      expect(cell.expected).toBe(units.length);
      expect(cell.completeness!).toBeCloseTo(reported / units.length, 12);
      expect(cell.state).toBe(reported / units.length < 0.9 ? "incomplete" : cell.band);
    }
  });
});

// ------------------------------------------------------------------ 4. docs/domain.md stories

describe("the docs/domain.md stories, as the scorecards show them", () => {
  it("Sintang: % Puskesmas ILP low in 2025-01 (≤ 20 %), high in 2025-12 (≥ 80 %)", () => {
    const jan = cellOf(scorecard(pkg, { period: "2025-01", rows: [ref("61.05")], indicators: ["ilp_puskesmas"] }), "61.05", "ilp_puskesmas");
    const dec = cellOf(scorecard(pkg, { period: "2025-12", rows: [ref("61.05")], indicators: ["ilp_puskesmas"] }), "61.05", "ilp_puskesmas");
    expect(jan.value!).toBeLessThanOrEqual(20);
    expect(dec.value!).toBeGreaterThanOrEqual(80);
    expect(dec.trend).not.toBeNull();
  });

  it("Tegal: the 3 pilot Puskesmas in 2025-01, 18 of 29 in 2025-12", () => {
    const units = puskesmasOf("33.28");
    expect(units).toHaveLength(29);
    const jan = cellOf(scorecard(pkg, { period: "2025-01", rows: [ref("33.28")], indicators: ["ilp_puskesmas"] }), "33.28", "ilp_puskesmas");
    expect(jan.numerator).toBeLessThanOrEqual(3);
    const dec = cellOf(scorecard(pkg, { period: "2025-12", rows: [ref("33.28")], indicators: ["ilp_puskesmas"] }), "33.28", "ilp_puskesmas");
    expect(dec.numerator).toBeGreaterThanOrEqual(15);
    expect(dec.numerator).toBeLessThanOrEqual(18);
  });

  it("Bontang: 124 Posyandu ILP of 124 in every 2025 month after mid-year that all 6 Puskesmas reported", () => {
    const units = puskesmasOf("64.74");
    expect(units).toHaveLength(6);
    let checked = 0;
    for (const month of MONTHS(2025, 7, 12)) {
      if (counted("ilp_profil", units, [month]).length !== units.length) continue;
      const cell = cellOf(scorecard(pkg, { period: month, rows: [ref("64.74")], indicators: ["ilp_posyandu"] }), "64.74", "ilp_posyandu");
      expect([cell.numerator, cell.denominator, cell.value], month).toEqual([124, 124, 100]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it("Sungai Durian leads Kota Sawahlunto on the ILP indicators (2025-12)", () => {
    const units = puskesmasOf("13.73");
    const sd = codeOf("Puskesmas Sungai Durian");
    const eff = applyOverlay(
      pkg,
      overlays.find((o) => o.district === "13.73")!,
      { inDistrict: new Set(units) },
    ).package;
    const sc = scorecard(eff, { period: "2025-12", rows: units.map(ref), total: ref("13.73"), group: "ilp" });
    for (const key of ["ilp_puskesmas", "ilp_desa_pustu", "ilp_posyandu", "ilp_kader_terlatih", "ilp_posyandu_5_kader"]) {
      const lead = cellOf(sc, sd, key).value!;
      expect(lead, key).toBeGreaterThanOrEqual(cellOf(sc, "13.73", key).value!);
      for (const u of units) expect(lead, `${key} vs ${u}`).toBeGreaterThanOrEqual(cellOf(sc, u, key).value ?? -Infinity);
    }
    expect(cellOf(sc, sd, "ilp_desa_pustu").value).toBe(100);
    expect(cellOf(sc, sd, "ilp_posyandu").value).toBe(100);
    expect(sc.rows.find((r) => r.code === sd)!.rank).toBe(1);
  });

  it("SPM year-end 2025 lands at 40–98 % per district; BOK year-end absorption near 79.5 % overall", () => {
    const sc = scorecard(pkg, { period: "2025", rows: DEMO_DISTRICTS.map(ref) });
    for (const row of sc.rows) {
      for (const cell of row.cells.filter((c) => c.indicator.startsWith("spm_"))) {
        expect(cell.value!, `${row.code} ${cell.indicator}`).toBeGreaterThanOrEqual(40);
        expect(cell.value!, `${row.code} ${cell.indicator}`).toBeLessThanOrEqual(98);
      }
    }
    expect(Math.abs(cellOf(sc, sc.total.code, "bok_serapan").value! - 79.5)).toBeLessThan(3);
  });
});
