import { DataTable } from "~/components/DataTable";
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
      <DataTable
        rows={errors}
        rowKey={(_, i) => i}
        columns={[
          { header: t("templates.report.number"), className: "num", cell: (_, i) => i + 1 },
          { header: t("templates.report.pointer"), cell: (e) => <code>{e.pointer === "" ? t("templates.report.wholeDocument") : e.pointer}</code> },
          {
            header: t("templates.report.message"),
            cell: (e) => (
              <>
                {t.locale === "en" ? e.messageEn : e.message} <span className="muted">({e.code})</span>
              </>
            ),
          },
          {
            header: t("templates.report.range"),
            cell: (e) =>
              e.start !== null && e.end !== null ? (
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
              ),
          },
        ]}
      />
    </section>
  );
}
