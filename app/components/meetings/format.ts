/** Shown forms of a meeting's dates, periods and movements (browser-safe). */
import { tryParsePeriod } from "@engine";
import { formatNumber, periodName } from "~/contracts/scorecard";
import type { Locale, MessageKey } from "~/i18n/catalog";

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** "2026-12-10" → "10 Desember 2026" (the scorecard's month names in the reader's language). */
export function meetingDate(iso: string, t: Translate): string {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  if (!y || !m || !d) return iso;
  return `${d} ${t(`scorecards.month.${m}` as MessageKey)} ${y}`;
}

/** A period as words ("November 2026"), or as stored when it cannot be read. */
export function meetingPeriod(period: string, t: Translate): string {
  return tryParsePeriod(period).ok ? periodName(period, t) : period;
}

export interface MovementInput {
  movement: "up" | "down" | "same" | "nodata" | "none";
  baselineValue: number | null;
  nowValue: number | null;
  change: number | null;
  verdict?: "better" | "worse" | null;
}

/** How an action's indicator moved, in words: "72,0 → 76,2 (naik 4,2 poin)"; no data said as such. */
export function movementText(row: MovementInput, t: Translate, locale: Locale): string {
  const n = (x: number | null) => formatNumber(x, 1, locale);
  if (row.movement === "none") return t("meetings.followup.meetingWide");
  if (row.baselineValue === null && row.nowValue === null) return t("meetings.followup.noData");
  if (row.baselineValue === null) return t("meetings.followup.noBaseline", { to: n(row.nowValue) });
  if (row.nowValue === null) return t("meetings.followup.noNow", { from: n(row.baselineValue) });
  const vars = { from: n(row.baselineValue), to: n(row.nowValue), delta: n(Math.abs(row.change ?? 0)) };
  const better = row.verdict !== "worse";
  if (row.movement === "up") return t(better ? "meetings.followup.up" : "meetings.followup.upWorse", vars);
  if (row.movement === "down") return t(better ? "meetings.followup.downBetter" : "meetings.followup.down", vars);
  return t("meetings.followup.same", vars);
}
