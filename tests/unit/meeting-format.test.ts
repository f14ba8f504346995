/** How a meeting page says dates, periods and an indicator's movement since an action was agreed, in both languages. */
import { describe, expect, it } from "vitest";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { meetingDate, meetingPeriod, movementText } from "~/components/meetings/format";

const tFor = (locale: Locale) => (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
const id = tFor("id");
const en = tFor("en");

describe("meeting texts", () => {
  it("names dates and periods in words, and leaves what it cannot read as stored", () => {
    expect(meetingDate("2026-12-10", id)).toBe("10 Desember 2026");
    expect(meetingDate("2026-12-10T08:00:00.000Z", en)).toBe("10 December 2026");
    expect(meetingPeriod("2026-11", id)).toBe("November 2026");
    expect(meetingPeriod("not-a-period", id)).toBe("not-a-period");
  });

  it("says up, down and unchanged in words with the difference in points, and whether that is better", () => {
    expect(movementText({ movement: "up", baselineValue: 72, nowValue: 76.2, change: 4.2, verdict: "better" }, id, "id")).toBe(
      "72,0 → 76,2 (naik 4,2 poin, membaik)",
    );
    expect(movementText({ movement: "down", baselineValue: 80, nowValue: 1234.5, change: -2.5, verdict: "worse" }, en, "en")).toBe(
      "80.0 → 1,234.5 (down 2.5 points, worse)",
    );
    // Lower is better (e.g. a share of stunting): a fall is an improvement, a rise is not.
    expect(movementText({ movement: "down", baselineValue: 30, nowValue: 25, change: -5, verdict: "better" }, id, "id")).toBe(
      "30,0 → 25,0 (turun 5,0 poin, membaik: indikator ini makin rendah makin baik)",
    );
    expect(movementText({ movement: "up", baselineValue: 25, nowValue: 30, change: 5, verdict: "worse" }, en, "en")).toBe(
      "25.0 → 30.0 (up 5.0 points, worse: lower is better for this indicator)",
    );
    expect(movementText({ movement: "same", baselineValue: 50, nowValue: 50.01, change: 0.01 }, id, "id")).toBe("50,0 → 50,0 (tetap)");
  });

  it("says honestly when there is no value to compare", () => {
    expect(movementText({ movement: "nodata", baselineValue: 40, nowValue: null, change: null }, id, "id")).toBe("40,0 → belum ada data periode ini");
    expect(movementText({ movement: "nodata", baselineValue: null, nowValue: 12, change: null }, id, "id")).toBe("nilai awal tidak tercatat; sekarang 12,0");
    expect(movementText({ movement: "nodata", baselineValue: null, nowValue: null, change: null }, en, "en")).toBe("no data yet");
    expect(movementText({ movement: "none", baselineValue: null, nowValue: null, change: null }, id, "id")).toBe("Tindak lanjut rapat (bukan sel indikator)");
  });
});
