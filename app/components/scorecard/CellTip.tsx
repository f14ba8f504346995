import { useEffect, useRef, useState, type MutableRefObject } from "react";
import { useFetcher } from "@remix-run/react";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { explainSearchBase, STATE_KEYS, STATE_SYMBOLS, TREND_ARROWS, type CellState, type ScorecardSelection, type ScorecardView } from "~/contracts/scorecard";
import type { ExplainView } from "~/contracts/scorecard-explain";

/** What the table's delegated handler tells the tooltip: show it for a cell's button (null: hide), or hide it. */
export interface TipControl {
  show(button: HTMLButtonElement | null): void;
  hide(): void;
}

/** The explain page's loader data, as far as the tooltip reads it. */
interface ExplainData {
  view: Pick<ExplainView, "summary" | "trend"> | null;
  error: string | null;
}

/**
 * The explain page of the cell a button names (`<row code>.<column index>`), with the page's
 * selection; null for a value that names no column.
 */
export function explainHref(sel: ScorecardSelection, columns: ReadonlyArray<{ key: string }>, cellValue: string): string | null {
  const at = cellValue.lastIndexOf(".");
  const column = columns[Number(cellValue.slice(at + 1))];
  if (at <= 0 || !column) return null;
  const q = new URLSearchParams({ row: cellValue.slice(0, at), indicator: column.key });
  return `/scorecards/explain${explainSearchBase(sel)}${q}`;
}

const TIP_ID = "sc-tip";
const STATE_OF: Record<string, CellState> = { g: "green", y: "yellow", r: "red", n: "nodata", i: "incomplete", t: "notarget" };
const VERDICT_OF: Record<string, "better" | "worse" | "same"> = { b: "better", w: "worse", s: "same" };
const ARROW_OF: Record<string, keyof typeof TREND_ARROWS> = { u: "up", d: "down", f: "flat" };
/** Wait this long on a cell before asking the server for its explanation (moving the mouse across the table asks nothing). */
const FETCH_DELAY_MS = 300;

interface Shown {
  button: HTMLButtonElement;
  href: string;
  indicator: string;
  row: string;
  value: string;
  state: CellState;
  trend: { arrow: keyof typeof TREND_ARROWS; verdict: "better" | "worse" | "same" } | null;
  completeness: string | null;
  top: number;
  left: number;
}

/** The unit a cell belongs to: its row header, or in the transposed table its column header. */
function unitName(button: HTMLButtonElement): string {
  const td = button.closest("td");
  const tr = td?.parentElement as HTMLTableRowElement | null;
  const table = button.closest("table");
  const th = table?.dataset.transposed ? table.tHead?.rows[0]?.cells[td?.cellIndex ?? -1] : tr?.querySelector("th[scope=row]");
  if (!th) return "";
  const name = th.querySelector("a, strong");
  return (name?.textContent ?? th.firstChild?.textContent ?? "").trim();
}

function read(button: HTMLButtonElement, sel: ScorecardSelection, view: ScorecardView, href: string): Shown {
  const classes = (button.closest("td")?.className ?? "").split(" ");
  const trendClass = classes.find((c) => c.length === 2 && c[0] in ARROW_OF && c[1] in VERDICT_OF);
  const key = view.columns[Number(button.value.slice(button.value.lastIndexOf(".") + 1))]?.key ?? "";
  const rect = button.getBoundingClientRect();
  return {
    button,
    href,
    indicator: view.columns.find((c) => c.key === key)?.name ?? key,
    row: unitName(button),
    value: button.firstChild?.textContent ?? "",
    state: STATE_OF[classes[0]] ?? "nodata",
    trend: trendClass ? { arrow: ARROW_OF[trendClass[0]], verdict: VERDICT_OF[trendClass[1]] } : null,
    completeness: button.querySelector("small")?.textContent?.replace("%", "") ?? null,
    top: rect.bottom + 4,
    left: Math.max(4, Math.min(rect.left, window.innerWidth - 340)),
  };
}

/**
 * The scorecard cell's tooltip, on demand: what the cell's classes say (indicator, unit, band,
 * trend, completeness) at once, then the explain page's summary for that cell, fetched through
 * its own loader (same checks as the page) after a short pause on the cell and kept per cell.
 * The focused or hovered cell's button is described by it (aria-describedby); Escape hides it.
 */
export function CellTip({ control, view, sel }: { control: MutableRefObject<TipControl | null>; view: ScorecardView; sel: ScorecardSelection }) {
  const t = useT();
  const [shown, setShown] = useState<Shown | null>(null);
  const fetcher = useFetcher<ExplainData>();
  const loaded = useRef(new Map<string, ExplainData>());
  const asked = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const current = useRef<HTMLButtonElement | null>(null);

  useEffect(() => {
    const clear = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      current.current?.removeAttribute("aria-describedby");
      current.current = null;
    };
    control.current = {
      show(button) {
        if (button === current.current) return;
        clear();
        const href = button ? explainHref(sel, view.columns, button.value) : null;
        if (!button || !href) return setShown(null);
        current.current = button;
        button.setAttribute("aria-describedby", TIP_ID);
        setShown(read(button, sel, view, href));
        if (!loaded.current.has(href))
          timer.current = setTimeout(() => {
            asked.current = href;
            fetcher.load(href);
          }, FETCH_DELAY_MS);
      },
      hide() {
        clear();
        setShown(null);
      },
    };
    // A cell focused before the page was hydrated (the handlers were not there yet) gets its tooltip now.
    const active = document.activeElement;
    if (active instanceof HTMLButtonElement && active.name === "c" && active.closest("table.sc-t")) control.current.show(active);
    return () => {
      clear();
      control.current = null;
    };
  }, [control, sel, view]); // eslint-disable-line react-hooks/exhaustive-deps -- fetcher.load is stable, the fetcher object is not

  if (fetcher.state === "idle" && fetcher.data && asked.current && !loaded.current.has(asked.current)) loaded.current.set(asked.current, fetcher.data);
  if (!shown) return null;
  const details = loaded.current.get(shown.href);
  const trendWords = shown.trend ? `${TREND_ARROWS[shown.trend.arrow]} ${t(`scorecards.trend.${shown.trend.verdict}` as MessageKey)}` : null;
  const achievements = details?.view?.trend?.byAchievement;
  return (
    <div id={TIP_ID} role="tooltip" className="sc-tip" style={{ top: shown.top, left: shown.left }}>
      <strong>{t("scorecards.explainCell", { indicator: shown.indicator, row: shown.row })}</strong>
      <span>
        {shown.value} · <span aria-hidden="true">{STATE_SYMBOLS[shown.state]}</span> {t(STATE_KEYS[shown.state])}
      </span>
      {trendWords ? <span>{achievements ? `${trendWords} ${t("scorecards.trend.achievements", achievements)}` : trendWords}</span> : null}
      {shown.completeness ? <span>{t("scorecards.completeness", { pct: shown.completeness })}</span> : null}
      {details ? (
        <span className="sc-tip-summary">{details.view?.summary ?? details.error ?? t("scorecardPage.tip.failed")}</span>
      ) : (
        <span className="sc-tip-summary muted">{t("scorecardPage.tip.loading")}</span>
      )}
      <small>{t("scorecardPage.tip.open")}</small>
    </div>
  );
}
