/**
 * Every period message and every scorecard request message exists in Bahasa Indonesia and
 * English and is produced by some input, as tests/engine/overlay-messages.test.ts does for
 * overlays: the error carries its code and params, and its `message` is the Indonesian rendering.
 */
import { describe, expect, test } from "vitest";
import { PeriodError, parsePeriod, tryParsePeriod } from "@engine/period";
import { PERIOD_MESSAGE_CODES, periodMessage, type PeriodMessageCode } from "@engine/period-messages";
import { planScorecard, ScorecardRequestError } from "@engine/scorecard";
import { SCORECARD_MESSAGE_CODES, scorecardMessage, type ScorecardMessageCode } from "@engine/scorecard/scorecard-messages";
import { fixturePackage, rowRef, runPipeline } from "./helpers";

/** Text a message must never contain: an unfilled template or a value that was never there. */
const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;
const INDONESIAN = /\b(tidak|harus|periode|bulan|triwulan|tahun|baris|indikator|paket|kosong|Gunakan)\b/i;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

/** Reads completely in both languages, the two differ, and English has no Indonesian of its own. */
function expectBothLanguages(id: string, en: string, params: Readonly<Record<string, string | number>>, label: string) {
  expect(id, label).not.toMatch(LEFTOVER);
  expect(en, label).not.toMatch(LEFTOVER);
  expect(id.length, label).toBeGreaterThan(20);
  expect(en.length, label).toBeGreaterThan(20);
  expect(en, label).not.toBe(id);
  let bare = en;
  for (const v of Object.values(params).map(String)) bare = bare.split(v).join("");
  expect(bare, label).not.toMatch(INDONESIAN);
}

describe("period messages", () => {
  const inputs: Record<PeriodMessageCode, string> = {
    PERIOD_EMPTY: "",
    PERIOD_YEAR_RANGE: "0999",
    PERIOD_MONTH: "2025-13",
    PERIOD_QUARTER: "2025-Q5",
    PERIOD_UNRECOGNISED: "2025-3",
  };

  test("every code is produced by some input, with its Indonesian rendering as the message", () => {
    expect(Object.keys(inputs).sort()).toEqual([...PERIOD_MESSAGE_CODES].sort());
    for (const [code, input] of Object.entries(inputs) as Array<[PeriodMessageCode, string]>) {
      const e = caught(() => parsePeriod(input));
      expect(e, code).toBeInstanceOf(PeriodError);
      const err = e as PeriodError;
      expect(err.messageCode).toBe(code);
      expect(err.message).toBe(periodMessage(code, err.params, "id"));
      expect(tryParsePeriod(input)).toEqual({ ok: false, error: err.message, messageCode: code, params: err.params });
      expectBothLanguages(periodMessage(code, err.params, "id"), periodMessage(code, err.params, "en"), err.params, code);
    }
  });

  test("the Indonesian wording is the engine's own", () => {
    expect(caught(() => parsePeriod("2025-13"))).toHaveProperty("message", 'Bulan 13 pada periode "2025-13" tidak ada; bulan harus 01 sampai 12.');
    expect(periodMessage("PERIOD_MONTH", { month: "13", period: "2025-13" }, "en")).toBe(
      'There is no month 13 in period "2025-13"; the month must be 01 to 12.',
    );
  });
});

describe("scorecard request messages", () => {
  const pkg = fixturePackage();
  const { explain } = runPipeline(pkg, { period: "2025-03", rows: [rowRef("P1")], total: rowRef("13.73") }, []);
  const provoke: Record<ScorecardMessageCode, () => unknown> = {
    INDICATOR_NOT_IN_PACKAGE: () => planScorecard(pkg, { period: "2025-01", rows: [], indicators: ["tidak_ada"] }),
    INDICATOR_NOT_IN_SCORECARD: () => explain("P1", "tidak_ada"),
    ROW_NOT_IN_SCORECARD: () => explain("P9", "spm_01"),
  };

  test("every code is produced by some request, with its Indonesian rendering as the message", () => {
    expect(Object.keys(provoke).sort()).toEqual([...SCORECARD_MESSAGE_CODES].sort());
    for (const [code, fn] of Object.entries(provoke) as Array<[ScorecardMessageCode, () => unknown]>) {
      const e = caught(fn);
      expect(e, code).toBeInstanceOf(ScorecardRequestError);
      const err = e as ScorecardRequestError;
      expect(err.messageCode).toBe(code);
      expect(err.message).toBe(scorecardMessage(code, err.params, "id"));
      expectBothLanguages(scorecardMessage(code, err.params, "id"), scorecardMessage(code, err.params, "en"), err.params, code);
    }
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(scorecardMessage("ROW_NOT_IN_SCORECARD", { row: "x" }, "fr" as never)).toBe(scorecardMessage("ROW_NOT_IN_SCORECARD", { row: "x" }, "id"));
    expect(periodMessage("PERIOD_EMPTY", {}, "fr" as never)).toBe(periodMessage("PERIOD_EMPTY", {}, "id"));
  });
});
