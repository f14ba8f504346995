import { describe, expect, test } from "vitest";
import type { DistrictOverlay, OverlayOperation, TemplatePackage } from "@engine/documents";
import { applyOverlay, rebaseOverlay, targetKey } from "@engine/overlay";
import { computeScorecard } from "@engine/scorecard";
import { targetForPeriod } from "@engine/targets";
import { fixturePackage, rowRef } from "./helpers";

function overlay(operations: OverlayOperation[], extra: Partial<DistrictOverlay> = {}): DistrictOverlay {
  return { package: "ilp-uji", baseVersion: 1, district: "13.73", title: { id: "Sawahlunto" }, version: 1, operations, ...extra };
}

const target = (scope: { level: "district" | "puskesmas" | "province" | "national"; org?: string }, value = 90, indicator = "spm_01") =>
  ({ indicator, year: 2025, scope, value, profile: { type: "flat" }, source: "lokal" }) as never;

const localField = (key: string, extra: Record<string, unknown> = {}) => ({ key, type: "integer", label: { id: "Isian lokal" }, ...extra }) as never;

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object") {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function fieldKeys(pkg: TemplatePackage, form: string): string[] {
  return pkg.forms.find((f) => f.key === form)!.sections.flatMap((s) => s.fields.map((f) => f.key));
}

function codes(r: { problems: Array<{ code: string; op: number }> }) {
  return r.problems.map((p) => [p.op, p.code]);
}

describe("applyOverlay: basics", () => {
  test("an empty overlay gives an equal copy, everything national", () => {
    const pkg = fixturePackage();
    const r = applyOverlay(pkg, overlay([]));
    expect(r.package).toEqual(pkg);
    expect(r.package).not.toBe(pkg);
    expect(r.problems).toEqual([]);
    expect([...r.origins.indicators.values()].every((o) => o === "national")).toBe(true);
    expect(r.origins.fields.get("bumil_k6")).toBe("national");
    expect(r.origins.sections.get("spm_bulanan/ibu")).toBe("national");
  });

  test("inputs are never mutated (deep-frozen inputs still work)", () => {
    const pkg = deepFreeze(fixturePackage());
    const ov = deepFreeze(
      overlay([
        { op: "setBands", indicator: "spm_01", bands: { green: 90, yellow: 70 } },
        { op: "hideField", form: "spm_bulanan", field: "catatan" },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_kader") },
        { op: "relabel", indicator: "spm_01", label: { id: "Ibu hamil (lokal)" } },
        { op: "setTarget", target: target({ level: "district", org: "13.73" }) },
      ]),
    );
    const before = JSON.stringify(pkg);
    const r = applyOverlay(pkg, ov);
    expect(r.problems).toEqual([]);
    expect(JSON.stringify(pkg)).toBe(before);
  });

  test("unknown operation is refused, others still apply", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([{ op: "deleteIndicator", indicator: "spm_01" } as never, { op: "setBands", indicator: "spm_01", bands: { green: 95, yellow: 75 } }]),
    );
    expect(codes(r)).toEqual([[0, "UNKNOWN_OP"]]);
    expect(r.applied).toEqual([1]);
  });

  test("an overlay of another package applies nothing", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setBands", indicator: "spm_01", bands: { green: 95, yellow: 75 } }], { package: "lain" }));
    expect(codes(r)).toEqual([[-1, "PACKAGE_MISMATCH"]]);
    expect(r.package.indicators[0].bands).toBeUndefined();
  });

  test("a base-version mismatch is reported but fitting operations still apply", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setBands", indicator: "spm_01", bands: { green: 95, yellow: 75 } }], { baseVersion: 0 }));
    expect(codes(r)).toEqual([[-1, "BASE_VERSION_MISMATCH"]]);
    expect(r.problems[0].message).toMatch(/rebase/);
    expect(r.package.indicators[0].bands).toEqual({ green: 95, yellow: 75 });
  });
});

