import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Legend } from "~/components/scorecard/Legend";
import { formatNumber, periodName, ROW_LEVEL_ORDER, ROW_LIMITS, selectionSearch, type ScorecardSelection, type ScorecardView } from "~/contracts/scorecard";
import { SERVER_VIEW_KEY, ScorecardTable } from "~/components/scorecard/ScorecardTable";
import { keepForDocument } from "~/components/server-only";
import { useT } from "~/i18n/useT";
import { buildScorecard, latestPeriodWithData } from "~/models/scorecard.server";
import { areaOptions, breadcrumbs, loadScorecard, resolveQuery, selectionProblem, templateOptions, toView } from "~/models/scorecard-view.server";
import { packagePeriodTypes, pickerPeriods } from "~/models/scorecard-period.server";
import { clock } from "~/utils/clock.server";
import type { OrgLevel } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { tryParsePeriod } from "@engine";
import { getPublishedPackage } from "~/models/templates.server";
import { markActionCells } from "~/models/actions.server";
import { pageTitle } from "~/i18n/title";
import { markVillageDrill, orgGroupNote, orgGroupOptions } from "~/models/scorecard-groups.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.scorecards");

/**
 * Facilitators (read-only), district admins and verifiers, and the national admin: the
 * scorecard of a parent inside their area. `format=csv|xlsx` hands over to the export route,
 * so the page's own URL plus a format is the download link.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url, periodDefault } = await loadScorecard(request);
  const format = url.searchParams.get("format");
  if (format) {
    if (format !== "csv" && format !== "xlsx")
      throw new Response(t("scorecards.error.format"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw redirect(`/scorecards/export${url.search}`);
  }
  const print = url.searchParams.get("print") === "1";
  const templates = await templateOptions();
  const pkg = await getPublishedPackage(sel.template);
  const groups = (pkg?.document.groups ?? []).map((g) => ({ key: g.key, name: locale === "en" && g.name.en ? g.name.en : g.name.id }));
  const base = {
    sel,
    templates,
    groups,
    print,
    roots: roots.map((r) => ({ code: r.orgCode, name: r.orgName, level: r.orgLevel })),
    areas: await areaOptions(roots),
    periods: pickerPeriods(await packagePeriodTypes(sel.template), clock.now()),
    periodDefault,
    orgGroups: await orgGroupOptions(roots, locale),
  };
  try {
    const { query, parent, area, orgGroup } = await resolveQuery(sel, roots, t);
    const result = await buildScorecard(query);
    const view: ScorecardView = toView(result, sel, locale);
    await markVillageDrill(view, result.rows);
    await markActionCells(view, result.rows, query.packageKey, query.period);
    // An empty scorecard says where the data are: the newest period with reports (a quarter for BLUD).
    const latest = view.noData ? await latestPeriodWithData(result, query) : null;
    // A document carries the rows in its HTML only: the server renders them from the view kept aside (decision 041).
    const shown: ScorecardView = keepForDocument(context, SERVER_VIEW_KEY, view)
      ? { ...view, rows: [], total: { ...view.total, cells: [] }, inHtml: { rows: view.rows.length } }
      : view;
    return {
      ...base,
      view: shown,
      latest,
      area: area ? { code: area.code, name: area.name } : null,
      crumbs: await breadcrumbs(parent ?? area ?? null, roots),
      groupNote: orgGroup ? orgGroupNote(orgGroup, locale) : null,
      error: null,
      withoutGroup: null,
    };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    // With a group filter, a way out that keeps the rest of the selection.
    const withoutGroup = sel.orgGroup ? `/scorecards${selectionSearch(sel, { orgGroup: null })}` : null;
    return data(
      { ...base, view: null, latest: null, area: null, crumbs: [], groupNote: null, error: problem.message, withoutGroup },
      { status: problem.status },
    );
  }
}

/** The rows level the page shows: the one asked for, else the parent's children, else the viewer's default. */
function shownLevel(sel: ScorecardSelection, parentLevel: string | null, roots: ReadonlyArray<{ level: string }>): OrgLevel {
  const below = (l: string) => ROW_LEVEL_ORDER[ROW_LEVEL_ORDER.indexOf(l as OrgLevel) + 1] ?? "puskesmas";
  if (sel.level && ROW_LEVEL_ORDER.includes(sel.level)) return sel.level;
  if (parentLevel) return below(parentLevel);
  if (roots.length === 1 && roots[0].level !== "puskesmas") return below(roots[0].level);
  return (roots[0]?.level as OrgLevel) ?? "district";
}

