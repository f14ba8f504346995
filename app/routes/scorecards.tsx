import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Legend } from "~/components/scorecard/Legend";
import { ROW_LIMITS, selectionSearch, type ScorecardView } from "~/contracts/scorecard";
import { ScorecardTable } from "~/components/scorecard/ScorecardTable";
import { useT } from "~/i18n/useT";
import { buildScorecard, latestPeriodWithData } from "~/models/scorecard.server";
import { breadcrumbs, loadScorecard, resolveQuery, selectionProblem, templateOptions, toView } from "~/models/scorecard-view.server";
import { getPublishedPackage } from "~/models/templates.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.scorecards");

/**
 * Facilitators (read-only), district admins and verifiers, and the national admin: the
 * scorecard of a parent inside their area. `format=csv|xlsx` hands over to the export route,
 * so the page's own URL plus a format is the download link.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url } = await loadScorecard(request);
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
  const base = { sel, templates, groups, print, roots: roots.map((r) => ({ code: r.orgCode, name: r.orgName })) };
  try {
    const { query, parent } = await resolveQuery(sel, roots, t);
    const result = await buildScorecard(query);
    const view: ScorecardView = toView(result, sel, locale);
    // An empty scorecard says where the data are: the newest period with reports (a quarter for BLUD).
    const latest = view.noData ? await latestPeriodWithData(result, query) : null;
    return { ...base, view, latest, crumbs: await breadcrumbs(parent, roots), error: null };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return data({ ...base, view: null, latest: null, crumbs: [], error: problem.message }, { status: problem.status });
  }
}

function utc(iso: string) {
  return iso.slice(0, 16).replace("T", " ");
}

export default function ScorecardsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const navigation = useNavigation();
  const { sel, view } = d;
  const scopeName = view?.parent?.name ?? d.roots.map((r) => r.name).join(", ");
  const current = selectionSearch(sel);
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
          {view ? <p className="sc-basis-note">{t(sel.basis === "national" ? "scorecards.basisShown.national" : "scorecards.basisShown.nearest")}</p> : null}
          <p className="no-print">{t("scorecards.intro")}</p>
        </div>
        {view ? (
          <div className="sc-actions no-print">
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

      <Form method="get" className="card sc-form no-print" aria-label={t("scorecards.selection")}>
        {sel.parent ? <input type="hidden" name="parent" value={sel.parent} /> : null}
        {!sel.parent && sel.level ? <input type="hidden" name="level" value={sel.level} /> : null}
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
          <div className="field">
            <label htmlFor="sc-period">{t("scorecards.period")}</label>
            <input id="sc-period" name="period" type="text" defaultValue={sel.period} maxLength={16} aria-describedby="sc-period-help" />
            <span className="help" id="sc-period-help">
              {t("scorecards.periodHelp")}
            </span>
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
            <button type="submit" className="button" disabled={navigation.state === "loading"}>
              {t("scorecards.show")}
            </button>
          </div>
        </div>
      </Form>

      {d.error ? (
        <div className="alert error" role="alert">
          {d.error}
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
                  {t("scorecards.noData.latest", { period: d.latest })}{" "}
                  <Link to={selectionSearch(sel, { period: d.latest })}>{t("scorecards.noData.show", { period: d.latest })}</Link>
                </>
              ) : null}
            </div>
          ) : null}
          {view.rows.length < view.rowCount ? (
            <p className="sc-meta" role="status">
              {t("scorecards.limit.shown", { shown: view.rows.length, count: view.rowCount })}
            </p>
          ) : null}
          <ScorecardTable view={view} sel={sel} scopeName={scopeName} key={current} compareForm={view.rows.length >= 2 ? "sc-compare" : undefined} />
          {view.rows.length >= 2 ? (
            <form id="sc-compare" method="get" action="/scorecards/compare" className="sc-compare-form no-print" aria-label={t("scorecards.compare.title")}>
              <input type="hidden" name="template" value={sel.template} />
              <input type="hidden" name="period" value={sel.period} />
              {sel.ytd !== undefined ? <input type="hidden" name="ytd" value={sel.ytd ? "1" : "0"} /> : null}
              {sel.group ? <input type="hidden" name="group" value={sel.group} /> : null}
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
