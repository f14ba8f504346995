import { describe, expect, it } from "vitest";
import { checkFormula, type FormulaType } from "@engine/formula";
import type { Field } from "@engine/documents";
import { applyOverlay } from "@engine/overlay";
import { validateOverlay, validatePackage } from "@engine/server";
import { achievement, bandOf, bandsOf } from "@engine/status";
import { overlayFiles, overlays, packageJson, pkg } from "./helpers";

const ILP = "KMK HK.01.07/MENKES/2015/2023 (Juknis ILP)";
const SPM = "Permenkes 6/2024 (menggantikan Permenkes 4/2019), verifikasi terhadap lampiran";
const IKM = "Permenpan RB 14/2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat)";
const DEFAULT = "default, to be confirmed";

const allFields: Field[] = pkg.forms.flatMap((f) => f.sections.flatMap((s) => s.fields));
const typeOf = (f: Field): FormulaType | undefined => (f.type === "integer" || f.type === "number" ? "number" : f.type === "boolean" ? "boolean" : undefined);
const symbolsOf = (fields: Field[]) => new Map(fields.flatMap((f) => (typeOf(f) ? [[f.key, typeOf(f)!] as const] : [])));

describe("national package ilp-nasional v1", () => {
  it("passes validatePackage without errors", () => {
    const result = validatePackage(packageJson);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(overlayFiles.map((f, i) => [f, i] as const))("overlay %s validates against the package", (_file, i) => {
    const result = validateOverlay(overlays[i], pkg);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(overlayFiles.map((f, i) => [f, i] as const))("overlay %s applies cleanly into a valid effective package", (_file, i) => {
    const applied = applyOverlay(pkg, overlays[i]);
    expect(applied.problems).toEqual([]);
    expect(applied.applied).toHaveLength(overlays[i].operations.length);
    const effective = validatePackage(applied.package, { allowLocalKeys: true });
    expect(effective.errors).toEqual([]);
  });

  it("has one overlay per demo district, on base version 1", () => {
    expect(overlays.map((o) => o.district).sort()).toEqual(["13.73", "33.24", "33.28", "61.05", "64.74"]);
    for (const o of overlays) expect([o.package, o.baseVersion]).toEqual(["ilp-nasional", 1]);
  });

  it("has unique snake_case field keys across all forms, none local", () => {
    const keys = allFields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) {
      expect(k).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
      expect(k.startsWith("lokal_")).toBe(false);
    }
    const indicatorKeys = pkg.indicators.map((i) => i.key);
    expect(new Set(indicatorKeys).size).toBe(indicatorKeys.length);
    expect(indicatorKeys.filter((k) => keys.includes(k))).toEqual([]);
  });

  it("notes a source everywhere, using the agreed wording", () => {
    const sources = [
      ...pkg.forms.map((f) => f.source),
      ...allFields.map((f) => f.source),
      ...pkg.indicators.map((i) => i.source),
      ...pkg.targets.map((t) => t.source),
      ...pkg.rules.map((r) => r.source),
    ];
    for (const s of sources) expect(typeof s === "string" && s.length > 0).toBe(true);
    const spmForms = pkg.forms.filter((f) => f.key.startsWith("spm_"));
    for (const f of spmForms) expect(f.source).toBe(SPM);
    expect(pkg.forms.find((f) => f.key === "ilp_profil")!.source).toBe(ILP);
    for (const i of pkg.indicators.filter((x) => x.group === "ilp")) expect(i.source).toBe(DEFAULT);
    for (const f of pkg.forms.find((x) => x.key === "blud_triwulan")!.sections.flatMap((s) => s.fields))
      expect(f.source).toBe(f.key === "blud_ikm" ? IKM : DEFAULT);
  });

  it("cites Permenkes 6/2024 for every SPM element, and the passages behind K6, the age bands and the IKM categories", () => {
    const spmFields = pkg.forms.filter((f) => f.key.startsWith("spm_")).flatMap((f) => f.sections.flatMap((s) => s.fields));
    const spmSources = [
      ...spmFields.map((f) => f.source),
      ...pkg.indicators.filter((i) => i.group === "spm").map((i) => i.source),
      ...pkg.targets.filter((t) => t.indicator.startsWith("spm_")).map((t) => t.source),
      ...pkg.rules.filter((r) => r.form.startsWith("spm_")).map((r) => r.source),
    ];
    for (const s of spmSources) expect(s?.startsWith(SPM), s).toBe(true);
    const field = (key: string) => allFields.find((f) => f.key === key)!;
    const indicator = (key: string) => pkg.indicators.find((i) => i.key === key)!;
    for (const s of [field("spm01_bumil_k6").source, indicator("spm_01").source]) expect(s).toContain("Permenkes 21/2021 Pasal 13 ayat (3)–(5)");
    expect(field("spm01_bumil_k6").help?.id).toContain("minimal 6 kali kunjungan");
    for (const s of [field("spm03_bbl_kn_lengkap").source, field("spm03_sasaran_bbl").source, indicator("spm_03").source])
      expect(s).toContain("Permenkes 25/2014 Pasal 1 angka 2");
    for (const s of [field("spm04_balita_standar").source, field("spm04_sasaran_balita").source, indicator("spm_04").source])
      expect(s).toContain("Permenkes 25/2014 Pasal 1 angka 4");
    expect(field("spm05_sasaran_usia_dasar").help?.id).toContain("kelas 1 sampai kelas 9");
    expect(indicator("blud_ikm_rata").source.startsWith(IKM)).toBe(true);
    for (const key of ["pws_dashboard", "kunjungan_rumah"])
      expect(field(key).source).toMatch(/^KMK HK\.01\.07\/MENKES\/2015\/2023 \(Juknis ILP\): .*verifikasi terhadap lampiran$/);
  });

  it("colours the IKM by the Permenpan RB 14/2017 categories: A and B green, C yellow, D red; no IKM below 25", () => {
    const ind = pkg.indicators.find((i) => i.key === "blud_ikm_rata")!;
    for (const t of pkg.targets.filter((x) => x.indicator === "blud_ikm_rata")) expect([t.value, t.profile]).toEqual([76.61, { type: "flat" }]);
    const band = (value: number) => bandOf(achievement(value, 76.61, ind.direction), bandsOf(ind));
    expect([100, 88.31, 88.3, 76.61].map(band)).toEqual(["green", "green", "green", "green"]);
    expect([76.6, 70, 65].map(band)).toEqual(["yellow", "yellow", "yellow"]);
    expect([64.99, 50, 25].map(band)).toEqual(["red", "red", "red"]);
    const ikm = allFields.find((f) => f.key === "blud_ikm")!;
    expect([ikm.min, ikm.max]).toEqual([25, 100]);
    const low = pkg.rules.find((r) => r.key === "blud_ikm_rendah")!;
    expect([low.left, low.op, low.right, low.severity]).toEqual(["blud_ikm", ">=", "25", "error"]);
  });

  it("covers the groups, the 12 SPM services and their clusters", () => {
    expect(pkg.groups?.map((g) => g.key)).toEqual(["ilp", "spm", "bok", "blud"]);
    const spm = pkg.indicators.filter((i) => i.group === "spm");
    expect(spm.map((i) => i.key)).toEqual(Array.from({ length: 12 }, (_, i) => `spm_${String(i + 1).padStart(2, "0")}`));
    expect(spm.map((i) => i.cluster).join("")).toBe("222223333344");
    for (const i of spm) expect([i.factor, i.ytd, i.unit]).toEqual([100, true, "%"]);
    expect(pkg.indicators.filter((i) => i.group === "ilp")).toHaveLength(9);
    expect(pkg.forms.map((f) => [f.key, f.periodType])).toEqual([
      ["ilp_profil", "month"],
      ["posyandu_ilp_bulanan", "month"],
      ["pustu_ilp_bulanan", "month"],
      ["spm_bulanan", "month"],
      ["spm_sasaran", "year"],
      ["bok_triwulan", "quarter"],
      ["blud_triwulan", "quarter"],
    ]);
  });

  describe("the village-level forms (docs/domain.md)", () => {
    const form = (key: string) => pkg.forms.find((f) => f.key === key)!;
    const fieldsOf = (key: string) => form(key).sections.flatMap((s) => s.fields);
    const ILP_PASSAGE = /^KMK HK\.01\.07\/MENKES\/2015\/2023 \(Juknis ILP\)(: .+; nomor bagian: verifikasi terhadap lampiran)?$/;

    it("the Posyandu ILP recap is reported by Posyandu, the Pustu report by Pustu, every other form by Puskesmas", () => {
      expect(form("posyandu_ilp_bulanan").reportingLevels).toEqual(["posyandu"]);
      expect(form("pustu_ilp_bulanan").reportingLevels).toEqual(["pustu"]);
      for (const f of pkg.forms.filter((x) => !["posyandu_ilp_bulanan", "pustu_ilp_bulanan"].includes(x.key))) expect(f.reportingLevels, f.key).toBeUndefined();
      for (const key of ["posyandu_ilp_bulanan", "pustu_ilp_bulanan"]) expect(form(key).periodType).toBe("month");
    });

    it("keeps the kader recap short (10–15 fields) and the Pustu report shorter", () => {
      expect(fieldsOf("posyandu_ilp_bulanan").length).toBeGreaterThanOrEqual(10);
      expect(fieldsOf("posyandu_ilp_bulanan").length).toBeLessThanOrEqual(15);
      expect(fieldsOf("pustu_ilp_bulanan").length).toBeLessThanOrEqual(12);
    });

    it("asks one yes/no per life-cycle group and counts them", () => {
      const recap = fieldsOf("posyandu_ilp_bulanan");
      const groups = recap.filter((f) => f.key.startsWith("posy_layan_"));
      expect(groups.map((f) => f.key)).toEqual(["posy_layan_bumil", "posy_layan_balita", "posy_layan_remaja", "posy_layan_dewasa", "posy_layan_lansia"]);
      for (const f of groups) expect([f.type, f.required]).toEqual(["boolean", true]);
      const count = recap.find((f) => f.key === "posy_kelompok_dilayani")!;
      for (const f of groups) expect(count.calculate).toContain(`if(${f.key}, 1, 0)`);
      for (const key of ["posy_kader_purwa", "posy_kader_madya", "posy_kader_utama", "posy_kader_aktif", "posy_kunjungan_rumah"])
        expect(
          recap.some((f) => f.key === key),
          key,
        ).toBe(true);
    });

    it("notes a source on every element: the ILP guideline (passage marked to verify) or the default", () => {
      for (const key of ["posyandu_ilp_bulanan", "pustu_ilp_bulanan"]) {
        expect(form(key).source).toMatch(ILP_PASSAGE);
        for (const f of fieldsOf(key)) expect(f.source === DEFAULT || ILP_PASSAGE.test(f.source ?? ""), `${f.key}: ${f.source}`).toBe(true);
      }
      for (const r of pkg.rules.filter((x) => ["posyandu_ilp_bulanan", "pustu_ilp_bulanan"].includes(x.form))) expect(r.source, r.key).toBe(DEFAULT);
    });

    it("computes the three village indicators over those forms, target 100 %", () => {
      const indicator = (key: string) => pkg.indicators.find((i) => i.key === key)!;
      expect([indicator("ilp_posyandu_siklus_hidup").numerator, indicator("ilp_posyandu_siklus_hidup").denominator]).toEqual([
        "count_units(posy_kelompok_dilayani >= 5)",
        "units()",
      ]);
      expect([indicator("ilp_posyandu_kader_aktif").numerator, indicator("ilp_posyandu_kader_aktif").denominator]).toEqual([
        "count_units(posy_kader_aktif >= 5)",
        "units()",
      ]);
      expect(indicator("ilp_pustu_aktif").numerator).toMatch(/^count_units\(pustu_layanan_ilp and pustu_bidan and pustu_perawat and pustu_koordinator/);
      for (const key of ["ilp_posyandu_siklus_hidup", "ilp_posyandu_kader_aktif", "ilp_pustu_aktif"]) {
        expect([indicator(key).group, indicator(key).factor, indicator(key).unit]).toEqual(["ilp", 100, "%"]);
        for (const t of pkg.targets.filter((x) => x.indicator === key)) expect(t.value).toBe(100);
      }
    });

    it("makes the BLUD form apply to the BLUD group only", () => {
      expect(form("blud_triwulan").appliesTo).toEqual({ groups: ["blud"] });
      for (const f of pkg.forms.filter((x) => x.key !== "blud_triwulan")) expect(f.appliesTo, f.key).toBeUndefined();
    });
  });

  it("has a show-if, calculated fields and optional (hideable) fields in the ILP profile", () => {
    const ilp = pkg.forms.find((f) => f.key === "ilp_profil")!.sections.flatMap((s) => s.fields);
    expect(ilp.some((f) => f.showIf)).toBe(true);
    expect(ilp.find((f) => f.key === "kader_terlatih")?.calculate).toBe("kader_purwa + kader_madya + kader_utama");
    const optional = ilp.filter((f) => f.optional);
    expect(optional.length).toBeGreaterThanOrEqual(3);
    for (const f of optional) expect(f.required ?? false).toBe(false);
  });

  it("sets a national target for every indicator in 2025 and 2026", () => {
    for (const year of [2025, 2026]) {
      for (const i of pkg.indicators) {
        const targets = pkg.targets.filter((t) => t.indicator === i.key && t.year === year && t.scope.level === "national");
        expect(targets, `${i.key} ${year}`).toHaveLength(1);
      }
    }
    const bok = pkg.targets.find((t) => t.indicator === "bok_serapan" && t.year === 2025)!;
    expect(bok.profile).toEqual({ type: "quarterly", values: [25, 50, 75, 95] });
    expect(pkg.targets.find((t) => t.indicator === "blud_ikm_rata")!.value).toBe(76.61);
  });

  describe("every formula checks", () => {
    const symbols = symbolsOf(allFields);
    const yearly = pkg.forms.filter((f) => f.periodType === "year").flatMap((f) => f.sections.flatMap((s) => s.fields));
    const cases: Array<[string, string, "indicator" | "rule" | "field", Map<string, FormulaType>]> = [];
    for (const i of pkg.indicators) {
      cases.push([`${i.key}.numerator`, i.numerator, "indicator", symbols]);
      if (i.denominator) cases.push([`${i.key}.denominator`, i.denominator, "indicator", symbols]);
    }
    for (const r of pkg.rules) {
      const form = pkg.forms.find((f) => f.key === r.form)!;
      const scope = symbolsOf([...form.sections.flatMap((s) => s.fields), ...yearly]);
      cases.push([`${r.key}.left`, r.left, "rule", scope], [`${r.key}.right`, r.right, "rule", scope]);
    }
    for (const form of pkg.forms) {
      const scope = symbolsOf(form.sections.flatMap((s) => s.fields));
      for (const f of form.sections.flatMap((s) => s.fields)) if (f.calculate) cases.push([`${f.key}.calculate`, f.calculate, "field", scope]);
    }
    // Overlay formulas see the package fields plus the overlay's own added fields.
    for (const o of overlays) {
      const added = o.operations.flatMap((op) => (op.op === "addField" ? [op.field] : []));
      const scope = symbolsOf([...allFields, ...added]);
      for (const op of o.operations) {
        if (op.op === "addIndicator") {
          cases.push([`${o.district}:${op.indicator.key}.numerator`, op.indicator.numerator, "indicator", scope]);
          if (op.indicator.denominator) cases.push([`${o.district}:${op.indicator.key}.denominator`, op.indicator.denominator, "indicator", scope]);
        }
        if (op.op === "addRule") cases.push([`${o.district}:${op.rule.key}`, `${op.rule.left} ${op.rule.op} ${op.rule.right}`, "rule", scope]);
      }
    }
    it.each(cases)("%s", (_name, src, context, env) => {
      const result = checkFormula(src, { symbols: env, context });
      expect(result.errors).toEqual([]);
      if (context === "indicator") expect(result.type).toBe("number");
    });
  });
});