describe("applyOverlay: setTarget", () => {
  test("district target is added as local and wins over national", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setTarget", target: target({ level: "district", org: "13.73" }) }]));
    expect(r.problems).toEqual([]);
    expect(r.origins.targets.get("spm_01|2025|district|13.73")).toBe("local");
    const chain = [
      { code: "13.73", level: "district" },
      { code: "P1", level: "puskesmas" },
    ];
    expect(targetForPeriod(r.package.targets, "spm_01", "2025-03", { ytd: true, chain })).toMatchObject({
      value: 90,
      scope: { level: "district", org: "13.73" },
    });
  });

  test("Puskesmas inside the district (set or function membership)", () => {
    const op: OverlayOperation = { op: "setTarget", target: target({ level: "puskesmas", org: "P1" }) };
    expect(applyOverlay(fixturePackage(), overlay([op]), { inDistrict: new Set(["P1", "P2"]) }).problems).toEqual([]);
    expect(applyOverlay(fixturePackage(), overlay([op]), { inDistrict: (c) => c.startsWith("P") }).problems).toEqual([]);
  });

  test("Puskesmas outside the district is refused", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setTarget", target: target({ level: "puskesmas", org: "P3" }) }]), {
      inDistrict: new Set(["P1", "P2"]),
    });
    expect(codes(r)).toEqual([[0, "SCOPE_OUTSIDE_DISTRICT"]]);
    expect(r.problems[0].message).toContain("tidak berada di wilayah");
  });

  test("without membership only the district itself is inside", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setTarget", target: target({ level: "puskesmas", org: "P1" }) }]));
    expect(codes(r)).toEqual([[0, "SCOPE_OUTSIDE_DISTRICT"]]);
  });

  test("another district is refused", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setTarget", target: target({ level: "district", org: "13.74" }) }]), { inDistrict: () => true });
    expect(codes(r)).toEqual([[0, "SCOPE_OUTSIDE_DISTRICT"]]);
  });

  test("national and province scopes are refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "setTarget", target: target({ level: "national" }) },
        { op: "setTarget", target: target({ level: "province", org: "13" }) },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "SCOPE_LEVEL"],
      [1, "SCOPE_LEVEL"],
    ]);
  });

  test("replacing a target of the same scope marks it overridden", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setTarget", target: target({ level: "district", org: "13.74" }, 85) }], { district: "13.74" }));
    expect(r.problems).toEqual([]);
    const key = "spm_01|2025|district|13.74";
    expect(r.origins.targets.get(key)).toBe("overridden");
    expect(r.package.targets.filter((t) => targetKey(t) === key).map((t) => t.value)).toEqual([85]);
  });

  test("unknown indicator, bad values and bad profiles are refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "setTarget", target: target({ level: "district", org: "13.73" }, 90, "tidak_ada") },
        { op: "setTarget", target: target({ level: "district", org: "13.73" }, -1) },
        { op: "setTarget", target: { ...(target({ level: "district", org: "13.73" }) as object), profile: { type: "quarterly", values: [1, 2] } } as never },
        { op: "setTarget", target: { ...(target({ level: "district", org: "13.73" }) as object), year: 25 } as never },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "INDICATOR_NOT_FOUND"],
      [1, "BAD_TARGET"],
      [2, "BAD_TARGET"],
      [3, "BAD_TARGET"],
    ]);
  });
});

describe("applyOverlay: setBands", () => {
  test("bands of a national indicator are overridden, key unchanged", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "setBands", indicator: "spm_01", bands: { green: 90, yellow: 70 } }]));
    expect(r.package.indicators.find((i) => i.key === "spm_01")!.bands).toEqual({ green: 90, yellow: 70 });
    expect(r.origins.indicators.get("spm_01")).toBe("overridden");
  });

  test("yellow above green, negative or unknown indicator are refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "setBands", indicator: "spm_01", bands: { green: 70, yellow: 90 } },
        { op: "setBands", indicator: "spm_01", bands: { green: 70, yellow: -1 } },
        { op: "setBands", indicator: "tidak_ada", bands: { green: 90, yellow: 70 } },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "BAD_BANDS"],
      [1, "BAD_BANDS"],
      [2, "INDICATOR_NOT_FOUND"],
    ]);
  });
});

