/**
 * The demo's village level (docs/domain.md): Pustu and Posyandu reports on every month from 2025-01
 * up to the day the demo is seeded — on fixed days and on today, which CI moves with faketime
 * (docs/testing.md) — every report from a unit the form expects (engine/expected.ts: reporting
 * levels and the `blud` group), and the village indicators computed by hand from the records.
 */
import { describe, expect, it } from "vitest";
import { isExpectedReporter, monthIndex, type GroupMembership } from "@engine";
import { demoBludMemberships, generateDemoSubmissions, type DemoSubmission } from "@seeds/demo/generate";
import { districtOf, orgUnits, overlays, pkg, puskesmasOf } from "./helpers";

const byCode = new Map(orgUnits.map((u) => [u.code, u]));
const pustu = orgUnits.filter((u) => u.level === "pustu");
const posyandu = orgUnits.filter((u) => u.level === "posyandu");
const COUNTED = new Set(["submitted", "approved"]);
const SUNGAI_DURIAN = "P1373001";

const monthOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const shift = (month: string, by: number) => {
  const [y, m] = month.split("-").map(Number);
  return monthOf(new Date(Date.UTC(y, m - 1 + by, 1)));
};
const toIndex = (month: string) => monthIndex(Number(month.slice(0, 4)), Number(month.slice(5, 7)));

const blud = demoBludMemberships({ orgUnits });
const memberships = new Map<string, GroupMembership[]>(blud.map((m) => [m.code, [{ groupKey: "blud", from: toIndex(m.from), to: null }]]));

/** Every report comes from a unit its form expects, and village reports run up to `asOf`. */
function checkSeededOn(asOf: string, subs: DemoSubmission[]) {
  const current = monthOf(new Date(asOf));
  const last = shift(current, -1);
  const forms = new Map(pkg.forms.map((f) => [f.key, f]));
  for (const s of subs) {
    const unit = byCode.get(s.org)!;
    expect(isExpectedReporter(forms.get(s.form)!, { level: unit.level, memberships: memberships.get(s.org) }, s.period), `${s.org} ${s.form} ${s.period}`).toBe(
      true,
    );
    if (s.submittedAt) expect(Date.parse(s.submittedAt) <= Date.parse(asOf), `${s.org} ${s.period}`).toBe(true);
  }
  for (const [level, form, units] of [
    ["pustu", "pustu_ilp_bulanan", pustu],
    ["posyandu", "posyandu_ilp_bulanan", posyandu],
  ] as const) {
    const got = subs.filter((s) => s.form === form);
    expect(got.every((s) => byCode.get(s.org)!.level === level)).toBe(true);
    expect(got.some((s) => s.period > current)).toBe(false);
    // Every unit reports most months from 2025-01 to last month.
    const months = toIndex(last) - toIndex("2025-01") + 1;
    const closed = got.filter((s) => s.period <= last);
    expect(closed.length / (units.length * months), `${form} on ${asOf}`).toBeGreaterThan(0.9);
    expect(new Set(closed.filter((s) => s.period === "2025-01").map((s) => s.org)).size).toBeGreaterThan(units.length * 0.85);
    // Last month: mostly in, some still drafts or waiting; older months verified.
    const lastMonth = got.filter((s) => s.period === last);
    expect(lastMonth.length).toBeGreaterThan(units.length * 0.85);
    for (const status of ["draft", "submitted", "approved"])
      expect(
        lastMonth.some((s) => s.status === status),
        `${form} ${last} ${status}`,
      ).toBe(true);
    expect(got.filter((s) => s.period <= shift(last, -4)).every((s) => s.status === "approved" || s.status === "returned")).toBe(true);
    // The current month: at most a few early reports.
    expect(got.filter((s) => s.period === current).length).toBeLessThan(units.length * 0.3);
  }
}

