import { useT } from "~/i18n/useT";
import { FormulaText } from "./FormulaText";

export interface ReportRow {
  pointer: string;
  code: string;
  message: string;
  messageEn: string;
  start: number | null;
  end: number | null;
  formula: string | null;
}

/** The report on a refused file: every error with its JSON pointer, message and formula range. */
export function ErrorReport({ errors, id }: { errors: ReportRow[]; id?: string }) {
  const t = useT();
  return (
    <section className="card error-report spaced" aria-labelledby={id ?? "report-title"}>
      <h2 id={id ?? "report-title"}>{t("templates.report.title", { count: errors.length })}</h2>
      <p>{t("templates.report.intro")}</p>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t("templates.report.number")}</th>
              <th scope="col">{t("templates.report.pointer")}</th>
              <th scope="col">{t("templates.report.message")}</th>
              <th scope="col">{t("templates.report.range")}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={i}>
                <td className="num">{i + 1}</td>
                <td>
                  <code>{e.pointer === "" ? t("templates.report.wholeDocument") : e.pointer}</code>
                </td>
                <td>
                  {t.locale === "en" ? e.messageEn : e.message} <span className="muted">({e.code})</span>
                </td>
                <td>
                  {e.start !== null && e.end !== null ? (
                    <>
                      <span>{t("templates.report.chars", { start: e.start + 1, end: Math.max(e.end, e.start + 1) })}</span>
                      {e.formula !== null ? (
                        <div>
                          <FormulaText formula={e.formula} start={e.start} end={e.end} />
                        </div>
                      ) : null}
                    </>
                  ) : (
                    "–"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