describe("applyOverlay: hideField", () => {
  test("an optional field is removed from the effective form", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "hideField", form: "spm_bulanan", field: "catatan" }]));
    expect(r.problems).toEqual([]);
    expect(fieldKeys(r.package, "spm_bulanan")).not.toContain("catatan");
    expect(r.hidden).toEqual([{ form: "spm_bulanan", field: "catatan" }]);
    expect(r.origins.fields.has("catatan")).toBe(false);
  });

  test("a field that is not optional is refused", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "hideField", form: "spm_bulanan", field: "bumil_k6" }]));
    expect(codes(r)).toEqual([[0, "FIELD_NOT_OPTIONAL"]]);
    expect(r.problems[0].message).toContain("opsional");
  });

  test("an optional field used by an indicator, a rule or another field is refused", () => {
    const pkg = fixturePackage();
    const fields = pkg.forms[0].sections[0].fields;
    for (const f of fields) if (["stok_vaksin", "bumil_k6", "suhu_max"].includes(f.key)) f.optional = true;
    fields.push({
      key: "suhu_catatan",
      type: "text",
      label: { id: "Catatan suhu" },
      showIf: { match: "all", clauses: [{ field: "antrian_avg", op: "filled" }] },
    });
    const antrian = fields.find((f) => f.key === "antrian_avg")!;
    antrian.optional = true;
    pkg.indicators = pkg.indicators.filter((i) => i.key !== "antrian");
    const r = applyOverlay(
      pkg,
      overlay([
        { op: "hideField", form: "spm_bulanan", field: "stok_vaksin" },
        { op: "hideField", form: "spm_bulanan", field: "bumil_k6" },
        { op: "hideField", form: "spm_bulanan", field: "antrian_avg" },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "FIELD_IN_USE"],
      [1, "FIELD_IN_USE"],
      [2, "FIELD_IN_USE"],
    ]);
  });

  test("unknown field, field of another form and unknown form are refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "hideField", form: "spm_bulanan", field: "tidak_ada" },
        { op: "hideField", form: "sasaran_tahunan", field: "catatan" },
        { op: "hideField", form: "tidak_ada", field: "catatan" },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "FIELD_NOT_FOUND"],
      [1, "FIELD_NOT_FOUND"],
      [2, "FORM_NOT_FOUND"],
    ]);
  });

  test("hiding the only field of a section drops the section; the last field of a form is kept", () => {
    const pkg = fixturePackage();
    pkg.forms[1].sections.push({ key: "lain", title: { id: "Lain" }, fields: [{ key: "opsi", type: "integer", label: { id: "Opsi" }, optional: true }] });
    const r = applyOverlay(pkg, overlay([{ op: "hideField", form: "sasaran_tahunan", field: "opsi" }]));
    expect(r.package.forms[1].sections.map((s) => s.key)).toEqual(["sasaran"]);
    const solo = fixturePackage();
    solo.forms[1].sections[0].fields = [{ key: "opsi", type: "integer", label: { id: "Opsi" }, optional: true }];
    expect(codes(applyOverlay(solo, overlay([{ op: "hideField", form: "sasaran_tahunan", field: "opsi" }])))).toEqual([[0, "LAST_FIELD"]]);
  });
});

describe("applyOverlay: addField", () => {
  test("inserted after the named field, marked local", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([{ op: "addField", form: "spm_bulanan", section: "ibu", after: "bumil_k6", field: localField("lokal_kader") }]),
    );
    expect(r.problems).toEqual([]);
    expect(fieldKeys(r.package, "spm_bulanan").slice(0, 2)).toEqual(["bumil_k6", "lokal_kader"]);
    expect(r.origins.fields.get("lokal_kader")).toBe("local");
  });

  test("appended at the end of the section without `after`", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_kader") }]));
    expect(fieldKeys(r.package, "spm_bulanan").at(-1)).toBe("lokal_kader");
  });

  test("keys must start with lokal_ and be valid keys", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("kader") },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("Lokal_X") },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("__proto__") },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("constructor") },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "NOT_LOCAL_KEY"],
      [1, "BAD_KEY"],
      [2, "BAD_KEY"],
      [3, "BAD_KEY"],
    ]);
    expect(r.problems[0].message).toContain("lokal_");
  });

  test("a key already used anywhere in the package is refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_x") },
        { op: "addField", form: "sasaran_tahunan", section: "sasaran", field: localField("lokal_x") },
      ]),
    );
    expect(codes(r)).toEqual([[1, "KEY_EXISTS"]]);
  });

  test("form, section and `after` must exist", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "tidak_ada", section: "ibu", field: localField("lokal_a") },
        { op: "addField", form: "spm_bulanan", section: "tidak_ada", field: localField("lokal_b") },
        { op: "addField", form: "spm_bulanan", section: "ibu", after: "sasaran_bumil", field: localField("lokal_c") },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "FORM_NOT_FOUND"],
      [1, "SECTION_NOT_FOUND"],
      [2, "AFTER_NOT_FOUND"],
    ]);
  });

  test("a calculated local field is checked against its own form", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_ok", { calculate: "bumil_k6 * 2" }) },
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_bad", { calculate: "sasaran_bumil * 2" }) },
      ]),
    );
    expect(codes(r)).toEqual([[1, "BAD_FORMULA"]]);
  });
});

