import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CompareTable } from "~/components/scorecard/CompareTable";
import { Legend } from "~/components/scorecard/Legend";
import { selectionSearch } from "~/contracts/scorecard";
import { TrendChart, TrendLegend } from "~/components/scorecard/TrendChart";
import { useT } from "~/i18n/useT";
import { loadCompare, MAX_COMPARE, parseUnitCodes } from "~/models/scorecard-compare.server";
import type { CompareView } from "~/contracts/scorecard-compare";
import { loadScorecard, selectionProblem } from "~/models/scorecard-view.server";
import { pageTitle } from "~/i18n/title";
import { orgGroupOptions, type OrgGroupOption } from "~/models/scorecard-groups.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.scorecardCompare");

/**
 * Same roles as /scorecards; every chosen unit must lie inside the user's area (from the
 * session), else 403 with a message. Bad input gives a message and 400/404, never a crash.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url } = await loadScorecard(request);
  const codes = parseUnitCodes(url);
  const ref = (url.searchParams.get("ref") ?? "").trim().slice(0, 64) || null;
  const back = `/scorecards${selectionSearch({ ...sel, sort: "rank", dir: "asc", limit: null })}`;
  const keep = {
    template: sel.template,
    period: sel.period,
    ytd: sel.ytd === undefined ? null : sel.ytd ? "1" : "0",
    group: sel.group,
    orgGroup: sel.orgGroup,
    basis: sel.basis === "national" ? "national" : null,
  };
  const base = {
    back,
    period: sel.period,
    template: sel.template,
    codes,
    max: MAX_COMPARE,
    basis: sel.basis,
    keep,
    orgGroups: await orgGroupOptions(roots, locale),
  };
  try {
    const view: CompareView = await loadCompare(
      { template: sel.template, period: sel.period, ytd: sel.ytd, group: sel.group, orgGroup: sel.orgGroup, basis: sel.basis, ref },
      codes,
      roots,
      t,
      locale,
    );
    return { ...base, view, error: null, withoutGroup: null };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    // With a group filter, a way out that keeps the rest of the comparison.
    const withoutGroup = sel.orgGroup ? compareHref({ ...keep, orgGroup: null }, codes, ref) : null;
    return data({ ...base, view: null, error: problem.message, withoutGroup }, { status: problem.status });
  }
}

type Keep = Record<"template" | "period" | "ytd" | "group" | "orgGroup" | "basis", string | null>;

/** The page's own URL with other units or another reference (the rest of the selection kept). */
function compareHref(keep: Keep, units: readonly string[], ref: string | null): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(keep)) if (v) params.set(k, v);
  for (const u of units) params.append("units", u);
  if (ref) params.set("ref", ref);
  return `/scorecards/compare?${params.toString()}`;
}

/** Which units, which one is the reference: remove links, a reference choice and an add choice. */
function UnitChoice({ view, keep, max, orgGroups }: { view: CompareView; keep: Keep; max: number; orgGroups: OrgGroupOption[] }) {
  const t = useT();
  const codes = view.units.map((u) => u.code);
  const ref = codes[0];
  return (
    <Form method="get" className="card cmp-controls no-print" aria-label={t("scorecards.compare.units")}>
      {Object.entries(keep).map(([k, v]) => (v && k !== "orgGroup" ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      {codes.map((c) => (
        <input key={c} type="hidden" name="units" value={c} />
      ))}
      <h2 className="cmp-controls-title">{t("scorecards.compare.units")}</h2>
      <ul className="cmp-chips">
        {view.units.map((u) => (
          <li key={u.code}>
            {u.name}
            {u.code === ref ? <small> · {t("scorecards.compare.reference")}</small> : null}
            {codes.length > 2 ? (
              <>
                {" "}
                <Link
                  className="cmp-remove"
                  to={compareHref(
                    keep,
                    codes.filter((c) => c !== u.code),
                    u.code === ref ? null : ref,
                  )}
                  aria-label={t("scorecards.compare.remove", { name: u.name })}
                >
                  {t("scorecards.compare.removeShort")}
                </Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <div className="form-row">
        <div className="field">
          <label htmlFor="cmp-ref">{t("scorecards.compare.chooseReference")}</label>
          <select id="cmp-ref" name="ref" defaultValue={ref} aria-describedby="cmp-ref-help">
            {view.units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
          <span className="help" id="cmp-ref-help">
            {t("scorecards.compare.chooseReferenceHelp")}
          </span>
        </div>
        <div className="field">
          <label htmlFor="cmp-org-group">{t("groupFilter.label")}</label>
          <select id="cmp-org-group" name="orgGroup" defaultValue={keep.orgGroup ?? ""} aria-describedby="cmp-org-group-help">
            <option value="">{t("groupFilter.all")}</option>
            {orgGroups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.label}
              </option>
            ))}
          </select>
          <span className="help" id="cmp-org-group-help">
            {t("groupFilter.help")}
          </span>
        </div>
        {codes.length < max && view.candidates.length > 0 ? (
          <div className="field">
            <label htmlFor="cmp-add">{t("scorecards.compare.add")}</label>
            <select id="cmp-add" name="units" defaultValue="">
              <option value="">{t("scorecards.compare.addNone")}</option>
              {view.candidates.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <button type="submit" className="button">
            {t("scorecards.compare.apply")}
          </button>
        </div>
      </div>
    </Form>
  );
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
          {view?.groupNote ? <p className="sc-basis-note sc-group-note">{view.groupNote}</p> : null}
          <p className="no-print">{t("scorecards.compare.intro", { max: d.max })}</p>
        </div>
      </div>
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
          <UnitChoice
            key={`${view.units.map((u) => u.code).join(",")}:${d.keep.orgGroup ?? ""}`}
            view={view}
            keep={d.keep}
            max={d.max}
            orgGroups={d.orgGroups}
          />
          <CompareTable view={view} scopeLabel={names} />
          <Legend />
          <section className="cmp-charts" aria-labelledby="cmp-charts-title">
            <h2 id="cmp-charts-title">{t("scorecards.compare.trends", { from: view.periodLabels[0], to: view.periodLabels[view.periodLabels.length - 1] })}</h2>
            <TrendLegend series={view.units} target={t("scorecards.compare.chart.target", { name: view.units[0].name })} />
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
                    target={{ name: t("scorecards.compare.chart.target", { name: view.units[0].name }), values: ind.targets }}
                    showLegend={false}
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
