import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { forbidden } from "~/auth/guards.server";
import { inArea, mayRunMeeting } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import { selectionSearch, STATE_KEYS, STATE_SYMBOLS, TREND_ARROWS } from "~/contracts/scorecard";
import { DataTable } from "~/components/DataTable";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { getOrgByCode } from "~/models/org.server";
import { explainForReader } from "~/models/scorecard-explain.server";
import { cellActions } from "~/models/actions.server";
import { ActionStatusBadge } from "~/components/ActionFields";
import { loadScorecard, resolveQuery, selectionProblem } from "~/models/scorecard-view.server";
import type { ExplainUnit, ExplainView } from "~/contracts/scorecard-explain";
import { TOTAL_ROW_CODE } from "@engine";
import { pageTitle } from "~/i18n/title";
import { orgGroupNote } from "~/models/scorecard-groups.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.scorecardExplain");

/** Why one cell has its value and colour; same guards as the scorecard, and the row must lie in the user's area. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, roots, t, locale, sel, url } = await loadScorecard(request);
  // `c=<row code>.<column index>` and `columns=<key> <key> …`: what a scorecard cell's button sends when the page runs without JavaScript (decision 041).
  const cellParam = (url.searchParams.get("c") ?? "").trim().slice(0, 100);
  const split = cellParam.lastIndexOf(".");
  const columnKey = split > 0 ? ((url.searchParams.get("columns") ?? "").slice(0, 10_000).split(" ")[Number(cellParam.slice(split + 1))] ?? "") : "";
  const row = (url.searchParams.get("row") ?? (columnKey ? cellParam.slice(0, split) : "")).trim().slice(0, 64);
  const indicator = (url.searchParams.get("indicator") ?? columnKey).trim().slice(0, 100);
  const back = `/scorecards${selectionSearch(sel)}`;
  const refused = (error: string, status: number) =>
    data({ error, back, view: null, indicatorName: indicator, actions: [], newActionHref: null, groupNote: null }, { status });
  if (!row || !indicator) return refused(t("scorecards.error.cell"), 400);
  try {
    const { query, parent, orgGroup } = await resolveQuery(sel, roots, t);
    let unit = null;
    if (row !== TOTAL_ROW_CODE && row !== parent?.code) {
      unit = await getOrgByCode(getDb(), row);
      if (!unit) return refused(t("scorecards.error.row", { code: row }), 404);
      if (!inArea(roots, unit)) throw forbidden(locale, "scorecards.error.outOfScope", { name: unit.name });
    }
    const view: ExplainView = await explainForReader({ ...query, group: undefined, indicators: [indicator] }, { row, indicator }, locale);
    // The cell's follow-up actions, and for runners a way to add one (docs/decisions/030-action-tracker.md).
    const cell = unit ? { packageKey: query.packageKey, indicatorKey: indicator, unit, period: query.period } : null;
    const actions = cell ? await cellActions(user, cell) : [];
    const newActionHref =
      cell && mayRunMeeting(user, [cell.unit])
        ? `/actions/new?${new URLSearchParams({ package: cell.packageKey, indicator, unit: cell.unit.code, period: cell.period })}`
        : null;
    const groupNote = orgGroup ? orgGroupNote(orgGroup, locale) : null;
    return { error: null, back, view, indicatorName: view.indicator.name, actions, newActionHref, groupNote };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return refused(problem.message, problem.status);
  }
}

function UnitList({ units, label, id }: { units: ExplainUnit[]; label: string; id: string }) {
  const t = useT();
  return (
    <div className="sc-units">
      <h4 id={id}>{label}</h4>
      {units.length === 0 ? (
        <p className="muted">{t("scorecards.explain.none")}</p>
      ) : (
        <ul className="sc-unit-list" aria-labelledby={id}>
          {units.map((u) => (
            <li key={u.code}>
              {u.name} <small className="muted">{u.code}</small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function ExplainPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const e = d.view;
  if (!e) {
    return (
      <div className="page">
        <h1>{t("scorecards.explain.title", { indicator: d.indicatorName })}</h1>
        <div className="alert error" role="alert">
          {d.error}
        </div>
        <p>
          <Link to={d.back}>← {t("scorecards.back")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page sc-explain">
      <p className="no-print">
        <Link to={d.back}>← {t("scorecards.back")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{t("scorecards.explain.title", { indicator: e.indicator.name })}</h1>
          <p>{t("scorecards.explain.subtitle", { row: e.row.name, period: e.periodLabel })}</p>
          {d.groupNote ? <p className="sc-basis-note sc-group-note">{d.groupNote}</p> : null}
        </div>
        <p className={`sc-state-badge sc-${e.state}`}>
          <span aria-hidden="true">{STATE_SYMBOLS[e.state]}</span> {t(STATE_KEYS[e.state])}
        </p>
      </div>

      <section className="card" aria-labelledby="ex-summary">
        <h2 id="ex-summary">{t("scorecards.explain.summary")}</h2>
        <p className="sc-summary">{e.summary}</p>
      </section>

      {d.newActionHref || d.actions.length > 0 ? (
        <section className="card spaced" aria-labelledby="ex-actions">
          <h2 id="ex-actions">{t("actions.cell.title")}</h2>
          {d.actions.length === 0 ? (
            <p className="muted">{t("actions.cell.none")}</p>
          ) : (
            <ul className="plain">
              {d.actions.map((a) => (
                <li key={a.id}>
                  <Link to={`/actions/${a.id}`}>{a.problem}</Link> · {a.responsible_name} · {a.due_date}{" "}
                  <ActionStatusBadge status={a.status} overdue={a.overdue} verified={a.status === "done" ? a.verified_at !== null : undefined} />
                </li>
              ))}
            </ul>
          )}
          {d.newActionHref ? (
            <p>
              <Link className="button secondary" to={d.newActionHref}>
                {t("actions.cell.add")}
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}

      <div className="grid spaced">
        <section className="card" aria-labelledby="ex-formula">
          <h2 id="ex-formula">{t("scorecards.explain.formula")}</h2>
          <dl className="sc-dl">
            <dt>{t("scorecards.explain.numerator")}</dt>
            <dd>
              <code>{e.formula.numerator}</code> = <strong>{e.numerator}</strong>
            </dd>
            {e.formula.denominator !== null ? (
              <>
                <dt>{t("scorecards.explain.denominator")}</dt>
                <dd>
                  <code>{e.formula.denominator}</code> = <strong>{e.denominator}</strong>
                </dd>
              </>
            ) : null}
            {e.factor !== null ? (
              <>
                <dt>{t("scorecards.explain.factor")}</dt>
                <dd>× {e.factor}</dd>
              </>
            ) : null}
            <dt>{t("scorecards.explain.result")}</dt>
            <dd>
              <strong>{e.valueText}</strong>
            </dd>
          </dl>
          {e.formula.errors.length > 0 ? (
            <div className="alert error" role="alert">
              <strong>{t("scorecards.explain.formulaErrors")}:</strong> {e.formula.errors.join("; ")}
            </div>
          ) : null}
          {e.inputs.length > 0 ? (
            // A region one can scroll with the keyboard on a phone (the table is wider than the screen).
            <div className="table-wrap" role="region" aria-label={t("scorecards.explain.inputs")} tabIndex={0}>
              <DataTable
                className="data sc-inputs"
                wrapClassName={null}
                caption={t("scorecards.explain.inputs")}
                showCaption
                rows={e.inputs}
                rowKey={(i) => i.field}
                columns={[
                  {
                    header: t("scorecards.explain.field"),
                    rowHeader: true,
                    cell: (i) => (
                      <>
                        {i.label} <small className="muted">{i.field}</small>
                      </>
                    ),
                  },
                  { header: t("scorecards.explain.form"), cell: (i) => i.formTitle },
                  { header: t("scorecards.explain.aggregation"), cell: (i) => i.aggregation },
                  { header: t("scorecards.explain.total"), headerClassName: "num", className: "num", cell: (i) => i.total },
                ]}
              />
            </div>
          ) : null}
        </section>

        <section className="card" aria-labelledby="ex-target">
          <h2 id="ex-target">{t("scorecards.explain.target")}</h2>
          <dl className="sc-dl">
            <dt>{t("scorecards.explain.targetValue")}</dt>
            <dd>{e.target ? e.target.value : t("scorecards.explain.noTarget")}</dd>
            {e.target ? (
              <>
                <dt>{t("scorecards.explain.targetSource")}</dt>
                <dd>{e.target.source}</dd>
              </>
            ) : null}
            <dt>{t("scorecards.explain.achievement")}</dt>
            <dd>{e.achievement ?? "–"}</dd>
            <dt>{t("scorecards.explain.state")}</dt>
            <dd>
              <span aria-hidden="true">{STATE_SYMBOLS[e.state]}</span> {t(STATE_KEYS[e.state])}
            </dd>
          </dl>
          <p>{t(`scorecards.explain.direction.${e.indicator.direction}` as MessageKey)}</p>
          <ul className="plain">
            <li>{t("scorecards.explain.greenAt", e.greenAt)}</li>
            <li>{t("scorecards.explain.yellowAt", e.yellowAt)}</li>
          </ul>
          <h3 className="spaced">{t("scorecards.explain.trend")}</h3>
          {e.trend && e.previous ? (
            <p>
              <span role="img" aria-label={t(`scorecards.trend.${e.trend.verdict}` as MessageKey)}>
                {TREND_ARROWS[e.trend.arrow]}
              </span>{" "}
              {t(`scorecards.trend.${e.trend.verdict}` as MessageKey)}. {t("scorecards.explain.previous", e.previous)}
              {". "}
              {e.trend.byAchievement
                ? t("scorecards.explain.trendByAchievement", { period: e.previous.period, ...e.trend.byAchievement })
                : t("scorecards.explain.trendByValue")}
            </p>
          ) : (
            <p className="muted">{t("scorecards.explain.noTrend")}</p>
          )}
        </section>
      </div>

      <section className="card spaced" aria-labelledby="ex-completeness">
        <h2 id="ex-completeness">{t("scorecards.explain.completeness")}</h2>
        {e.completeness !== null ? (
          <p>
            <strong>{t("scorecards.explain.completenessValue", e.completeness)}</strong>
          </p>
        ) : null}
        {e.forms.map((f) => (
          <div key={f.form} className="sc-form-block">
            <h3>{t("scorecards.explain.formReported", { title: f.title, reported: f.reported, expected: f.expected, periods: f.periods })}</h3>
            <div className="grid">
              <UnitList id={`ex-${f.form}-complete`} units={f.complete} label={t("scorecards.explain.complete", { count: f.complete.length })} />
              <UnitList id={`ex-${f.form}-incomplete`} units={f.incomplete} label={t("scorecards.explain.incomplete", { count: f.incomplete.length })} />
              <UnitList id={`ex-${f.form}-none`} units={f.notReported} label={t("scorecards.explain.notReported", { count: f.notReported.length })} />
            </div>
          </div>
        ))}
      </section>
    </div>
  );
}
