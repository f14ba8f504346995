/**
 * The verifier's change flags (engine/change-flags.ts, docs/decisions/024-verifier-change-flags.md):
 * percentage change against the newest non-draft report, the history band, thresholds from the
 * defaults, the form and the field, and the messages in both languages.
 */
import { describe, expect, test } from "vitest";
import { CHANGE_CHECK_DEFAULTS, changeCheckFor, changeFlags, type PastReport } from "@engine/change-flags";
import { CHANGE_FLAG_CODES, changeFlagMessage } from "@engine/change-flag-messages";
import type { ChangeCheck, Form } from "@engine/documents";

function form(formCheck?: ChangeCheck, fieldCheck?: ChangeCheck): Form {
  return {
    key: "spm_bulanan",
    title: { id: "SPM bulanan", en: "Monthly SPM" },
    periodType: "month",
    source: "test",
    ...(formCheck ? { changeCheck: formCheck } : {}),
    sections: [
      {
        key: "s",
        title: { id: "Bagian" },
        fields: [
          { key: "layanan", type: "integer", label: { id: "Dilayani" }, ...(fieldCheck ? { changeCheck: fieldCheck } : {}) },
          { key: "desa", type: "integer", label: { id: "Jumlah desa" } },
          { key: "catatan", type: "text", label: { id: "Catatan" } },
        ],
      },
    ],
  };
}

const past = (values: Array<Record<string, unknown>>, status: PastReport["status"] = "approved"): PastReport[] =>
  values.map((data, i) => ({ period: `2025-${String(12 - i).padStart(2, "0")}`, status, data }));

