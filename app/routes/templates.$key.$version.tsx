import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { notFound, requireUser } from "~/auth/guards.server";
import { FormulaText } from "~/components/templates/FormulaText";
import { OriginBadge } from "~/components/templates/OriginBadge";
import { ShowIf } from "~/components/templates/ShowIf";
import { formatUtc, pickText } from "~/components/templates/text";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { draftablePackages, editableDrafts } from "~/models/designer.server";
import { libraryAccess } from "~/auth/policy.server";
import { packageView } from "~/models/template-library.server";

export const meta: MetaFunction = () => [{ title: "Paket templat · Pantau ILP" }];

/**
 * Admins only: a published package version, read-only. A district admin whose overlay builds
 * on this version sees the effective package with national/local/overridden marks.
 * `?format=json` hands over to the export route, so the page's URL plus a format downloads it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const version = Number(params.version);
  if (!params.key || !Number.isInteger(version) || version < 1) throw notFound("Paket templat atau versinya tidak ditemukan.");
  const format = new URL(request.url).searchParams.get("format");
  if (format !== null) {
    if (format !== "json") {
      const { t } = await serverT(request, user);
      throw new Response(t("templates.error.format"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw redirect(`/templates/${encodeURIComponent(params.key)}/${version}/export`);
  }
  const view = await packageView(access, params.key, version);
  const draft = (await editableDrafts(access)).get(params.key) ?? null;
  return { view, draft, canDraft: draft === null && (await draftablePackages(access)).has(params.key) };
}

function yesNo(value: boolean, t: ReturnType<typeof useT>) {
  return value ? t("templates.value.yes") : t("templates.value.no");
}

export default function TemplateDetailPage() {
  const { view, draft, canDraft } = useLoaderData<typeof loader>();
  const t = useT();
  const txt = (x: { id: string; en?: string } | null) => pickText(x, t.locale);
  const showOrigin = view.overlay !== null;
  return (
    <div className="page template-detail">
      <p>
        <Link to="/templates">{t("templates.back")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{txt(view.title)}</h1>
          <p>
            <span className="template-key">{view.key}</span> · v{view.version} ·{" "}
            <span className={`badge ${view.status === "published" ? "approved" : "draft"}`}>{t(`templates.status.${view.status}` as MessageKey)}</span> ·{" "}
            {t("templates.col.owner")}: {view.ownerName} · {t("templates.col.published")}: {formatUtc(view.publishedAt)}
          </p>
        </div>
        <div className="sc-actions">
          {draft !== null ? (
            <Link className="button" to={`/designer/${encodeURIComponent(view.key)}/${draft}`}>
              {t("designer.library.continue", { version: draft })}
            </Link>
          ) : canDraft ? (
            <Form method="post" action="/designer/new" className="inline-form">
              <input type="hidden" name="intent" value="fromLatest" />
              <input type="hidden" name="package" value={view.key} />
              <button type="submit" className="button">
                {t("designer.library.newVersion")}
              </button>
            </Form>
          ) : null}
          <a className="button secondary" href={`/templates/${encodeURIComponent(view.key)}/${view.version}/export`} download>
            {t("templates.downloadJson")}
          </a>
        </div>
      </div>
      {view.description ? <p>{txt(view.description)}</p> : null}
      <p className="muted">
        {t("templates.source")}: {view.source}
      </p>

      {view.overlay ? (
        <div className="alert info" role="status">
          <p>{t("templates.detail.withOverlay", { title: txt(view.overlay.title), version: view.overlay.version, district: view.overlay.districtName })}</p>
          <p>
            <Link to={`/designer/overlay/${encodeURIComponent(view.overlay.districtCode)}/${encodeURIComponent(view.key)}`}>{t("overlayDesigner.open")}</Link>
          </p>
          <p className="origin-legend">
            <OriginBadge origin="national" /> {t("templates.legend.national")} <OriginBadge origin="local" /> {t("templates.legend.local")} <OriginBadge origin="overridden" />{" "}
            {t("templates.legend.overridden")} <span className="badge hidden-badge">{t("templates.hidden")}</span> {t("templates.legend.hidden")}
          </p>
          {view.overlay.problems.length > 0 ? (
            <ul>
              {view.overlay.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <nav aria-label={t("templates.detail.contents")} className="template-toc">
        <a href="#forms">{t("templates.detail.forms")}</a> · <a href="#indicators">{t("templates.detail.indicators")}</a> · <a href="#targets">{t("templates.detail.targets")}</a> ·{" "}
        <a href="#rules">{t("templates.detail.rules")}</a>
      </nav>

      <section id="forms" aria-labelledby="forms-title" className="spaced">
        <h2 id="forms-title">{t("templates.detail.forms")}</h2>
        {view.forms.map((form) => (
          <section key={form.key} className="card spaced template-form" aria-labelledby={`form-${form.key}`}>
            <h3 id={`form-${form.key}`}>
              {txt(form.title)} <span className="muted template-key">{form.key}</span> {showOrigin ? <OriginBadge origin={form.origin} /> : null}
            </h3>
            <p className="muted">{t(`templates.period.${form.periodType}` as MessageKey)}</p>
            {form.sections.map((section) => (
              <div key={section.key} className="template-section">
                <h4>
                  {txt(section.title)} <span className="muted template-key">{section.key}</span> {showOrigin ? <OriginBadge origin={section.origin} /> : null}
                </h4>
                <div className="table-wrap">
                  <table className={`data template-fields${showOrigin ? " with-origin" : ""}`}>
                    <thead>
                      <tr>
                        <th scope="col">{t("templates.field.label")}</th>
                        <th scope="col">{t("templates.field.key")}</th>
                        <th scope="col">{t("templates.field.type")}</th>
                        <th scope="col">{t("templates.field.unit")}</th>
                        <th scope="col">{t("templates.field.required")}</th>
                        <th scope="col">{t("templates.field.logic")}</th>
                        {showOrigin ? <th scope="col">{t("templates.field.origin")}</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {section.fields.map((f) => (
                        <tr key={f.key} className={f.hidden ? "field-hidden" : undefined} data-field={f.key}>
                          <td>
                            <span className="field-label">{txt(f.label)}</span>
                            {f.help ? <span className="help tpl-block">{txt(f.help)}</span> : null}
                            {f.choices.length > 0 ? (
                              <ul className="choices">
                                {f.choices.map((c) => (
                                  <li key={c.value}>
                                    {txt(c.label)} <span className="muted">({c.value})</span>
                                  </li>
                                ))}
                              </ul>
                            ) : null}
                          </td>
                          <td>
                            <code>{f.key}</code>
                          </td>
                          <td>
                            {t(`templates.type.${f.type}` as MessageKey)}
                            {f.min !== null || f.max !== null ? (
                              <span className="help tpl-block">{t("templates.field.range", { min: f.min ?? "–", max: f.max ?? "–" })}</span>
                            ) : null}
                          </td>
                          <td>{f.unit ?? "–"}</td>
                          <td>{f.required ? t("templates.field.requiredYes") : f.optional ? t("templates.field.optional") : t("templates.value.no")}</td>
                          <td>
                            {f.showIf ? <ShowIf showIf={f.showIf} /> : null}
                            {f.calculate !== null ? (
                              <span className="tpl-block">
                                {t("templates.field.calculated")} <FormulaText formula={f.calculate} />
                              </span>
                            ) : null}
                            {f.showIf === null && f.calculate === null ? "–" : null}
                          </td>
                          {showOrigin ? (
                            <td>
                              {f.hidden ? <span className="badge hidden-badge">{t("templates.hidden")}</span> : <OriginBadge origin={f.origin} />}
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))}
          </section>
        ))}
      </section>

      <section id="indicators" aria-labelledby="indicators-title" className="spaced">
        <h2 id="indicators-title">{t("templates.detail.indicators")}</h2>
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("templates.indicator.name")}</th>
                <th scope="col">{t("templates.indicator.group")}</th>
                <th scope="col">{t("templates.indicator.formula")}</th>
                <th scope="col">{t("templates.indicator.direction")}</th>
                <th scope="col">{t("templates.indicator.bands")}</th>
                {showOrigin ? <th scope="col">{t("templates.field.origin")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {view.indicators.map((i) => (
                <tr key={i.key} data-indicator={i.key}>
                  <td>
                    <span className="indicator-name">{txt(i.name)}</span>
                    <span className="help tpl-block">
                      <code>{i.key}</code>
                      {i.unit ? ` · ${i.unit}` : ""}
                      {i.ytd ? ` · ${t("templates.indicator.ytd")}` : ""}
                    </span>
                  </td>
                  <td>
                    {i.groupName ? txt(i.groupName) : i.group}
                    {i.cluster ? <span className="help tpl-block">{t("templates.indicator.cluster", { cluster: i.cluster })}</span> : null}
                  </td>
                  <td>
                    <span className="tpl-block">
                      {t("templates.indicator.numerator")}: <FormulaText formula={i.numerator} />
                    </span>
                    {i.denominator !== null ? (
                      <span className="tpl-block">
                        {t("templates.indicator.denominator")}: <FormulaText formula={i.denominator} />
                      </span>
                    ) : null}
                    <span className="help tpl-block">{t("templates.indicator.factor", { factor: i.factor, decimals: i.decimals })}</span>
                  </td>
                  <td>{t(`templates.direction.${i.direction}` as MessageKey)}</td>
                  <td>{t("templates.indicator.bandValues", { green: i.bands.green, yellow: i.bands.yellow })}</td>
                  {showOrigin ? (
                    <td>
                      <OriginBadge origin={i.origin} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="targets" aria-labelledby="targets-title" className="spaced">
        <h2 id="targets-title">{t("templates.detail.targets")}</h2>
        {view.targets.length === 0 ? <p className="empty">{t("templates.detail.noTargets")}</p> : null}
        {view.targets.length > 0 ? (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("templates.target.indicator")}</th>
                  <th scope="col">{t("templates.target.year")}</th>
                  <th scope="col">{t("templates.target.scope")}</th>
                  <th scope="col" className="num">
                    {t("templates.target.value")}
                  </th>
                  <th scope="col">{t("templates.target.profile")}</th>
                  {showOrigin ? <th scope="col">{t("templates.field.origin")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {view.targets.map((target) => (
                  <tr key={`${target.indicator}|${target.year}|${target.level}|${target.org ?? ""}`}>
                    <td>
                      {target.indicatorName ? txt(target.indicatorName) : target.indicator} <span className="muted">({target.indicator})</span>
                    </td>
                    <td>{target.year}</td>
                    <td>
                      {t(`level.${target.level}` as MessageKey)}
                      {target.org ? ` · ${target.orgName ?? target.org} (${target.org})` : ""}
                    </td>
                    <td className="num">{target.value}</td>
                    <td>
                      {t(`templates.profile.${target.profile}` as MessageKey)}
                      {target.profileValues.length > 0 ? <span className="help tpl-block">{target.profileValues.join(" · ")}</span> : null}
                    </td>
                    {showOrigin ? (
                      <td>
                        <OriginBadge origin={target.origin} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section id="rules" aria-labelledby="rules-title" className="spaced">
        <h2 id="rules-title">{t("templates.detail.rules")}</h2>
        {view.rules.length === 0 ? <p className="empty">{t("templates.detail.noRules")}</p> : null}
        {view.rules.length > 0 ? (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("templates.rule.message")}</th>
                  <th scope="col">{t("templates.rule.form")}</th>
                  <th scope="col">{t("templates.rule.check")}</th>
                  <th scope="col">{t("templates.rule.severity")}</th>
                  {showOrigin ? <th scope="col">{t("templates.field.origin")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {view.rules.map((r) => (
                  <tr key={r.key}>
                    <td>
                      <span className="rule-message">{txt(r.message)}</span>
                      <span className="help tpl-block">
                        <code>{r.key}</code>
                      </span>
                    </td>
                    <td>{r.formTitle ? txt(r.formTitle) : r.form}</td>
                    <td>
                      <FormulaText formula={r.left} /> <strong>{r.op}</strong> <FormulaText formula={r.right} />
                    </td>
                    <td>
                      <span className={`badge ${r.severity === "error" ? "returned" : "submitted"}`}>{t(`templates.severity.${r.severity}` as MessageKey)}</span>
                    </td>
                    {showOrigin ? (
                      <td>
                        <OriginBadge origin={r.origin} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}
