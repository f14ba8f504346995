/**
 * The projector view of a scorecard (docs/decisions/029-presentation-mode.md): every slide comes
 * with the page; changing slides is local state (arrow keys, PageUp/PageDown from a clicker,
 * space, Home/End), kept in the URL hash so a reload stays on the slide. "F" toggles full screen
 * on the presentation element, "E" loads the selected bar's explanation on demand, Esc closes it.
 */
import { Link, useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Presentation, PresentBar, PresentSlide } from "~/contracts/presentation";
import type { ExplainView } from "~/contracts/scorecard-explain";
import { formEncode, STATE_SYMBOLS } from "~/contracts/scorecard";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";

export interface PresenterProps {
  p: Presentation;
  /** 1-based slide to open at (from ?slide=); the URL hash wins after loading. */
  initialSlide: number;
  back: { href: string; label: string };
  /** Links to the other slide mode. */
  modeHref: { indicator: string; unit: string };
  /** The explanation resource's URL up to its row and indicator ("…?…&"), or null when the viewer may not read explanations. */
  explainBase: string | null;
  /** The full explain page's URL up to row and indicator, if any. */
  explainPageBase: string | null;
}

type ExplainData = { error: string | null; view: ExplainView | null; newActionHref?: string | null };

const HASH = /^#slide-(\d+)$/;

/** Keys that move between slides: a clicker sends PageDown/PageUp (some the arrows). */
const NEXT_KEYS = new Set(["ArrowRight", "PageDown", " ", "Spacebar"]);
const PREV_KEYS = new Set(["ArrowLeft", "PageUp"]);

