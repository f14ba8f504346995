import { useT } from "~/i18n/useT";
import { STATE_KEYS, STATE_SYMBOLS, STATES } from "~/contracts/scorecard";

/** The colour, shape and arrow key of a scorecard; printed with the table. */
export function Legend() {
  const t = useT();
  return (
    <section className="sc-legend" aria-labelledby="sc-legend-title">
      <h2 id="sc-legend-title">{t("scorecards.legend")}</h2>
      <ul>
        {STATES.map((s) => (
          <li key={s}>
            <span className={`sc-swatch sc-${s}`} aria-hidden="true">
              {STATE_SYMBOLS[s]}
            </span>{" "}
            {t(STATE_KEYS[s])}
          </li>
        ))}
        <li>{t("scorecards.trendLegend")}</li>
        <li>{t("scorecardPage.completenessLegend")}</li>
      </ul>
    </section>
  );
}
