/**
 * "Pratinjau" panel of the indicator editor: posts the draft package and the indicator's position
 * to /designer/preview-indicator and shows value, numerator, denominator, target and colour for
 * the last 6 months of real submissions in the admin's area (or the formula problems).
 */
import { useFetcher } from "@remix-run/react";
import type { TemplatePackage } from "@engine";
import { useT } from "~/i18n/useT";
import type { PreviewResponse } from "~/contracts/indicator-preview";

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
            <div className="table-wrap">
              <table className="table ind-preview-table">
                <caption className="visually-hidden">{t("indpreview.caption", { key: result.indicator })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("indpreview.period")}</th>
                    <th scope="col">{t("indpreview.value")}</th>
                    <th scope="col">{t("indpreview.numerator")}</th>
                    <th scope="col">{t("indpreview.denominator")}</th>
                    <th scope="col">{t("indpreview.target")}</th>
                    <th scope="col">{t("indpreview.achievement")}</th>
                    <th scope="col">{t("indpreview.band")}</th>
                    <th scope="col">{t("indpreview.completeness")}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.periods.map((p) => (
                    <tr key={p.period} data-period={p.period}>
                      <th scope="row">{p.label}</th>
                      <td className="num">
                        {p.shown.value}
                        {p.value !== null && result.unit ? ` ${result.unit}` : ""}
                        {p.reason ? <span className="muted"> ({t(`indpreview.reason${p.reason}` as never)})</span> : null}
                      </td>
                      <td className="num">{p.shown.numerator}</td>
                      <td className="num">{p.shown.denominator}</td>
                      <td className="num">{p.shown.target}</td>
                      <td className="num">{p.shown.achievement}</td>
                      <td className={p.band ? BAND_CLASS[p.band] : "sc-nodata"}>{bandName(p.band)}</td>
                      <td className="num">{p.shown.completeness}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </div>
    </section>
  );
}