describe("demo village level", () => {
  it.each(["2026-11-20T12:00:00.000Z", "2027-01-01T00:30:00Z", "2028-02-29T10:00:00Z", "2025-02-03T08:00:00Z"])(
    "seeded on %s: every unit reports, up to that day, only what its form expects",
    (asOf) => {
      checkSeededOn(asOf, generateDemoSubmissions({ orgUnits, pkg, overlays, asOf }));
    },
  );

  it("seeded today (the clock CI moves with faketime): the same", () => {
    const asOf = new Date().toISOString();
    checkSeededOn(asOf, generateDemoSubmissions({ orgUnits, pkg, overlays, asOf }));
  });

  it("the blud group: Bontang's 6 Puskesmas and most of Kendal's, each from its decree month; only they file the BLUD form", () => {
    const districts = new Map<string, number>();
    for (const m of blud) {
      expect(byCode.get(m.code)!.level).toBe("puskesmas");
      expect(m.from >= "2019-01" && m.from <= "2022-12", `${m.code} ${m.from}`).toBe(true);
      districts.set(districtOf.get(m.code)!, (districts.get(districtOf.get(m.code)!) ?? 0) + 1);
    }
    expect(districts.get("64.74")).toBe(6);
    expect(districts.get("33.24")).toBeGreaterThanOrEqual(15);
    expect(districts.get("33.24")).toBeLessThan(30);
    expect([...districts.keys()].sort()).toEqual(["33.24", "64.74"]);
    const subs = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf: "2026-11-20T12:00:00Z" });
    const filers = new Set(subs.filter((s) => s.form === "blud_triwulan").map((s) => s.org));
    expect([...filers].sort()).toEqual(blud.map((m) => m.code).sort());
    // The decree date on the reports is in the month the membership starts.
    for (const s of subs.filter((x) => x.form === "blud_triwulan"))
      expect(String(s.values.blud_sk_tanggal).slice(0, 7)).toBe(blud.find((m) => m.code === s.org)!.from);
  });

  describe("the village indicators by hand (2025-12, counted reports)", () => {
    const subs = generateDemoSubmissions({ orgUnits, pkg, overlays, asOf: "2026-11-20T12:00:00Z" });
    const counted = (form: string, period: string) => subs.filter((s) => s.form === form && s.period === period && COUNTED.has(s.status));
    /** count_units(condition) / units() × 100 over one district's (or Puskesmas's) units. */
    const share = (form: string, period: string, where: (code: string) => boolean, condition: (v: DemoSubmission["values"]) => boolean) => {
      const rows = counted(form, period).filter((s) => where(s.org));
      return rows.length === 0 ? null : (100 * rows.filter((s) => condition(s.values)).length) / rows.length;
    };
    const allGroups = (v: DemoSubmission["values"]) => v.posy_kelompok_dilayani === 5;
    const fiveActive = (v: DemoSubmission["values"]) => Number(v.posy_kader_aktif) >= 5;
    const activePustu = (v: DemoSubmission["values"]) =>
      v.pustu_layanan_ilp === true && v.pustu_bidan === true && v.pustu_perawat === true && v.pustu_koordinator === true && Number(v.pustu_posyandu_dibina) > 0;
    const inDistrict = (d: string) => (code: string) => districtOf.get(code) === d;

    it("Sungai Durian: Kayu Gadang and every Posyandu serve all five groups whenever held, every month of 2025", () => {
      const sd = subs.filter((s) => s.form === "posyandu_ilp_bulanan" && puskesmasOf(s.org) === SUNGAI_DURIAN);
      const kayuGadang = orgUnits.find((u) => u.name === "Posyandu ILP Kayu Gadang")!.code;
      expect(sd.filter((s) => s.org === kayuGadang && s.period.startsWith("2025")).length).toBeGreaterThanOrEqual(10);
      for (const s of sd) expect(s.values.posy_kelompok_dilayani, `${s.org} ${s.period}`).toBe(s.values.posy_buka ? 5 : 0);
      for (const s of subs.filter((x) => x.form === "pustu_ilp_bulanan" && puskesmasOf(x.org) === SUNGAI_DURIAN)) expect(s.values.pustu_layanan_ilp).toBe(true);
    });

    it("Posyandu ILP serving all life-cycle groups: Kota Sawahlunto ahead of Kabupaten Sintang", () => {
      const sawahlunto = share("posyandu_ilp_bulanan", "2025-12", inDistrict("13.73"), allGroups)!;
      const sintang = share("posyandu_ilp_bulanan", "2025-12", inDistrict("61.05"), allGroups)!;
      expect(sawahlunto).toBeGreaterThanOrEqual(60);
      expect(sintang).toBeLessThan(sawahlunto);
      expect(share("posyandu_ilp_bulanan", "2025-01", inDistrict("61.05"), allGroups)!).toBeLessThan(50);
    });

    it("Posyandu with at least 5 active kader and villages with an active Pustu ILP land between 30 and 100 %; the village indicators rise over 2025", () => {
      for (const d of ["13.73", "61.05", "64.74", "33.28", "33.24"]) {
        const kader = share("posyandu_ilp_bulanan", "2025-12", inDistrict(d), fiveActive)!;
        expect(kader, d).toBeGreaterThanOrEqual(30);
        expect(kader, d).toBeLessThanOrEqual(100);
        expect(share("pustu_ilp_bulanan", "2025-12", inDistrict(d), activePustu)!, d).toBeGreaterThanOrEqual(30);
      }
      const everywhere = () => true;
      expect(share("pustu_ilp_bulanan", "2025-12", everywhere, activePustu)!).toBeGreaterThan(
        share("pustu_ilp_bulanan", "2025-01", everywhere, activePustu)! + 10,
      );
      expect(share("posyandu_ilp_bulanan", "2025-12", everywhere, allGroups)!).toBeGreaterThan(
        share("posyandu_ilp_bulanan", "2025-01", everywhere, allGroups)! + 10,
      );
      expect(share("pustu_ilp_bulanan", "2025-12", (c) => puskesmasOf(c) === SUNGAI_DURIAN, activePustu)).toBe(100);
    });
  });
});