describe("change flags", () => {
  test("SPM 286 → 12 and desa 7 → 12 are flagged against the previous report; small changes are not", () => {
    const r = changeFlags(form(), { layanan: 12, desa: 12, catatan: "x" }, past([{ layanan: 286, desa: 7 }]));
    expect(r.comparison?.period).toBe("2025-12");
    expect(r.flags.map((f) => [f.field, f.code])).toEqual([
      ["layanan", "CHANGE_PERCENT"],
      ["desa", "CHANGE_PERCENT"],
    ]);
    expect(r.flags[0].params).toMatchObject({ previous: 286, current: 12, percent: -95.8, threshold: 50, period: "2025-12" });
    expect(r.flaggedFields).toEqual(["layanan", "desa"]);
    // 100 → 140 is +40 % (under 50 %); 2 → 5 is +150 % but only 3 apart (not more than minChange).
    expect(changeFlags(form(), { layanan: 140, desa: 5 }, past([{ layanan: 100, desa: 2 }])).flags).toEqual([]);
  });

  test("a rise from zero beyond minChange is flagged; missing values are never flagged", () => {
    const r = changeFlags(form(), { layanan: 40, desa: 7 }, past([{ layanan: 0 }]));
    expect(r.flags.map((f) => f.code)).toEqual(["CHANGE_FROM_ZERO"]);
    expect(changeFlags(form(), {}, past([{ layanan: 286 }])).flags).toEqual([]);
    expect(changeFlags(form(), { layanan: 5 }, []).flags).toEqual([]);
    expect(changeFlags(form(), { layanan: 5 }, []).comparison).toBeNull();
  });

  test("the history band flags a jump against the unit's own last reports: median ± k·1.4826·MAD, never narrower than the thresholds", () => {
    // Previous report 160 (+0 %), but the history around 100 with a small spread: 160 is far outside.
    const history = past([{ layanan: 160 }, { layanan: 100 }, { layanan: 104 }, { layanan: 98 }, { layanan: 101 }, { layanan: 99 }, { layanan: 103 }]);
    const r = changeFlags(form(), { layanan: 160 }, history);
    expect(r.flags.map((f) => f.code)).toEqual(["CHANGE_HISTORY"]);
    // Median 101, MAD 2: 3.5 × 1.4826 × 2 ≈ 10.4 is narrower than 50 % of 101, so the band is 101 ± 50.5.
    expect(r.flags[0].params).toMatchObject({ current: 160, median: 101, count: 7, low: 50.5, high: 151.5 });
    expect(changeFlags(form(), { layanan: 150 }, history).flags).toEqual([]);
    // With a tighter percentage, the robust band itself decides: 101 ± 10.4.
    expect(changeFlags(form({ percent: 1 }), { layanan: 112 }, history).flags.map((f) => f.code)).toContain("CHANGE_HISTORY");
    expect(changeFlags(form({ percent: 1 }), { layanan: 111 }, history).flags.map((f) => f.code)).not.toContain("CHANGE_HISTORY");
    // A wide spread widens the band beyond the percentage.
    const spread = past([10, 200, 40, 160, 70, 130, 100].map((layanan) => ({ layanan })));
    expect(changeFlags(form({ percent: 1 }), { layanan: 290 }, spread).flags.map((f) => f.code)).not.toContain("CHANGE_HISTORY");
    // Fewer than 6 past values: no band.
    expect(changeFlags(form(), { layanan: 160 }, history.slice(0, 5)).flags).toEqual([]);
    // Returned reports do not make the band (their numbers were judged wrong).
    const returned = history.map((h, i) => (i > 0 ? { ...h, status: "returned" as const } : h));
    expect(changeFlags(form(), { layanan: 160 }, returned).flags).toEqual([]);
  });

  test("a slowly growing count stays inside its band", () => {
    const history = past([330, 327, 326, 324, 324, 322, 321, 320].map((desa) => ({ desa })));
    expect(changeFlags(form(), { desa: 333 }, history).flags).toEqual([]);
  });

  test("a steady history (MAD 0) still leaves minChange of room", () => {
    const history = past(Array.from({ length: 8 }, () => ({ desa: 7 })));
    expect(changeFlags(form(), { desa: 9 }, history).flags).toEqual([]);
    expect(changeFlags(form(), { desa: 12 }, history).flags.map((f) => f.code)).toEqual(["CHANGE_PERCENT", "CHANGE_HISTORY"]);
  });

  test("thresholds: defaults, then the form's, then the field's own; off silences", () => {
    expect(changeCheckFor(form(), {})).toEqual(CHANGE_CHECK_DEFAULTS);
    expect(changeCheckFor(form({ percent: 20 }), { changeCheck: { minChange: 0 } })).toEqual({ percent: 20, minChange: 0, bandWidth: 3.5, off: false });
    const prev = past([{ layanan: 100, desa: 10 }]);
    expect(changeFlags(form({ percent: 20 }), { layanan: 130, desa: 10 }, prev).flags.map((f) => f.field)).toEqual(["layanan"]);
    expect(changeFlags(form({ percent: 20 }, { percent: 40 }), { layanan: 130, desa: 10 }, prev).flags).toEqual([]);
    expect(changeFlags(form(undefined, { off: true }), { layanan: 12, desa: 10 }, past([{ layanan: 286, desa: 10 }])).flags).toEqual([]);
    expect(changeFlags(form({ off: true }), { layanan: 12, desa: 30 }, past([{ layanan: 286, desa: 10 }])).flags).toEqual([]);
  });

  test("the comparison is the newest non-draft report, whatever its status", () => {
    const r = changeFlags(form(), { layanan: 12 }, [{ period: "2025-11", status: "returned", data: { layanan: 286 } }]);
    expect(r.comparison).toMatchObject({ period: "2025-11", status: "returned" });
    expect(r.flags.map((f) => f.code)).toEqual(["CHANGE_PERCENT"]);
  });

  test("every message reads completely in both languages, numbers written the reader's way", () => {
    const params = {
      CHANGE_PERCENT: { previous: 1286, current: 12, percent: -99.1, threshold: 50, period: "2025-12" },
      CHANGE_FROM_ZERO: { current: 1500, period: "2025-12" },
      CHANGE_HISTORY: { current: 150, median: 101.5, low: 90.6, high: 112.4, count: 7 },
    };
    expect(Object.keys(params).sort()).toEqual([...CHANGE_FLAG_CODES].sort());
    for (const code of CHANGE_FLAG_CODES) {
      const id = changeFlagMessage(code, params[code], "id");
      const en = changeFlagMessage(code, params[code], "en");
      for (const text of [id, en]) expect(text).not.toMatch(/\{\w*\}|undefined|NaN|\[object Object\]/);
      expect(en).not.toBe(id);
      expect(en).not.toMatch(/\b(dari|menjadi|laporan|sampai)\b/);
    }
    expect(changeFlagMessage("CHANGE_PERCENT", params.CHANGE_PERCENT, "id")).toContain("dari 1.286 (2025-12) menjadi 12");
    expect(changeFlagMessage("CHANGE_PERCENT", params.CHANGE_PERCENT, "en")).toContain("from 1,286 (2025-12) to 12");
    expect(changeFlagMessage("CHANGE_HISTORY", params.CHANGE_HISTORY, "id")).toContain("90,6 sampai 112,4");
  });
});