describe("applyOverlay: addIndicator and addRule", () => {
  const localIndicator = {
    key: "lokal_kader_rate",
    name: { id: "Kader lokal" },
    group: "ilp",
    numerator: "lokal_kader",
    denominator: "jumlah_posyandu",
    factor: 100,
    source: "lokal",
  };

  test("a local indicator over a local field is usable by the scorecard", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_kader") },
        { op: "addIndicator", indicator: localIndicator },
      ]),
    );
    expect(r.problems).toEqual([]);
    expect(r.origins.indicators.get("lokal_kader_rate")).toBe("local");
    const sc = computeScorecard(
      r.package,
      { period: "2025-01", rows: [rowRef("P1")], indicators: ["lokal_kader_rate", "spm_01"], trend: false },
      {
        facts: [
          {
            row: "P1",
            window: "current",
            totals: { lokal_kader: 5, jumlah_posyandu: 10 },
            reported: { spm_bulanan: 1, sasaran_tahunan: 1 },
            expected: { spm_bulanan: 1, sasaran_tahunan: 1 },
          },
        ],
      },
    );
    expect(sc.rows[0].cells[0]).toMatchObject({ indicator: "lokal_kader_rate", value: 50, state: "notarget" });
  });

  test("national keys are kept; local keys need the prefix and no collision", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addIndicator", indicator: { ...localIndicator, key: "spm_13" } },
        { op: "addIndicator", indicator: { ...localIndicator, key: "lokal_a", numerator: "bumil_k6" } },
        { op: "addIndicator", indicator: { ...localIndicator, key: "lokal_a", numerator: "bumil_k6" } },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "NOT_LOCAL_KEY"],
      [2, "KEY_EXISTS"],
    ]);
    expect(r.package.indicators.slice(0, 8).map((i) => i.key)).toEqual(fixturePackage().indicators.map((i) => i.key));
  });

  test("a local indicator formula with an unknown field is refused", () => {
    const r = applyOverlay(fixturePackage(), overlay([{ op: "addIndicator", indicator: localIndicator }]));
    expect(codes(r)).toEqual([[0, "BAD_FORMULA"]]);
    expect(r.problems[0].message).toContain("lokal_kader");
  });

  test("a local rule sees its form and the yearly forms only", () => {
    const rule = (key: string, left: string, form = "spm_bulanan") =>
      ({ op: "addRule", rule: { key, form, left, op: "<=", right: "sasaran_bumil", severity: "warning", message: { id: "Periksa" } } }) as OverlayOperation;
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        rule("lokal_ok", "bumil_k6"),
        rule("lokal_bad", "posyandu_ilp"),
        rule("k6_lokal", "bumil_k6"),
        rule("lokal_x", "bumil_k6", "tidak_ada"),
        rule("lokal_ok", "bumil_k6"),
      ]),
    );
    expect(codes(r)).toEqual([
      [1, "BAD_FORMULA"],
      [2, "NOT_LOCAL_KEY"],
      [3, "FORM_NOT_FOUND"],
      [4, "KEY_EXISTS"],
    ]);
    expect(r.origins.rules.get("lokal_ok")).toBe("local");
  });
});

