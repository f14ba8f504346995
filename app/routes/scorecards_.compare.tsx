import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CompareTable } from "~/components/scorecard/CompareTable";
import { Legend } from "~/components/scorecard/Legend";
import { selectionSearch } from "~/contracts/scorecard";
import { TrendChart } from "~/components/scorecard/TrendChart";
import { useT } from "~/i18n/useT";
import { loadCompare, MAX_COMPARE, parseUnitCodes } from "~/models/scorecard-compare.server";
import type { CompareView } from "~/contracts/scorecard-compare";
import { loadScorecard, selectionProblem } from "~/models/scorecard-view.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.scorecardCompare");

/**
 * Same roles as /scorecards; every chosen unit must lie inside the user's area (from the
 * session), else 403 with a message. Bad input gives a message and 400/404, never a crash.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url } = await loadScorecard(request);
  const codes = parseUnitCodes(url);
  const back = `/scorecards${selectionSearch({ ...sel, sort: "rank", dir: "asc", limit: null })}`;
  const base = { back, period: sel.period, template: sel.template, codes, max: MAX_COMPARE, basis: sel.basis };
  try {
    const view: CompareView = await loadCompare(
      { template: sel.template, period: sel.period, ytd: sel.ytd, group: sel.group, basis: sel.basis },
      codes,
      roots,
      t,
      locale,
    );
    return { ...base, view, error: null };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return data({ ...base, view: null, error: problem.message }, { status: problem.status });
  }
}

export default function ComparePage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const view = d.view;
  const names = view ? view.units.map((u) => u.name).join(", ") : "";
  return (
    <div className="page wide">
      <p className="no-print">
        <Link to={d.back}>← {t("scorecards.back")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{view ? t("scorecards.compare.titleOf", { units: names }) : t("scorecards.compare.title")}</h1>
          {view ? (
            <p>
              {t("scorecards.period")}: <strong>{view.periodLabel}</strong> · {d.template}
            </p>
          ) : null}
          {view ? <p className="sc-basis-note">{t(d.basis === "national" ? "scorecards.basisShown.national" : "scorecards.basisShown.nearest")}</p> : null}
          <p className="no-print">{t("scorecards.compare.intro", { max: d.max })}</p>
        </div>
      </div>
      {d.error ? (
        <div className="alert error" role="alert">
          {d.error}
        </div>
      ) : null}
      {view ? (
        <>
          <CompareTable view={view} scopeLabel={names} />
          <Legend />
          <section className="cmp-charts" aria-labelledby="cmp-charts-title">
            <h2 id="cmp-charts-title">{t("scorecards.compare.trends", { from: view.periodLabels[0], to: view.periodLabels[view.periodLabels.length - 1] })}</h2>
            <div className="cmp-chart-grid">
              {view.indicators.map((ind) => (
                <section key={ind.key} className="card cmp-chart-card" aria-label={ind.name}>
                  <h3>{ind.unit ? `${ind.name} (${ind.unit})` : ind.name}</h3>
                  <TrendChart
                    id={`tc-${ind.key.replace(/[^A-Za-z0-9_-]/g, "_")}`}
                    title={t("scorecards.compare.chart.title", {
                      indicator: ind.name,
                      from: view.periodLabels[0],
                      to: view.periodLabels[view.periodLabels.length - 1],
                    })}
                    series={ind.series}
                    periodLabels={view.periodLabels}
                    decimals={ind.decimals}
                    unit={ind.unit}
                  />
                </section>
              ))}
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}
