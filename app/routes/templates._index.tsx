import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { formatUtc, pickText } from "~/components/templates/text";
import { DataTable } from "~/components/DataTable";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { draftablePackages, editableDrafts } from "~/models/designer.server";
import { libraryAccess } from "~/auth/policy.server";
import { adoptPackage, listLibrary } from "~/models/template-library.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.templates");

/** Admins only: national admins see every package and overlay; district admins national packages and their districts' overlays. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const url = new URL(request.url);
  const published = url.searchParams.get("published");
  const publishedVersion = Number(url.searchParams.get("version"));
  return {
    packages: await listLibrary(access),
    drafts: Object.fromEntries(await editableDrafts(access)),
    draftable: [...(await draftablePackages(access))],
    canCreate: access.national || access.districts.length > 0,
    notice: published && Number.isInteger(publishedVersion) ? { key: published, version: publishedVersion } : null,
    national: access.national,
    districts: access.districts.map((g) => ({ code: g.orgCode, name: g.orgName })),
  };
}

/**
 * "Adopsi untuk kabupaten/kota saya": an empty overlay on the latest national version. The
 * district comes from the session; a `district` field naming another unit is refused (403).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const { t } = await serverT(request, user);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  if (intent !== "adopt") return data({ ok: false, message: t("templates.error.intent"), packageKey: "" }, { status: 400 });
  const packageKey = formString(form, "package", 100);
  const result = await adoptPackage(access, packageKey, formString(form, "district", 64).trim(), { userId: user.id, ip: clientIp(context) });
  if (result.ok) {
    return {
      ok: true,
      message: t(result.created ? "templates.adopted" : "templates.adoptedAlready", {
        district: result.districtName,
        package: packageKey,
        version: result.baseVersion,
      }),
      packageKey,
    };
  }
  const message =
    result.problem === "exists"
      ? t("templates.error.adoptExists")
      : result.problem === "chooseDistrict"
        ? t("templates.error.chooseDistrict")
        : t("templates.error.adoptInvalid", { detail: result.errors.map((e) => e.message).join(" ") });
  return data({ ok: false, message, packageKey }, { status: result.status });
}

export default function TemplatesPage() {
  const { packages, national, districts, drafts, draftable, canCreate, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t("templates.title")}</h1>
          <p>{national ? t("templates.intro.national") : t("templates.intro.district", { districts: districts.map((d) => d.name).join(", ") })}</p>
        </div>
        <div className="sc-actions">
          {canCreate ? (
            <Link className="button secondary" to="/designer/new">
              {t("designer.library.new")}
            </Link>
          ) : null}
          <Link className="button" to="/templates/import">
            {t("templates.import.link")}
          </Link>
        </div>
      </div>
      {notice ? (
        <div className="alert success" role="status">
          {t("designer.library.published", { key: notice.key, version: notice.version })}
        </div>
      ) : null}
      {result?.message ? (
        <div className={`alert ${result.ok ? "success" : "error"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </div>
      ) : null}
      {packages.length === 0 ? <p className="empty">{t("templates.empty")}</p> : null}
      {packages.map((p) => (
        <section key={p.key} className="card spaced template-package" aria-labelledby={`pkg-${p.key}`}>
          <div className="template-package-head">
            <h2 id={`pkg-${p.key}`}>
              {p.title} <span className="muted template-key">{p.key}</span>
            </h2>
            {p.latestVersion !== null ? <span className="muted">{t("templates.latest", { version: p.latestVersion })}</span> : null}
          </div>
          {drafts[p.key] !== undefined ? (
            <p>
              <Link className="button small" to={`/designer/${encodeURIComponent(p.key)}/${drafts[p.key]}`}>
                {t("designer.library.continue", { version: drafts[p.key] })}
              </Link>
            </p>
          ) : draftable.includes(p.key) ? (
            <Form method="post" action="/designer/new" className="inline-form">
              <input type="hidden" name="intent" value="fromLatest" />
              <input type="hidden" name="package" value={p.key} />
              <button type="submit" className="button small" disabled={navigation.state === "submitting"}>
                {t("designer.library.newVersion")}
              </button>
            </Form>
          ) : null}

          <h3>{t("templates.versions")}</h3>
          <DataTable
            rows={p.versions}
            rowKey={(v) => v.version}
            columns={[
              { header: t("templates.col.version"), className: "num", cell: (v) => <>v{v.version}</> },
              { header: t("templates.col.title"), cell: (v) => v.title },
              {
                header: t("templates.col.status"),
                cell: (v) => (
                  <span className={`badge ${v.status === "published" ? "approved" : "draft"}`}>{t(`templates.status.${v.status}` as MessageKey)}</span>
                ),
              },
              {
                header: t("templates.col.owner"),
                cell: (v) => (
                  <>
                    {v.ownerName} <span className="muted">({v.ownerCode})</span>
                  </>
                ),
              },
              { header: t("templates.col.published"), cell: (v) => formatUtc(v.publishedAt) },
              { header: t("templates.col.effectiveFrom"), cell: (v) => v.effectiveFrom ?? "–" },
            ]}
            actions={{
              header: t("table.action"),
              className: "actions",
              cell: (v) =>
                v.status === "draft" ? (
                  <Link
                    to={`/designer/${encodeURIComponent(p.key)}/${v.version}`}
                    aria-label={t("designer.library.openDraft", { package: p.key, version: v.version })}
                  >
                    {t("designer.library.edit")}
                  </Link>
                ) : (
                  <>
                    <Link
                      to={`/templates/${encodeURIComponent(p.key)}/${v.version}`}
                      aria-label={t("templates.openVersion", { package: p.key, version: v.version })}
                    >
                      {t("templates.open")}
                    </Link>{" "}
                    <a
                      href={`/templates/${encodeURIComponent(p.key)}/${v.version}/export`}
                      download
                      aria-label={t("templates.exportVersion", { package: p.key, version: v.version })}
                    >
                      {t("templates.export")}
                    </a>
                  </>
                ),
            }}
          />

          <h3 className="spaced">{t("templates.usage")}</h3>
          <DataTable
            label={t("templates.usageOf", { package: p.key })}
            rows={p.usage}
            rowKey={(u) => u.districtCode}
            rowProps={(u) => ({ "data-district": u.districtCode })}
            columns={[
              {
                header: t("templates.col.district"),
                cell: (u) => (
                  <>
                    {u.districtName} <span className="muted">({u.districtCode})</span>
                  </>
                ),
              },
              {
                header: t("templates.col.uses"),
                cell: (u) =>
                  u.kind === "overlay" ? (
                    <>
                      <span className="badge origin origin-local">{t("templates.usage.overlayBadge")}</span>{" "}
                      {t("templates.usage.overlay", { version: u.version, base: u.baseVersion })}
                    </>
                  ) : (
                    <>
                      <span className="badge origin origin-national">{t("templates.origin.national")}</span>{" "}
                      {t("templates.usage.national", { version: u.version })}
                    </>
                  ),
              },
            ]}
            actions={{
              header: t("table.action"),
              cell: (u) =>
                u.kind === "overlay" ? (
                  <>
                    <Link to={`/templates/${encodeURIComponent(p.key)}/${u.baseVersion}`}>{t("templates.open")}</Link> ·{" "}
                    <Link to={`/designer/overlay/${encodeURIComponent(u.districtCode)}/${encodeURIComponent(p.key)}`}>{t("overlayDesigner.open")}</Link>
                  </>
                ) : p.adoptable.some((a) => a.code === u.districtCode) ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="adopt" />
                    <input type="hidden" name="package" value={p.key} />
                    <input type="hidden" name="district" value={u.districtCode} />
                    <button type="submit" className="button small" disabled={navigation.state === "submitting"}>
                      {t("templates.adopt")}
                    </button>
                  </Form>
                ) : null,
            }}
          >
            {national && p.latestVersion !== null ? (
              <tr>
                <td colSpan={3} className="muted">
                  {t("templates.usage.others", { count: p.othersOnLatest, version: p.latestVersion })}
                </td>
              </tr>
            ) : null}
          </DataTable>

          {p.overlays.length > 0 ? (
            <>
              <h3 className="spaced">{national ? t("templates.overlays.all") : t("templates.overlays.mine")}</h3>
              <DataTable
                rows={p.overlays}
                rowKey={(o) => `${o.districtCode}-${o.version}`}
                columns={[
                  {
                    header: t("templates.col.district"),
                    cell: (o) => (
                      <>
                        {o.districtName} <span className="muted">({o.districtCode})</span>
                      </>
                    ),
                  },
                  { header: t("templates.col.title"), cell: (o) => pickText(o.title, t.locale) },
                  { header: t("templates.col.version"), className: "num", cell: (o) => <>v{o.version}</> },
                  { header: t("templates.col.base"), className: "num", cell: (o) => <>v{o.baseVersion}</> },
                  {
                    header: t("templates.col.status"),
                    cell: (o) => (
                      <span className={`badge ${o.status === "published" ? "approved" : "draft"}`}>{t(`templates.status.${o.status}` as MessageKey)}</span>
                    ),
                  },
                  { header: t("templates.col.published"), cell: (o) => formatUtc(o.publishedAt) },
                ]}
              />
            </>
          ) : null}
        </section>
      ))}
    </div>
  );
}