describe("applyOverlay: relabel", () => {
  test("field, section, form and indicator labels are overridden", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "relabel", field: "bumil_k6", label: { id: "Ibu hamil K6 (Sawahlunto)" } },
        { op: "relabel", form: "spm_bulanan", section: "ibu", label: { id: "Kesehatan ibu" } },
        { op: "relabel", form: "spm_bulanan", label: { id: "Laporan SPM" } },
        { op: "relabel", indicator: "spm_01", label: { id: "Capaian bumil" } },
      ]),
    );
    expect(r.problems).toEqual([]);
    const form = r.package.forms[0];
    expect(form.title.id).toBe("Laporan SPM");
    expect(form.sections[0].title.id).toBe("Kesehatan ibu");
    expect(form.sections[0].fields[0].label.id).toBe("Ibu hamil K6 (Sawahlunto)");
    expect(r.package.indicators[0]).toMatchObject({ key: "spm_01", name: { id: "Capaian bumil" } });
    expect([
      r.origins.fields.get("bumil_k6"),
      r.origins.sections.get("spm_bulanan/ibu"),
      r.origins.forms.get("spm_bulanan"),
      r.origins.indicators.get("spm_01"),
    ]).toEqual(["overridden", "overridden", "overridden", "overridden"]);
  });

  test("relabelling a local element keeps it local", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "addField", form: "spm_bulanan", section: "ibu", field: localField("lokal_kader") },
        { op: "relabel", field: "lokal_kader", label: { id: "Kader aktif" } },
      ]),
    );
    expect(r.origins.fields.get("lokal_kader")).toBe("local");
  });

  test("ambiguous, empty or dangling relabels are refused", () => {
    const r = applyOverlay(
      fixturePackage(),
      overlay([
        { op: "relabel", field: "bumil_k6", indicator: "spm_01", label: { id: "X" } },
        { op: "relabel", section: "ibu", label: { id: "X" } },
        { op: "relabel", label: { id: "X" } },
        { op: "relabel", field: "bumil_k6", label: { id: "  " } },
        { op: "relabel", field: "bumil_k6", form: "sasaran_tahunan", label: { id: "X" } },
        { op: "relabel", indicator: "tidak_ada", label: { id: "X" } },
      ]),
    );
    expect(codes(r)).toEqual([
      [0, "RELABEL_TARGET"],
      [1, "RELABEL_TARGET"],
      [2, "RELABEL_TARGET"],
      [3, "BAD_LABEL"],
      [4, "FIELD_NOT_FOUND"],
      [5, "INDICATOR_NOT_FOUND"],
    ]);
  });
});