export function Presenter({ p, initialSlide, back, modeHref, explainBase, explainPageBase }: PresenterProps) {
  const t = useT();
  const total = p.slides.length;
  const clamp = useCallback((i: number) => Math.max(0, Math.min(total - 1, i)), [total]);
  const [index, setIndex] = useState(() => clamp(initialSlide - 1));
  const [selected, setSelected] = useState<number | null>(null);
  const [explained, setExplained] = useState<PresentBar | null>(null);
  const [full, setFull] = useState(false);
  const [refused, setRefused] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const barRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const closeRef = useRef<HTMLButtonElement>(null);
  const fetcher = useFetcher<ExplainData>();
  const slide = p.slides[index];
  const bars = useMemo(() => (slide.kind === "overview" ? [] : slide.bars), [slide]);

  // The hash (a reload, a shared link) wins over ?slide=.
  useEffect(() => {
    const m = HASH.exec(window.location.hash);
    if (m) setIndex(clamp(Number(m[1]) - 1));
  }, [clamp]);

  useEffect(() => {
    const url = `${window.location.pathname}${window.location.search}#slide-${index + 1}`;
    window.history.replaceState(window.history.state, "", url);
    setSelected(null);
  }, [index]);

  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement === rootRef.current && rootRef.current !== null);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  const toggleFull = useCallback(async () => {
    const el = rootRef.current;
    if (!el) return;
    if (document.fullscreenElement) {
      await document.exitFullscreen().catch(() => undefined);
      return;
    }
    try {
      if (typeof el.requestFullscreen !== "function") throw new Error("no Fullscreen API");
      await el.requestFullscreen();
      setRefused(false);
    } catch {
      // Refused (a kiosk, an iframe, a browser setting): the presentation already fills the window.
      setRefused(true);
    }
  }, []);

  const openExplain = useCallback(
    (i: number | null) => {
      if (!explainBase || bars.length === 0) return;
      const at = i ?? selected ?? 0;
      const bar = bars[at];
      if (!bar) return;
      setSelected(at);
      setExplained(bar);
      fetcher.load(`${explainBase}row=${formEncode(bar.code)}&indicator=${formEncode(bar.indicator)}`);
    },
    [bars, selected, explainBase, fetcher],
  );

  const closeExplain = useCallback(() => {
    setExplained(null);
    const at = selected;
    if (at !== null) barRefs.current[at]?.focus();
    else rootRef.current?.focus();
  }, [selected]);

  useEffect(() => {
    if (explained) closeRef.current?.focus();
  }, [explained]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      if (explained) {
        if (e.key === "Escape") {
          e.preventDefault();
          closeExplain();
        }
        return;
      }
      const go = (i: number) => {
        e.preventDefault();
        setIndex(clamp(i));
      };
      if (NEXT_KEYS.has(e.key)) go(index + 1);
      else if (PREV_KEYS.has(e.key)) go(index - 1);
      else if (e.key === "Home") go(0);
      else if (e.key === "End") go(total - 1);
      else if (e.key === "f" || e.key === "F") {
        e.preventDefault();
        void toggleFull();
      } else if (e.key === "e" || e.key === "E") {
        e.preventDefault();
        openExplain(null);
      } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && bars.length > 0) {
        e.preventDefault();
        const from = selected ?? (e.key === "ArrowDown" ? -1 : bars.length);
        const next = Math.max(0, Math.min(bars.length - 1, from + (e.key === "ArrowDown" ? 1 : -1)));
        setSelected(next);
        barRefs.current[next]?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [index, total, clamp, explained, closeExplain, toggleFull, openExplain, bars.length, selected]);

  const subtitle = t("presentation.subtitle", { scope: p.scopeName, period: p.periodLabel, package: p.packageTitle });
  return (
    <div ref={rootRef} className={`present${full ? " is-full" : ""}`} tabIndex={-1} role="region" aria-label={t("presentation.region", { scope: p.scopeName })}>
      <div className="present-toolbar" role="toolbar" aria-label={t("presentation.toolbar")}>
        <Link to={back.href} className="present-back">
          ← {back.label}
        </Link>
        <span className="present-modes">
          <span className="present-modes-label">{t("presentation.mode")}:</span>{" "}
          <Link to={modeHref.indicator} aria-current={p.mode === "indicator" ? "page" : undefined}>
            {t("presentation.mode.indicator")}
          </Link>{" "}
          <Link to={modeHref.unit} aria-current={p.mode === "unit" ? "page" : undefined}>
            {t("presentation.mode.unit")}
          </Link>
        </span>
        <span className="present-spacer" />
        <button type="button" onClick={() => setIndex(clamp(index - 1))} disabled={index === 0}>
          ← {t("presentation.prev")}
        </button>
        <span className="present-counter" aria-live="polite" aria-label={t("presentation.counter", { n: index + 1, total })} data-testid="slide-counter">
          {index + 1} / {total}
        </span>
        <button type="button" onClick={() => setIndex(clamp(index + 1))} disabled={index === total - 1}>
          {t("presentation.next")} →
        </button>
        {explainBase && bars.length > 0 ? (
          <button type="button" onClick={() => openExplain(null)} title={t("presentation.explain.pick")}>
            {t("presentation.explain")}
          </button>
        ) : null}
        <button type="button" onClick={() => void toggleFull()} aria-pressed={full}>
          {full ? t("presentation.fullscreen.exit") : t("presentation.fullscreen")}
        </button>
      </div>
      <BarPatterns />
      {refused ? (
        <p className="present-refused" role="status">
          {t("presentation.fullscreen.refused")}
        </p>
      ) : null}
      <section className={`present-slide present-${slide.kind}`} aria-labelledby="present-title" data-slide={index + 1}>
        <header className="present-head">
          <h1 id="present-title" className="present-title">
            {slide.title}
          </h1>
          <p className="present-sub">
            {subtitle}
            {slide.pages > 1 ? (
              <>
                {" · "}
                <span className="present-page" aria-label={t("presentation.page", { page: slide.page, pages: slide.pages })}>
                  {slide.page}/{slide.pages}
                </span>
              </>
            ) : null}
          </p>
        </header>
        <SlideBody slide={slide} p={p} barRefs={barRefs} selected={selected} onSelect={setSelected} onExplain={explainBase ? openExplain : null} />
        <footer className="present-foot">{t("presentation.keys")}</footer>
      </section>
      {explained ? (
        <ExplainPanel
          bar={explained}
          slide={slide}
          data={fetcher.state === "idle" ? (fetcher.data ?? null) : null}
          closeRef={closeRef}
          onClose={closeExplain}
          pageHref={explainPageBase ? `${explainPageBase}row=${formEncode(explained.code)}&indicator=${formEncode(explained.indicator)}` : null}
        />
      ) : null}
    </div>
  );
}

function SlideBody({
  slide,
  p,
  barRefs,
  selected,
  onSelect,
  onExplain,
}: {
  slide: PresentSlide;
  p: Presentation;
  barRefs: React.MutableRefObject<Array<HTMLButtonElement | null>>;
  selected: number | null;
  onSelect: (i: number) => void;
  onExplain: ((i: number) => void) | null;
}) {
  const t = useT();
  if (slide.kind === "overview") return <Overview slide={slide} p={p} />;
  const names = (list: ReadonlyArray<{ name: string }>) => list.map((u) => u.name).join(", ");
  const note =
    slide.kind === "indicator"
      ? [slide.targetText ?? t("presentation.target.none"), t("presentation.worstFirst")].join(" · ")
      : [slide.rankText, t("presentation.unit.scale")].join(" · ");
  return (
    <div className="present-body">
      <p className="present-note">{note}</p>
      {slide.bars.length > 0 ? (
        <ol className="present-bars" aria-label={t(slide.kind === "indicator" ? "presentation.bars" : "presentation.bars.unit")}>
          {slide.bars.map((b, i) => (
            <li key={`${b.code}:${b.indicator}`}>
              <Bar
                bar={b}
                showAchievement={slide.kind === "unit"}
                selected={selected === i}
                buttonRef={(el) => {
                  barRefs.current[i] = el;
                }}
                onFocus={() => onSelect(i)}
                onClick={onExplain ? () => onExplain(i) : undefined}
              />
            </li>
          ))}
        </ol>
      ) : null}
      {slide.noData.length > 0 ? (
        <p className="present-nodata">
          <span aria-hidden="true">{STATE_SYMBOLS.nodata} </span>
          {t(slide.kind === "indicator" ? "presentation.noData" : "presentation.noData.unit", { names: names(slide.noData) })}
        </p>
      ) : null}
    </div>
  );
}

