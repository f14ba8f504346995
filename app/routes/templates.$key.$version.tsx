import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { notFound, requireUser } from "~/auth/guards.server";
import { FormulaText } from "~/components/templates/FormulaText";
import { OriginBadge } from "~/components/templates/OriginBadge";
import { ShowIf } from "~/components/templates/ShowIf";
import { formatUtc, pickText } from "~/components/templates/text";
import { DataTable } from "~/components/DataTable";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { draftablePackages, editableDrafts } from "~/models/designer.server";
import { libraryAccess } from "~/auth/policy.server";
import { packageView } from "~/models/template-library.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.template");

/**
 * Admins only: a published package version, read-only. A district admin whose overlay builds
 * on this version sees the effective package with national/local/overridden marks.
 * `?format=json` hands over to the export route, so the page's URL plus a format downloads it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const version = Number(params.version);
  if (!params.key || !Number.isInteger(version) || version < 1) throw notFound(user, "access.package.notFound");
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
            <OriginBadge origin="national" /> {t("templates.legend.national")} <OriginBadge origin="local" /> {t("templates.legend.local")}{" "}
            <OriginBadge origin="overridden" /> {t("templates.legend.overridden")} <span className="badge hidden-badge">{t("templates.hidden")}</span>{" "}
            {t("templates.legend.hidden")}
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
        <a href="#forms">{t("templates.detail.forms")}</a> · <a href="#indicators">{t("templates.detail.indicators")}</a> ·{" "}
        <a href="#targets">{t("templates.detail.targets")}</a> · <a href="#rules">{t("templates.detail.rules")}</a>
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
                <DataTable
                  className={`data template-fields${showOrigin ? " with-origin" : ""}`}
                  rows={section.fields}
                  rowKey={(f) => f.key}
                  rowProps={(f) => ({ className: f.hidden ? "field-hidden" : undefined, "data-field": f.key })}
                  columns={[
                    {
                      header: t("templates.field.label"),
                      cell: (f) => (
                        <>
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
                        </>
                      ),
                    },
                    { header: t("templates.field.key"), cell: (f) => <code>{f.key}</code> },
                    {
                      header: t("templates.field.type"),
                      cell: (f) => (
                        <>
                          {t(`templates.type.${f.type}` as MessageKey)}
                          {f.min !== null || f.max !== null ? (
                            <span className="help tpl-block">{t("templates.field.range", { min: f.min ?? "–", max: f.max ?? "–" })}</span>
                          ) : null}
                        </>
                      ),
                    },
                    { header: t("templates.field.unit"), cell: (f) => f.unit ?? "–" },
                    {
                      header: t("templates.field.required"),
                      cell: (f) => (f.required ? t("templates.field.requiredYes") : f.optional ? t("templates.field.optional") : t("templates.value.no")),
                    },
                    {
                      header: t("templates.field.logic"),
                      cell: (f) => (
                        <>
                          {f.showIf ? <ShowIf showIf={f.showIf} /> : null}
                          {f.calculate !== null ? (
                            <span className="tpl-block">
                              {t("templates.field.calculated")} <FormulaText formula={f.calculate} />
                            </span>
                          ) : null}
                          {f.showIf === null && f.calculate === null ? "–" : null}
                        </>
                      ),
                    },
                    showOrigin
                      ? {
                          header: t("templates.field.origin"),
                          cell: (f) => (f.hidden ? <span className="badge hidden-badge">{t("templates.hidden")}</span> : <OriginBadge origin={f.origin} />),
                        }
                      : null,
                  ]}
                />
              </div>
            ))}
          </section>
        ))}
      </section>

      <section id="indicators" aria-labelledby="indicators-title" className="spaced">
        <h2 id="indicators-title">{t("templates.detail.indicators")}</h2>
        <DataTable
          rows={view.indicators}
          rowKey={(i) => i.key}
          rowProps={(i) => ({ "data-indicator": i.key })}
          columns={[
            {
              header: t("templates.indicator.name"),
              cell: (i) => (
                <>
                  <span className="indicator-name">{txt(i.name)}</span>
                  <span className="help tpl-block">
                    <code>{i.key}</code>
                    {i.unit ? ` · ${i.unit}` : ""}
                    {i.ytd ? ` · ${t("templates.indicator.ytd")}` : ""}
                  </span>
                </>
              ),
            },
            {
              header: t("templates.indicator.group"),
              cell: (i) => (
                <>
                  {i.groupName ? txt(i.groupName) : i.group}
                  {i.cluster ? <span className="help tpl-block">{t("templates.indicator.cluster", { cluster: i.cluster })}</span> : null}
                </>
              ),
            },
            {
              header: t("templates.indicator.formula"),
              cell: (i) => (
                <>
                  <span className="tpl-block">
                    {t("templates.indicator.numerator")}: <FormulaText formula={i.numerator} />
                  </span>
                  {i.denominator !== null ? (
                    <span className="tpl-block">
                      {t("templates.indicator.denominator")}: <FormulaText formula={i.denominator} />
                    </span>
                  ) : null}
                  <span className="help tpl-block">{t("templates.indicator.factor", { factor: i.factor, decimals: i.decimals })}</span>
                </>
              ),
            },
            { header: t("templates.indicator.direction"), cell: (i) => t(`templates.direction.${i.direction}` as MessageKey) },
            { header: t("templates.indicator.bands"), cell: (i) => t("templates.indicator.bandValues", { green: i.bands.green, yellow: i.bands.yellow }) },
            showOrigin ? { header: t("templates.field.origin"), cell: (i) => <OriginBadge origin={i.origin} /> } : null,
          ]}
        />
      </section>

      <section id="targets" aria-labelledby="targets-title" className="spaced">
        <h2 id="targets-title">{t("templates.detail.targets")}</h2>
        <DataTable
          rows={view.targets}
          rowKey={(target) => `${target.indicator}|${target.year}|${target.level}|${target.org ?? ""}`}
          empty={t("templates.detail.noTargets")}
          columns={[
            {
              header: t("templates.target.indicator"),
              cell: (target) => (
                <>
                  {target.indicatorName ? txt(target.indicatorName) : target.indicator} <span className="muted">({target.indicator})</span>
                </>
              ),
            },
            { header: t("templates.target.year"), cell: (target) => target.year },
            {
              header: t("templates.target.scope"),
              cell: (target) => (
                <>
                  {t(`level.${target.level}` as MessageKey)}
                  {target.org ? ` · ${target.orgName ?? target.org} (${target.org})` : ""}
                </>
              ),
            },
            { header: t("templates.target.value"), headerClassName: "num", className: "num", cell: (target) => target.value },
            {
              header: t("templates.target.profile"),
              cell: (target) => (
                <>
                  {t(`templates.profile.${target.profile}` as MessageKey)}
                  {target.profileValues.length > 0 ? <span className="help tpl-block">{target.profileValues.join(" · ")}</span> : null}
                </>
              ),
            },
            showOrigin ? { header: t("templates.field.origin"), cell: (target) => <OriginBadge origin={target.origin} /> } : null,
          ]}
        />
      </section>

      <section id="rules" aria-labelledby="rules-title" className="spaced">
        <h2 id="rules-title">{t("templates.detail.rules")}</h2>
        <DataTable
          rows={view.rules}
          rowKey={(r) => r.key}
          empty={t("templates.detail.noRules")}
          columns={[
            {
              header: t("templates.rule.message"),
              cell: (r) => (
                <>
                  <span className="rule-message">{txt(r.message)}</span>
                  <span className="help tpl-block">
                    <code>{r.key}</code>
                  </span>
                </>
              ),
            },
            { header: t("templates.rule.form"), cell: (r) => (r.formTitle ? txt(r.formTitle) : r.form) },
            {
              header: t("templates.rule.check"),
              cell: (r) => (
                <>
                  <FormulaText formula={r.left} /> <strong>{r.op}</strong> <FormulaText formula={r.right} />
                </>
              ),
            },
            {
              header: t("templates.rule.severity"),
              cell: (r) => (
                <span className={`badge ${r.severity === "error" ? "returned" : "submitted"}`}>{t(`templates.severity.${r.severity}` as MessageKey)}</span>
              ),
            },
            showOrigin ? { header: t("templates.field.origin"), cell: (r) => <OriginBadge origin={r.origin} /> } : null,
          ]}
        />
      </section>
    </div>
  );
}