describe("applyOverlay: prototype pollution", () => {
  test("documents parsed from JSON with __proto__ / constructor keys pollute nothing", () => {
    const ov = JSON.parse(`{
      "package": "ilp-uji", "baseVersion": 1, "district": "13.73", "title": {"id": "x"}, "version": 1,
      "operations": [
        {"op": "setBands", "indicator": "__proto__", "bands": {"green": 1, "yellow": 0}},
        {"op": "setBands", "indicator": "constructor", "bands": {"green": 1, "yellow": 0}},
        {"op": "relabel", "field": "__proto__", "label": {"id": "x"}},
        {"op": "relabel", "form": "constructor", "label": {"id": "x"}},
        {"op": "hideField", "form": "spm_bulanan", "field": "__proto__"},
        {"op": "addField", "form": "spm_bulanan", "section": "ibu", "field": {"key": "__proto__", "type": "integer", "label": {"id": "x"}, "__proto__": {"polluted": true}}},
        {"op": "setTarget", "target": {"indicator": "spm_01", "year": 2025, "scope": {"level": "district", "org": "13.73"}, "value": 1, "__proto__": {"polluted": true}}},
        {"op": "__proto__"}
      ]
    }`);
    const r = applyOverlay(fixturePackage(), ov);
    expect(codes(r)).toEqual([
      [0, "INDICATOR_NOT_FOUND"],
      [1, "INDICATOR_NOT_FOUND"],
      [2, "FIELD_NOT_FOUND"],
      [3, "FORM_NOT_FOUND"],
      [4, "FIELD_NOT_FOUND"],
      [5, "BAD_KEY"],
      [7, "UNKNOWN_OP"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(r.origins.indicators.has("__proto__")).toBe(false);
    const t = r.package.targets.at(-1) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
  });
});

describe("rebaseOverlay", () => {
  function v2(mutate: (pkg: TemplatePackage) => void): TemplatePackage {
    const pkg = fixturePackage();
    pkg.version = 2;
    mutate(pkg);
    return pkg;
  }

  const ops: OverlayOperation[] = [
    { op: "hideField", form: "spm_bulanan", field: "catatan" },
    { op: "setBands", indicator: "antrian", bands: { green: 90, yellow: 70 } },
    { op: "addField", form: "spm_bulanan", section: "ibu", after: "stok_vaksin", field: localField("lokal_kader") },
    {
      op: "addIndicator",
      indicator: { key: "lokal_rasio", name: { id: "Rasio" }, group: "ilp", numerator: "lokal_kader", denominator: "suhu_max", source: "lokal" },
    },
    { op: "relabel", field: "bumil_k6", label: { id: "K6" } },
    { op: "setTarget", target: target({ level: "district", org: "13.73" }) },
  ];

  test("nothing changed: every operation still applies, base version moves", () => {
    const oldBase = fixturePackage();
    const r = rebaseOverlay(
      overlay(ops),
      oldBase,
      v2(() => {}),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.applied).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.overlay.baseVersion).toBe(2);
    expect(r.overlay.operations).toEqual(ops);
  });

  test("a hidden field removed nationally", () => {
    const r = rebaseOverlay(
      overlay(ops),
      fixturePackage(),
      v2((p) => (p.forms[0].sections[0].fields = p.forms[0].sections[0].fields.filter((f) => f.key !== "catatan") as never)),
    );
    expect(r.conflicts.map((c) => [c.op, c.code])).toEqual([[0, "FIELD_NOT_FOUND"]]);
    expect(r.conflicts[0].reason).toContain("dihapus pada versi nasional 2");
    expect(r.overlay.operations).toHaveLength(5);
  });

  test("a hidden field that is no longer optional", () => {
    const r = rebaseOverlay(
      overlay(ops),
      fixturePackage(),
      v2((p) => (p.forms[0].sections[0].fields.find((f) => f.key === "catatan")!.optional = false)),
    );
    expect(r.conflicts.map((c) => [c.op, c.code])).toEqual([[0, "FIELD_NOT_OPTIONAL"]]);
    expect(r.conflicts[0].reason).toContain("tidak lagi opsional");
  });

  test("an indicator removed nationally", () => {
    const r = rebaseOverlay(
      overlay(ops),
      fixturePackage(),
      v2((p) => (p.indicators = p.indicators.filter((i) => i.key !== "antrian"))),
    );
    expect(r.conflicts.map((c) => [c.op, c.code])).toEqual([[1, "INDICATOR_NOT_FOUND"]]);
    expect(r.conflicts[0].reason).toContain('Indikator "antrian" dihapus pada versi nasional 2');
  });

  test("a local key that the new national version now uses; dependent operations conflict too", () => {
    const r = rebaseOverlay(
      overlay(ops),
      fixturePackage(),
      v2((p) => p.forms[1].sections[0].fields.push({ key: "lokal_kader", type: "integer", label: { id: "x" } })),
    );
    expect(r.conflicts.map((c) => [c.op, c.code])).toEqual([[2, "KEY_EXISTS"]]);
    expect(r.conflicts[0].reason).toContain('menambahkan isian dengan kode "lokal_kader"');
  });

  test("a field a local indicator reads was removed, and the insertion point is gone", () => {
    const r = rebaseOverlay(
      overlay(ops),
      fixturePackage(),
      v2((p) => {
        p.forms[0].sections[0].fields = p.forms[0].sections[0].fields.filter((f) => f.key !== "suhu_max" && f.key !== "stok_vaksin") as never;
        p.indicators = p.indicators.filter((i) => i.key !== "suhu_rentang" && i.key !== "stok");
      }),
    );
    expect(r.conflicts.map((c) => [c.op, c.code])).toEqual([
      [2, "AFTER_NOT_FOUND"],
      [3, "BAD_FORMULA"],
    ]);
    expect(r.conflicts[1].reason).toContain("tidak berlaku lagi pada versi nasional 2");
  });

  test("the input overlay is left untouched and conflicts carry the operation", () => {
    const ov = overlay(ops);
    const before = JSON.stringify(ov);
    const r = rebaseOverlay(
      ov,
      fixturePackage(),
      v2((p) => (p.indicators = p.indicators.filter((i) => i.key !== "antrian"))),
    );
    expect(JSON.stringify(ov)).toBe(before);
    expect(r.conflicts[0].operation).toEqual(ops[1]);
    expect(r.conflicts[0].operation).not.toBe(ops[1]);
  });
});