function Bar({
  bar,
  showAchievement,
  selected,
  buttonRef,
  onFocus,
  onClick,
}: {
  bar: PresentBar;
  /** Unit slides draw achievements: say the number the bar shows next to the value. */
  showAchievement: boolean;
  selected: boolean;
  buttonRef: (el: HTMLButtonElement | null) => void;
  onFocus: () => void;
  onClick?: () => void;
}) {
  const t = useT();
  // An incomplete cell is drawn in its band's colour, hatched; its words say both.
  const shown = bar.state === "incomplete" ? (bar.band ?? "notarget") : bar.state;
  const stateWord = t(`presentation.state.${shown}` as MessageKey);
  return (
    <button
      type="button"
      ref={buttonRef}
      className={`pb state-${shown}${bar.incomplete ? " is-incomplete" : ""}${selected ? " is-selected" : ""}`}
      onFocus={onFocus}
      onClick={onClick}
      data-code={bar.code}
      data-indicator={bar.indicator}
    >
      <span className="pb-name">
        <span className="pb-label">{bar.name}</span>
        {bar.incomplete || bar.marker ? (
          <span className="pb-notes">
            {bar.incomplete ? <span className="pb-incomplete">{t("presentation.incomplete", bar.incomplete)}</span> : null}
            {bar.marker ? (
              <span className="pb-marker">
                <span aria-hidden="true">⚑ </span>
                {t("presentation.marker", { count: bar.marker.total })}
              </span>
            ) : null}
            {bar.marker && bar.marker.overdue > 0 ? (
              <span className="pb-overdue">
                <span aria-hidden="true">⚠ </span>
                {t("presentation.marker.overdue", { count: bar.marker.overdue })}
              </span>
            ) : null}
          </span>
        ) : null}
      </span>
      {/* SVG attributes, not style attributes: the Content Security Policy allows no inline styles. */}
      <svg className="pb-track" aria-hidden="true" focusable="false">
        <rect className="pb-bg" x="0" y="18%" width="100%" height="64%" />
        <rect className="pb-fill" x="0" y="18%" width={`${bar.barPct}%`} height="64%" />
        {bar.targetPct !== null ? <line className="pb-target" x1={`${bar.targetPct}%`} x2={`${bar.targetPct}%`} y1="0" y2="100%" /> : null}
      </svg>
      <span className="pb-value">
        <strong>{bar.value}</strong>{" "}
        <span className="pb-state">
          <span aria-hidden="true">{STATE_SYMBOLS[shown]} </span>
          {stateWord}
        </span>
        {showAchievement && bar.achievement ? <span className="pb-achievement">{t("presentation.achievement", { value: bar.achievement })}</span> : null}
      </span>
    </button>
  );
}

