/**
 * "Pratinjau" panel of the indicator editor: posts the draft package and the indicator's position
 * to /designer/preview-indicator and shows value, numerator, denominator, target and colour for
 * the last 6 months of real submissions in the admin's area (or the formula problems).
 */
import { useFetcher } from "@remix-run/react";
import type { TemplatePackage } from "@engine";
import { useT } from "~/i18n/useT";
import type { PreviewResponse } from "~/contracts/indicator-preview";
import { DataTable } from "~/components/DataTable";

const BAND_CLASS: Record<string, string> = { green: "sc-green", yellow: "sc-yellow", red: "sc-red" };

export function IndicatorPreview({ pkg, index }: { pkg: TemplatePackage; index: number }) {
  const t = useT();
  const fetcher = useFetcher<PreviewResponse>();
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  const indicator = pkg.indicators[index];
  const bandName = (band: string | null) =>
    band === "green" ? t("indpreview.green") : band === "yellow" ? t("indpreview.yellow") : band === "red" ? t("indpreview.red") : t("indpreview.noBand");

  return (
    <section className="ind-preview card" aria-labelledby="ind-preview-title">
      <div className="ind-preview-head">
        <h3 id="ind-preview-title">{t("indpreview.title")}</h3>
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => fetcher.submit({ document: JSON.stringify(pkg), index: String(index) }, { method: "post", action: "/designer/preview-indicator" })}
        >
          {busy ? t("indpreview.running") : t("indpreview.run")}
        </button>
      </div>
      <p className="muted">{t("indpreview.intro")}</p>
      <div aria-live="polite">
        {result?.status === "error" ? <p className="alert error">{result.message}</p> : null}
        {result?.status === "nodata" ? <p className="alert info">{result.message}</p> : null}
        {result?.status === "problems" ? (
          <div className="alert error">
            <p>{result.message}</p>
            <ul>
              {result.problems.map((p, i) => (
                <li key={i}>
                  <code className="designer-pointer">{p.pointer || "/"}</code> {p.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {result?.status === "ok" ? (
          <>
            <p className="ind-preview-scope">
              {t("indpreview.scope", { name: result.scope.name, rows: result.scope.rows })}
              {result.indicator !== indicator?.key ? <span className="muted"> · {result.indicator}</span> : null}
            </p>
            <DataTable
              className="table ind-preview-table"
              caption={t("indpreview.caption", { key: result.indicator })}
              rows={result.periods}
              rowKey={(p) => p.period}
              rowProps={(p) => ({ "data-period": p.period })}
              columns={[
                { header: t("indpreview.period"), rowHeader: true, cell: (p) => p.label },
                {
                  header: t("indpreview.value"),
                  className: "num",
                  cell: (p) => (
                    <>
                      {p.shown.value}
                      {p.value !== null && result.unit ? ` ${result.unit}` : ""}
                      {p.reason ? <span className="muted"> ({t(`indpreview.reason${p.reason}` as never)})</span> : null}
                    </>
                  ),
                },
                { header: t("indpreview.numerator"), className: "num", cell: (p) => p.shown.numerator },
                { header: t("indpreview.denominator"), className: "num", cell: (p) => p.shown.denominator },
                { header: t("indpreview.target"), className: "num", cell: (p) => p.shown.target },
                { header: t("indpreview.achievement"), className: "num", cell: (p) => p.shown.achievement },
                { header: t("indpreview.band"), className: (p) => (p.band ? BAND_CLASS[p.band] : "sc-nodata"), cell: (p) => bandName(p.band) },
                { header: t("indpreview.completeness"), className: "num", cell: (p) => p.shown.completeness },
              ]}
            />
          </>
        ) : null}
      </div>
    </section>
  );
}
