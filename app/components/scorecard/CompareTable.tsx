import { useT } from "~/i18n/useT";
import type { CompareView } from "~/contracts/scorecard-compare";
import { STATE_KEYS, STATE_SYMBOLS } from "~/contracts/scorecard";

type View = Pick<CompareView, "units" | "indicators" | "periodLabel">;

/** Units as columns, indicators as rows: value with band (colour, shape, text), target, achievement, difference to the first unit, best value marked. */
export function CompareTable({ view, scopeLabel }: { view: View; scopeLabel: string }) {
  const t = useT();
  const caption = t("scorecards.compare.caption", { units: scopeLabel, period: view.periodLabel });
  return (
    // Focusable: on a phone the table scrolls sideways inside its frame, and a keyboard must reach that too.
    <div className="table-wrap sc-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data scorecard cmp-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="sc-rowhead">
              {t("scorecards.compare.indicator")}
            </th>
            {view.units.map((u, i) => (
              <th scope="col" key={u.code} className="cmp-unit">
                {u.name}
                <small className="sc-code">
                  {u.code}
                  {i === 0 ? ` · ${t("scorecards.compare.reference")}` : ""}
                </small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.indicators.map((ind) => (
            <tr key={ind.key}>
              <th scope="row" className="sc-rowhead">
                {ind.unit ? `${ind.name} (${ind.unit})` : ind.name}
                <small className="sc-col-note">
                  {t(ind.direction === "lower" ? "scorecards.explain.direction.lower" : "scorecards.explain.direction.higher")}
                  {ind.ytd ? ` · ${t("scorecards.ytdColumn")}` : ""}
                </small>
              </th>
              {ind.cells.map((c) => {
                const band = t(STATE_KEYS[c.state]);
                return (
                  <td
                    key={c.code}
                    className={`num sc-cell cmp-cell sc-${c.state}${c.best ? " cmp-best" : ""}`}
                    data-state={c.state}
                    data-best={c.best ? "1" : undefined}
                  >
                    <div className="cmp-main">
                      <span className="sc-symbol" aria-hidden="true">
                        {STATE_SYMBOLS[c.state]}
                      </span>{" "}
                      <span className="sc-value">{c.value}</span>
                      {c.best ? (
                        <span className="cmp-best-mark">
                          <span aria-hidden="true">★ </span>
                          {t("scorecards.compare.best")}
                        </span>
                      ) : null}
                    </div>
                    <small className="cmp-band">{band}</small>
                    <small className="cmp-detail">
                      {t("scorecards.explain.targetValue")}: {c.target ?? "–"} · {t("scorecards.explain.achievement")}:{" "}
                      {c.achievement === null ? "–" : `${c.achievement}%`}
                    </small>
                    {c.diff ? (
                      <small className={`cmp-diff cmp-diff-${c.diffSign}`}>
                        {t("scorecards.compare.diffVsFirst", { diff: c.diff, name: view.units[0].name })}
                      </small>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