function Overview({ slide, p }: { slide: Extract<PresentSlide, { kind: "overview" }>; p: Presentation }) {
  const t = useT();
  const moves = (title: string, list: typeof slide.improved, cls: string) => (
    <div className={`present-moves ${cls}`}>
      <h2>{title}</h2>
      {list.length === 0 ? (
        <p>{t("presentation.overview.none")}</p>
      ) : (
        <ol>
          {list.map((m) => (
            <li key={m.code}>
              <span>
                <span className="pm-name">{m.name}</span>{" "}
                <span className="pm-delta">{t("presentation.overview.move", { delta: m.deltaText, from: m.from, to: m.to })}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
  return (
    <div className="present-body present-overview-body">
      <p className="present-note">{t("presentation.overview.rule")}</p>
      <div className="present-columns">
        <div className="present-ranks">
          {slide.ranks.length === 0 ? (
            <p>{t("presentation.overview.empty")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("presentation.overview.rank")}</th>
                  <th scope="col">{t("presentation.overview.unit")}</th>
                  <th scope="col">{t("presentation.overview.onTarget")}</th>
                </tr>
              </thead>
              <tbody>
                {slide.ranks.map((r) => (
                  <tr key={r.code}>
                    <td className="pr-rank">{r.rank}</td>
                    <td className="pr-name">{r.name}</td>
                    <td className="pr-share">
                      <strong>{r.shareText}</strong>{" "}
                      <span className="pr-count">{t("presentation.overview.entry", { onTarget: r.onTarget, judged: r.judged })}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {slide.unranked.length > 0 ? (
            <p className="present-nodata">{t("presentation.overview.unranked", { names: slide.unranked.map((u) => u.name).join(", ") })}</p>
          ) : null}
        </div>
        <div className="present-movers">
          {p.comparePeriodLabel === null ? (
            <p>{t("presentation.overview.noCompare")}</p>
          ) : (
            <>
              {moves(t("presentation.overview.improved", { period: p.comparePeriodLabel }), slide.improved, "is-up")}
              {moves(t("presentation.overview.declined", { period: p.comparePeriodLabel }), slide.declined, "is-down")}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function ExplainPanel({
  bar,
  slide,
  data,
  closeRef,
  onClose,
  pageHref,
}: {
  bar: PresentBar;
  slide: PresentSlide;
  data: ExplainData | null;
  closeRef: React.RefObject<HTMLButtonElement>;
  onClose: () => void;
  pageHref: string | null;
}) {
  const t = useT();
  // A previous bar's answer is not this one's: still loading.
  const v = data?.view && data.view.row.code === bar.code && data.view.indicator.key === bar.indicator ? data.view : null;
  const loading = !data || (data.view !== null && v === null);
  const unitName = slide.kind === "unit" ? slide.title : bar.name;
  const indicatorName = v?.indicator.name ?? (slide.kind === "indicator" ? slide.title : bar.name);
  return (
    <div className="present-explain" role="dialog" aria-modal="true" aria-labelledby="present-explain-title">
      <div className="pe-head">
        <h2 id="present-explain-title">{t("presentation.explain.title", { indicator: indicatorName, unit: v?.row.name ?? unitName })}</h2>
        <button type="button" ref={closeRef} onClick={onClose}>
          {t("presentation.explain.close")}
        </button>
      </div>
      {loading ? (
        <p role="status">{t("presentation.explain.loading")}</p>
      ) : !v ? (
        <p role="alert">{data?.error ?? t("presentation.explain.failed")}</p>
      ) : (
        <div className="pe-body" data-testid="explanation">
          <p className="pe-summary">{v.summary}</p>
          <dl>
            <dt>{t("presentation.explain.value")}</dt>
            <dd>{v.valueText}</dd>
            {v.target ? (
              <>
                <dt>{t("presentation.explain.target")}</dt>
                <dd>
                  {v.target.value} <small>{v.target.source}</small>
                </dd>
              </>
            ) : null}
            {v.achievement ? (
              <>
                <dt>{t("presentation.explain.achievement")}</dt>
                <dd>{v.achievement}</dd>
              </>
            ) : null}
            {v.completeness ? (
              <>
                <dt>{t("presentation.explain.completeness")}</dt>
                <dd>{v.completeness.pct}%</dd>
              </>
            ) : null}
            {v.forms.length > 0 ? (
              <>
                <dt>{t("presentation.explain.forms")}</dt>
                <dd>
                  {v.forms
                    .slice(0, 3)
                    .map((f) => t("presentation.explain.formLine", { form: f.title, reported: f.reported, expected: f.expected }))
                    .join(" · ")}
                </dd>
              </>
            ) : null}
          </dl>
          {pageHref || data?.newActionHref ? (
            <p className="pe-links">
              {pageHref ? <a href={pageHref}>{t("presentation.explain.full")}</a> : null}
              {pageHref && data?.newActionHref ? " · " : null}
              {data?.newActionHref ? <a href={data.newActionHref}>{t("presentation.explain.newAction")}</a> : null}
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}

/** Fills of the bars: a colour and a pattern per state, so the state never rests on colour alone. */
function BarPatterns() {
  const stripes = (id: string, base: string, stripe: string, angle: number, size = 12, width = 4) => (
    <pattern id={id} width={size} height={size} patternUnits="userSpaceOnUse" patternTransform={`rotate(${angle})`}>
      <rect width={size} height={size} fill={base} />
      <rect width={width} height={size} fill={stripe} />
    </pattern>
  );
  return (
    <svg className="present-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        {stripes("pp-yellow", "#d9a400", "#8a6100", 0, 16, 4)}
        {stripes("pp-red", "#b3261e", "#6e1510", 45)}
        {stripes("pp-notarget", "#8e9994", "#5f6b66", 0, 8, 4)}
        {stripes("pp-incomplete-green", "#1b7f3b", "#ffffff", 135, 12, 5)}
        {stripes("pp-incomplete-yellow", "#d9a400", "#ffffff", 135, 12, 5)}
        {stripes("pp-incomplete-red", "#b3261e", "#ffffff", 135, 12, 5)}
        {stripes("pp-incomplete-notarget", "#8e9994", "#ffffff", 135, 12, 5)}
      </defs>
    </svg>
  );
}
