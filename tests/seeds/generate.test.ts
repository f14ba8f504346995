import { beforeAll, describe, expect, it } from "vitest";
import { compileFormula, type FormulaType, type FormulaValue } from "@engine/formula";
import type { Field, Form, ValidationRule } from "@engine/documents";
import { validateSubmission } from "@engine/server";
import { applyOverlay } from "@engine/overlay";
import { generateDemoSubmissions, type DemoSubmission } from "@seeds/demo/generate";
import { DEMO_DISTRICTS, districtOf, orgUnits, overlays, pkg } from "./helpers";

/** Seeded on 20 November 2026: October is the last complete month. */
const AS_OF = "2026-11-20T12:00:00.000Z";
let subs: DemoSubmission[];
beforeAll(() => {
  subs = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf: AS_OF });
});

const ratio = (a: number, b: number) => (100 * a) / b;
const puskesmas = orgUnits.filter((u) => u.level === "puskesmas");
const nameOf = new Map(puskesmas.map((u) => [u.code, u.name]));
const of = (form: string, period: string) => subs.filter((s) => s.form === form && s.period === period);

describe("demo generator", () => {
  it("is deterministic for a seed and varies with the seed", () => {
    const again = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf: AS_OF });
    expect(again).toEqual(subs);
    const other = generateDemoSubmissions({ seed: 7, orgUnits, pkg, overlays, asOf: AS_OF });
    expect(other).not.toEqual(subs);
  });

  it("covers every Puskesmas, 2025-01..2026-10, with 2–6 % of monthly reports missing", () => {
    const months = 22;
    for (const form of ["ilp_profil", "spm_bulanan"]) {
      const got = subs.filter((s) => s.form === form && s.period <= "2026-10");
      const missing = 1 - got.length / (puskesmas.length * months);
      expect(missing).toBeGreaterThan(0.02);
      expect(missing).toBeLessThan(0.06);
      expect(new Set(got.map((s) => s.org)).size).toBe(puskesmas.length);
      expect(got.some((s) => s.period === "2025-01") && got.some((s) => s.period === "2026-10")).toBe(true);
      expect(subs.some((s) => s.form === form && s.period > "2026-11")).toBe(false);
    }
    expect(of("spm_sasaran", "2025")).toHaveLength(puskesmas.length);
    expect(of("spm_sasaran", "2026")).toHaveLength(puskesmas.length);
    expect(
      subs
        .filter((s) => s.form === "bok_triwulan")
        .map((s) => s.period)
        .sort()
        .at(-1),
    ).toBe("2026-Q3");
    const blud = new Set(subs.filter((s) => s.form === "blud_triwulan").map((s) => districtOf.get(s.org)));
    expect([...blud].sort()).toEqual(["33.24", "64.74"]);
  });

  it("follows the workflow: recent reports in progress, returns with notes, times after the period", () => {
    const latest = of("ilp_profil", "2026-10");
    for (const status of ["draft", "submitted", "approved"] as const)
      expect(
        latest.some((s) => s.status === status),
        status,
      ).toBe(true);
    expect(of("ilp_profil", "2025-06").every((s) => s.status === "approved")).toBe(true);
    for (const s of subs) {
      expect(s.returnNote !== undefined).toBe(s.status === "returned");
      if (s.status === "draft") expect(s.submittedAt).toBeNull();
      else expect(s.submittedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
    }
    const monthly = subs.filter((s) => s.form === "ilp_profil" && s.submittedAt);
    // Sent from the last days of the period on (a period may be reported once it has begun).
    for (const s of monthly.filter((x) => x.period < "2026-11")) expect(s.submittedAt! >= `${s.period}-25`, `${s.org} ${s.period}`).toBe(true);
    const late = monthly.filter((s) => Number(s.submittedAt!.slice(8, 10)) > 10 || s.submittedAt!.slice(0, 7) > nextMonth(s.period));
    expect(late.length / monthly.length).toBeGreaterThan(0.03);
    expect(late.length / monthly.length).toBeLessThan(0.25);
  });

  it("is alive on any day it is seeded: last month mostly in, a few early reports, nothing after that day", () => {
    for (const asOf of ["2026-12-04T09:30:00Z", "2027-01-01T00:00:00Z", "2028-02-29T10:00:00Z", "2031-07-15T03:00:00Z"]) {
      const day = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf });
      const at = new Date(asOf);
      const month = (offset: number) => {
        const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
        return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
      };
      const counted = (period: string) =>
        day.filter((s) => s.form === "ilp_profil" && s.period === period && (s.status === "submitted" || s.status === "approved"));
      // Last month: most Puskesmas in (the scorecard's default period has colours), some still drafts.
      expect(counted(month(-1)).length / puskesmas.length, asOf).toBeGreaterThan(0.5);
      expect(
        day.some((s) => s.period === month(-1) && s.status === "draft"),
        asOf,
      ).toBe(true);
      // The month before: nearly all in (a few never reported or returned).
      expect(counted(month(-2)).length / puskesmas.length, asOf).toBeGreaterThan(0.85);
      // This month: a few early reports, never verified yet.
      const early = day.filter((s) => s.form === "ilp_profil" && s.period === month(0));
      expect(early.length, asOf).toBeGreaterThan(0);
      expect(early.length / puskesmas.length, asOf).toBeLessThan(0.3);
      expect(
        early.every((s) => s.status === "draft" || s.status === "submitted"),
        asOf,
      ).toBe(true);
      // Nothing from the future: no later period, no time after the seeding.
      expect(
        day.filter((s) => /^\d{4}-\d{2}$/.test(s.period) && s.period > month(0)),
        asOf,
      ).toEqual([]);
      expect(
        day.filter((s) => s.submittedAt !== null && s.submittedAt > at.toISOString()).map((s) => `${s.org} ${s.period} ${s.submittedAt}`),
        asOf,
      ).toEqual([]);
      expect(
        day.some((s) => s.form === "spm_sasaran" && s.period === month(-1).slice(0, 4)),
        asOf,
      ).toBe(true);
    }
  });

  it("never reports more people served than the sasaran, monthly or year to date", () => {
    const sasaran = new Map(subs.filter((s) => s.form === "spm_sasaran").map((s) => [`${s.org}|${s.period}`, s.values]));
    const ytd = new Map<string, number>();
    for (const s of subs.filter((x) => x.form === "spm_bulanan").sort((a, b) => a.period.localeCompare(b.period))) {
      const year = s.period.slice(0, 4);
      const target = sasaran.get(`${s.org}|${year}`)!;
      for (const [key, value] of Object.entries(s.values)) {
        const sasaranKey = Object.keys(target).find((k) => k.slice(0, 5) === key.slice(0, 5))!;
        const id = `${s.org}|${year}|${key}`;
        ytd.set(id, (ytd.get(id) ?? 0) + (value as number));
        expect(ytd.get(id)!).toBeLessThanOrEqual(target[sasaranKey] as number);
      }
    }
  });

  it("gives plausible SPM year-end 2025 achievement per district (40–98 %)", () => {
    for (const d of DEMO_DISTRICTS) {
      const served = new Map<string, number>();
      const target = new Map<string, number>();
      for (const s of subs) {
        if (districtOf.get(s.org) !== d) continue;
        const into = s.form === "spm_bulanan" && s.period.startsWith("2025-") ? served : s.form === "spm_sasaran" && s.period === "2025" ? target : null;
        if (into) for (const [k, v] of Object.entries(s.values)) into.set(k.slice(0, 5), (into.get(k.slice(0, 5)) ?? 0) + (v as number));
      }
      expect(target.size).toBe(12);
      for (const [svc, t] of target) {
        const pct = ratio(served.get(svc) ?? 0, t);
        expect(pct, `${d} ${svc}`).toBeGreaterThanOrEqual(40);
        expect(pct, `${d} ${svc}`).toBeLessThanOrEqual(98);
      }
    }
  });

  it("gives BOK year-end 2025 absorption of 65–90 % per district, near 79.5 % overall", () => {
    let realised = 0;
    let ceiling = 0;
    for (const d of DEMO_DISTRICTS) {
      const q4 = of("bok_triwulan", "2025-Q4").filter((s) => districtOf.get(s.org) === d);
      const r = q4.reduce((a, s) => a + (s.values.bok_realisasi_kumulatif as number), 0);
      const c = q4.reduce((a, s) => a + (s.values.bok_pagu as number), 0);
      expect(ratio(r, c), d).toBeGreaterThanOrEqual(65);
      expect(ratio(r, c), d).toBeLessThanOrEqual(90);
      realised += r;
      ceiling += c;
    }
    expect(Math.abs(ratio(realised, ceiling) - 79.5)).toBeLessThan(3);
  });

  it("tells the ILP stories of the source articles", () => {
    const onIlp = (period: string, district: string) =>
      of("ilp_profil", period).filter((s) => districtOf.get(s.org) === district && s.values.sk_klaster === true && s.values.alur_layanan_klaster === true)
        .length;
    expect(onIlp("2025-01", "61.05")).toBeLessThanOrEqual(3);
    expect(onIlp("2025-12", "61.05")).toBeGreaterThanOrEqual(14);
    expect(onIlp("2025-12", "61.05")).toBeLessThan(22);
    expect(onIlp("2025-01", "33.28")).toBeLessThanOrEqual(3);
    expect(onIlp("2025-12", "33.28")).toBeGreaterThanOrEqual(15);
    expect(onIlp("2025-12", "33.28")).toBeLessThanOrEqual(18);
    const bontangPosyanduIlp = of("ilp_profil", "2025-12")
      .filter((s) => districtOf.get(s.org) === "64.74")
      .reduce((a, s) => a + (s.values.posyandu_ilp as number), 0);
    expect(bontangPosyanduIlp).toBe(124);
    for (const leader of ["Puskesmas Sungai Durian", "Puskesmas Plantungan"]) {
      const reports = subs.filter((s) => s.form === "ilp_profil" && nameOf.get(s.org) === leader);
      expect(reports.length).toBeGreaterThan(18);
      for (const r of reports) {
        expect(r.values.alur_layanan_klaster).toBe(true);
        expect(r.values.desa_pustu_ilp).toBe(r.values.jumlah_desa);
      }
    }
    const tegalCohorts = of("ilp_profil", "2025-12")
      .filter((s) => districtOf.get(s.org) === "33.28")
      .map((s) => s.values.lokal_tahun_kohort_ilp);
    expect(tegalCohorts.filter((c) => c === 2024).length).toBe(3);
  });

  it("fills local fields only where the overlay adds them and drops hidden ones", () => {
    for (const s of subs.filter((x) => x.form === "ilp_profil")) {
      const d = districtOf.get(s.org);
      expect("lokal_posyandu_ilp_rme" in s.values).toBe(d === "13.73");
      if (d !== "33.28") expect("lokal_tahun_kohort_ilp" in s.values).toBe(false);
      expect("pws_dashboard" in s.values).toBe(d !== "33.24");
    }
    const plain = generateDemoSubmissions({ orgUnits, pkg, asOf: "2025-04-05T08:00:00Z" });
    expect(plain.some((s) => Object.keys(s.values).some((k) => k.startsWith("lokal_")))).toBe(false);
  });

  it("passes form validation against each district's effective form, unchanged", () => {
    const effective = new Map<string, { forms: Map<string, Form>; hidden: string[] }>();
    for (const d of DEMO_DISTRICTS) {
      const overlay = overlays.find((o) => o.district === d)!;
      const applied = applyOverlay(pkg, overlay);
      expect(applied.problems).toEqual([]);
      effective.set(d, { forms: new Map(applied.package.forms.map((f) => [f.key, f])), hidden: applied.hidden.map((h) => h.field) });
    }
    const failures: string[] = [];
    for (const s of subs) {
      const e = effective.get(districtOf.get(s.org)!)!;
      const form = e.forms.get(s.form)!;
      const calculated = new Set(
        form.sections
          .flatMap((x) => x.fields)
          .filter((f) => f.calculate)
          .map((f) => f.key),
      );
      const result = validateSubmission(form, s.values, { hiddenFields: e.hidden });
      // Calculated values are recomputed by the engine (reported as ignored input); nothing else may be dropped.
      if (!result.ok || result.ignored.some((k) => !calculated.has(k)))
        failures.push(`${s.org} ${s.form} ${s.period}: ${JSON.stringify(result.errors)} ${result.ignored}`);
      else expect(result.data).toEqual(s.values);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it("violates no rule (error or warning) and computes calculated fields as the package says", () => {
    const fieldsOf = (form: string): Field[] => pkg.forms.find((f) => f.key === form)!.sections.flatMap((s) => s.fields);
    const typeOf = (f: Field): FormulaType | undefined =>
      f.type === "integer" || f.type === "number" ? "number" : f.type === "boolean" ? "boolean" : undefined;
    const sasaranFields = fieldsOf("spm_sasaran");
    const rulesFor = new Map<string, ValidationRule[]>();
    for (const d of DEMO_DISTRICTS) {
      const local = overlays.find((o) => o.district === d)?.operations.flatMap((op) => (op.op === "addRule" ? [op.rule] : [])) ?? [];
      rulesFor.set(d, [...pkg.rules, ...local]);
    }
    const added = overlays.flatMap((o) => o.operations.flatMap((op) => (op.op === "addField" ? [op.field] : [])));
    const compiled = new Map<string, ReturnType<typeof compileFormula>>();
    const compile = (src: string, form: string, context: "rule" | "field") => {
      const id = `${context}|${form}|${src}`;
      if (!compiled.has(id)) {
        const scopeFields = [...fieldsOf(form), ...sasaranFields, ...added];
        const symbols = new Map(scopeFields.flatMap((f) => (typeOf(f) ? [[f.key, typeOf(f)!] as const] : [])));
        compiled.set(id, compileFormula(src, { symbols, context }));
      }
      return compiled.get(id)!;
    };
    const sasaran = new Map(subs.filter((s) => s.form === "spm_sasaran").map((s) => [`${s.org}|${s.period}`, s.values]));
    const holds = (l: number | boolean, op: ValidationRule["op"], r: number | boolean) =>
      op === "<=" ? l <= r : op === "<" ? l < r : op === ">=" ? l >= r : op === ">" ? l > r : op === "==" ? l === r : l !== r;
    const violations: string[] = [];
    let checked = 0;
    for (const s of subs) {
      const values = { ...sasaran.get(`${s.org}|${s.period.slice(0, 4)}`), ...s.values };
      const scope = { get: (k: string) => (typeof values[k] === "string" ? null : (values[k] as FormulaValue | undefined)) };
      for (const f of fieldsOf(s.form)) {
        if (f.calculate && f.key in s.values) expect(compile(f.calculate, s.form, "field").evaluate(scope).value, f.key).toBe(s.values[f.key]);
      }
      for (const rule of rulesFor.get(districtOf.get(s.org)!)!) {
        if (rule.form !== s.form) continue; // warnings too: clean demo data trips none
        const l = compile(rule.left, s.form, "rule").evaluate(scope).value;
        const r = compile(rule.right, s.form, "rule").evaluate(scope).value;
        if (l === null || r === null) continue;
        checked++;
        if (!holds(l, rule.op, r)) violations.push(`${s.org} ${s.period} ${rule.key}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(violations).toEqual([]);
  });
});

function nextMonth(period: string): string {
  const [y, m] = period.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}