/** Rows levels a viewer may choose: those below the top of their area, and the top itself when the area is several units (two districts side by side). */
function levelChoices(roots: ReadonlyArray<{ level: string }>): OrgLevel[] {
  const top = Math.min(...roots.map((r) => (r.level === "national" ? -1 : ROW_LEVEL_ORDER.indexOf(r.level as OrgLevel))));
  return ROW_LEVEL_ORDER.filter((_, i) => i > top || (i === top && (top === ROW_LEVEL_ORDER.length - 1 || roots.length > 1)));
}

const isPeriod = (p: string) => tryParsePeriod(p).ok;

function utc(iso: string) {
  return iso.slice(0, 16).replace("T", " ");
}

export default function ScorecardsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const navigation = useNavigation();
  const { sel, view } = d;
  const scopeName = view?.parent?.name ?? d.area?.name ?? d.roots.map((r) => r.name).join(", ");
  const village = view?.parent?.level === "puskesmas";
  const shownRows = view ? (view.inHtml?.rows ?? view.rows.length) : 0;
  const compare = view && shownRows >= 2 && !village;
  const current = selectionSearch(sel);
  const defaultNote = d.periodDefault
    ? t(`scorecards.periodDefault.${d.periodDefault.rule}`, {
        threshold: Math.round(d.periodDefault.threshold * 100),
        lookback: d.periodDefault.lookback,
        pct: formatNumber((d.periodDefault.completeness ?? 0) * 100, 0, t.locale),
      })
    : null;
  return (
    <div className={`page wide${d.print ? " sc-print" : ""}`}>
      <div className="page-header">
        <div>
          <h1>
            {t("scorecards.title")}
            {view ? `: ${scopeName}` : ""}
          </h1>
          {view ? (
            <p>
              {t("scorecards.period")}: <strong>{view.periodLabel}</strong> · {sel.template}
            </p>
          ) : null}
          {defaultNote ? <p className="sc-basis-note sc-period-default">{defaultNote}</p> : null}
          {view ? <p className="sc-basis-note">{t(sel.basis === "national" ? "scorecards.basisShown.national" : "scorecards.basisShown.nearest")}</p> : null}
          {d.groupNote ? <p className="sc-basis-note sc-group-note">{d.groupNote}</p> : null}
          {village ? <p className="sc-basis-note">{t("groupFilter.villageNote")}</p> : null}
          <p className="no-print">{t("scorecards.intro")}</p>
        </div>
        {view ? (
          <div className="sc-actions no-print">
            <Link className="button small" to={`/scorecards/present${selectionSearch(sel)}`} title={t("presentation.open.help")}>
              {t("presentation.open")}
            </Link>
            <a className="button secondary small" href={`/scorecards${selectionSearch(sel, { format: "csv" })}`} download>
              {t("scorecards.exportCsv")}
            </a>
            <a className="button secondary small" href={`/scorecards${selectionSearch(sel, { format: "xlsx" })}`} download>
              {t("scorecards.exportXlsx")}
            </a>
            <Link
              className="button secondary small"
              to={selectionSearch(sel, { transpose: sel.transpose ? null : "1" })}
              title={t("scorecards.transpose.help")}
              preventScrollReset
            >
              {sel.transpose ? t("scorecards.transpose.off") : t("scorecards.transpose.on")}
            </Link>
            {d.print ? (
              <button type="button" className="button small" onClick={() => window.print()}>
                {t("scorecards.printNow")}
              </button>
            ) : (
              <Link className="button secondary small" to={selectionSearch(sel, { print: "1" })}>
                {t("scorecards.printView")}
              </Link>
            )}
          </div>
        ) : null}
      </div>

      <SelectionForm key={current} d={d} defaultNote={defaultNote} busy={navigation.state === "loading"} />

      {d.error ? (
        <div className="alert error" role="alert">
          {d.error}
          {d.withoutGroup ? (
            <>
              {" "}
              <Link to={d.withoutGroup}>{t("groupFilter.removeFilter")}</Link>
            </>
          ) : null}
        </div>
      ) : null}

      {view ? (
        <>
          <nav aria-label={t("scorecards.breadcrumbs")} className="sc-crumbs">
            <ol>
              <li>
                <Link to={selectionSearch(sel, { parent: null, level: null })}>{t("scorecards.myScope")}</Link>
              </li>
              {d.crumbs.map((c, i) => (
                <li key={c.code}>
                  {i === d.crumbs.length - 1 ? (
                    <span aria-current="page">{c.name}</span>
                  ) : (
                    <Link to={selectionSearch(sel, { parent: c.code, level: null })}>{c.name}</Link>
                  )}
                </li>
              ))}
            </ol>
          </nav>
          <p className="sc-meta">
            {view.lastChange ? t("scorecards.lastChangeAt", { at: utc(view.lastChange) }) : t("scorecards.noChange")} ·{" "}
            {t("scorecards.generatedAtValue", { at: utc(view.generatedAt) })}
          </p>
          {view.noData ? (
            <div className="alert info" role="status">
              {t("scorecards.noData")}
              {d.latest ? (
                <>
                  {" "}
                  {t("scorecards.noData.latest", { period: periodName(d.latest, t) })}{" "}
                  <Link to={selectionSearch(sel, { period: d.latest })}>{t("scorecards.noData.show", { period: periodName(d.latest, t) })}</Link>
                </>
              ) : null}
            </div>
          ) : null}
          {shownRows < view.rowCount ? (
            <p className="sc-meta" role="status">
              {t("scorecards.limit.shown", { shown: shownRows, count: view.rowCount })}
            </p>
          ) : null}
          <ScorecardTable
            view={view}
            sel={sel}
            scopeName={d.groupNote ? `${scopeName} (${d.groupNote})` : scopeName}
            key={current}
            compareForm={compare ? "sc-compare" : undefined}
          />
          {compare ? (
            <form id="sc-compare" method="get" action="/scorecards/compare" className="sc-compare-form no-print" aria-label={t("scorecards.compare.title")}>
              <input type="hidden" name="template" value={sel.template} />
              <input type="hidden" name="period" value={sel.period} />
              {sel.ytd !== undefined ? <input type="hidden" name="ytd" value={sel.ytd ? "1" : "0"} /> : null}
              {sel.group ? <input type="hidden" name="group" value={sel.group} /> : null}
              {sel.orgGroup ? <input type="hidden" name="orgGroup" value={sel.orgGroup} /> : null}
              {sel.basis === "national" ? <input type="hidden" name="basis" value="national" /> : null}
              <button type="submit" className="button secondary small">
                {t("scorecards.compare.submit")}
              </button>{" "}
              <span className="help">{t("scorecards.compare.help", { max: 6 })}</span>
            </form>
          ) : null}
          <Legend />
        </>
      ) : null}
    </div>
  );
}

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The selection: what, which rows, which period. Keyed by the URL, so a link that changes the selection resets the choices. */
function SelectionForm({ d, defaultNote, busy }: { d: PageData; defaultNote: string | null; busy: boolean }) {
  const t = useT();
  const { sel, view } = d;
  const parentLevel = view?.parent?.level ?? d.areas.find((a) => a.code === sel.parent)?.level ?? (sel.parent === d.roots[0]?.code ? d.roots[0].level : null);
  const [rowsLevel, setRowsLevel] = useState<OrgLevel>(shownLevel(sel, parentLevel, d.roots));
  const [area, setArea] = useState(sel.parent ?? "");
  const depth = (l: string) => ROW_LEVEL_ORDER.indexOf(l as OrgLevel);
  // Only areas above the rows: Puskesmas of a district or a province, districts of a province.
  const areaChoices = d.areas.filter((a) => depth(a.level) < depth(rowsLevel));
  const areaValue = areaChoices.some((a) => a.code === area) ? area : "";
  const offered = new Set(d.periods.flatMap((g) => g.periods));
  const village = view?.parent?.level === "puskesmas" ? view.parent : null;
  return (
    <Form method="get" className="card sc-form no-print" aria-label={t("scorecards.selection")}>
      {sel.sort !== "rank" ? <input type="hidden" name="sort" value={sel.sort} /> : null}
      {sel.dir !== "asc" ? <input type="hidden" name="dir" value={sel.dir} /> : null}
      {sel.transpose ? <input type="hidden" name="transpose" value="1" /> : null}
      <div className="form-row">
        <div className="field">
          <label htmlFor="sc-template">{t("scorecards.template")}</label>
          <select id="sc-template" name="template" defaultValue={sel.template}>
            {d.templates.some((x) => x.key === sel.template) ? null : <option value={sel.template}>{sel.template}</option>}
            {d.templates.map((x) => (
              <option key={x.key} value={x.key}>
                {x.title}
              </option>
            ))}
          </select>
        </div>
        {village ? (
          // A Puskesmas' Pustu and Posyandu: the rows are fixed; the breadcrumbs lead back up.
          <div className="field">
            <span className="sc-rows-fixed-label">{t("scorecards.rows")}</span>
            <p className="sc-rows-fixed">{t("groupFilter.rows.village", { name: village.name })}</p>
            <input type="hidden" name="parent" value={village.code} />
          </div>
        ) : (
          <div className="field">
            <label htmlFor="sc-level">{t("scorecards.rows")}</label>
            <select id="sc-level" name="level" value={rowsLevel} onChange={(e) => setRowsLevel(e.target.value as OrgLevel)}>
              {levelChoices(d.roots).map((l) => (
                <option key={l} value={l}>
                  {t(`scorecards.rows.${l}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        )}
        {!village && areaChoices.length > 0 ? (
          <div className="field">
            <label htmlFor="sc-area">{t("scorecards.area")}</label>
            <select id="sc-area" name="parent" value={areaValue} onChange={(e) => setArea(e.target.value)}>
              <option value="">{t("scorecards.area.all")}</option>
              {areaChoices.map((a) => (
                <option key={a.code} value={a.code}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="sc-period">{t("scorecards.period")}</label>
          <select id="sc-period" name="period" defaultValue={sel.period} aria-describedby={defaultNote ? "sc-period-help" : undefined}>
            {offered.has(sel.period) || !isPeriod(sel.period) ? null : (
              <optgroup label={t("scorecards.periodGroup.other")}>
                <option value={sel.period}>{periodName(sel.period, t)}</option>
              </optgroup>
            )}
            {d.periods.map((g) => (
              <optgroup key={g.type} label={t(`scorecards.periodGroup.${g.type}` as MessageKey)}>
                {g.periods.map((p) => (
                  <option key={p} value={p}>
                    {periodName(p, t)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {defaultNote ? (
            <span className="help" id="sc-period-help">
              {defaultNote}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="sc-group">{t("scorecards.group")}</label>
          <select id="sc-group" name="group" defaultValue={sel.group ?? ""}>
            <option value="">{t("scorecards.groupAll")}</option>
            {d.groups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="sc-org-group">{t("groupFilter.label")}</label>
          <select id="sc-org-group" name="orgGroup" defaultValue={sel.orgGroup ?? ""} aria-describedby="sc-org-group-help">
            <option value="">{t("groupFilter.all")}</option>
            {sel.orgGroup && !d.orgGroups.some((g) => g.key === sel.orgGroup) ? <option value={sel.orgGroup}>{sel.orgGroup}</option> : null}
            {d.orgGroups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.label}
              </option>
            ))}
          </select>
          <span className="help" id="sc-org-group-help">
            {t("groupFilter.help")}
          </span>
        </div>
        <div className="field">
          <label htmlFor="sc-ytd">{t("scorecards.ytdMode")}</label>
          <select id="sc-ytd" name="ytd" defaultValue={sel.ytd === undefined ? "" : sel.ytd ? "1" : "0"}>
            <option value="">{t("scorecards.ytd.default")}</option>
            <option value="1">{t("scorecards.ytd")}</option>
            <option value="0">{t("scorecards.ytd.off")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="sc-basis">{t("scorecards.basis")}</label>
          <select id="sc-basis" name="basis" defaultValue={sel.basis} aria-describedby="sc-basis-help">
            <option value="nearest">{t("scorecards.basis.nearest")}</option>
            <option value="national">{t("scorecards.basis.national")}</option>
          </select>
          <span className="help" id="sc-basis-help">
            {t("scorecards.basisHelp")}
          </span>
        </div>
        <div className="field">
          <label htmlFor="sc-limit">{t("scorecards.limit")}</label>
          <select id="sc-limit" name="limit" defaultValue={sel.limit === null ? "" : String(sel.limit)}>
            <option value="">{t("scorecards.limit.all")}</option>
            {ROW_LIMITS.map((n) => (
              <option key={n} value={n}>
                {t("scorecards.limit.n", { n })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit" className="button" disabled={busy}>
            {t("scorecards.show")}
          </button>
        </div>
      </div>
    </Form>
  );
}
