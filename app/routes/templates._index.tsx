import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { formatUtc, pickText } from "~/components/templates/text";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { draftablePackages, editableDrafts } from "~/models/designer.server";
import { libraryAccess } from "~/auth/policy.server";
import { adoptPackage, listLibrary } from "~/models/template-library.server";
import { clientIp, formString, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Templat · Pantau ILP" }];

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
      message: t(result.created ? "templates.adopted" : "templates.adoptedAlready", { district: result.districtName, package: packageKey, version: result.baseVersion }),
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
            {p.latestVersion !== null ? (
              <span className="muted">{t("templates.latest", { version: p.latestVersion })}</span>
            ) : null}
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
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("templates.col.version")}</th>
                  <th scope="col">{t("templates.col.title")}</th>
                  <th scope="col">{t("templates.col.status")}</th>
                  <th scope="col">{t("templates.col.owner")}</th>
                  <th scope="col">{t("templates.col.published")}</th>
                  <th scope="col">{t("table.action")}</th>
                </tr>
              </thead>
              <tbody>
                {p.versions.map((v) => (
                  <tr key={v.version}>
                    <td className="num">v{v.version}</td>
                    <td>{v.title}</td>
                    <td>
                      <span className={`badge ${v.status === "published" ? "approved" : "draft"}`}>{t(`templates.status.${v.status}` as MessageKey)}</span>
                    </td>
                    <td>
                      {v.ownerName} <span className="muted">({v.ownerCode})</span>
                    </td>
                    <td>{formatUtc(v.publishedAt)}</td>
                    <td className="actions">
                      {v.status === "draft" ? (
                        <Link to={`/designer/${encodeURIComponent(p.key)}/${v.version}`} aria-label={t("designer.library.openDraft", { package: p.key, version: v.version })}>
                          {t("designer.library.edit")}
                        </Link>
                      ) : (
                        <>
                          <Link to={`/templates/${encodeURIComponent(p.key)}/${v.version}`} aria-label={t("templates.openVersion", { package: p.key, version: v.version })}>
                            {t("templates.open")}
                          </Link>{" "}
                          <a href={`/templates/${encodeURIComponent(p.key)}/${v.version}/export`} download aria-label={t("templates.exportVersion", { package: p.key, version: v.version })}>
                            {t("templates.export")}
                          </a>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3 className="spaced">{t("templates.usage")}</h3>
          <div className="table-wrap">
            <table className="data" aria-label={t("templates.usageOf", { package: p.key })}>
              <thead>
                <tr>
                  <th scope="col">{t("templates.col.district")}</th>
                  <th scope="col">{t("templates.col.uses")}</th>
                  <th scope="col">{t("table.action")}</th>
                </tr>
              </thead>
              <tbody>
                {p.usage.map((u) => (
                  <tr key={u.districtCode} data-district={u.districtCode}>
                    <td>
                      {u.districtName} <span className="muted">({u.districtCode})</span>
                    </td>
                    <td>
                      {u.kind === "overlay" ? (
                        <>
                          <span className="badge origin origin-local">{t("templates.usage.overlayBadge")}</span>{" "}
                          {t("templates.usage.overlay", { version: u.version, base: u.baseVersion })}
                        </>
                      ) : (
                        <>
                          <span className="badge origin origin-national">{t("templates.origin.national")}</span> {t("templates.usage.national", { version: u.version })}
                        </>
                      )}
                    </td>
                    <td>
                      {u.kind === "overlay" ? (
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
                      ) : null}
                    </td>
                  </tr>
                ))}
                {national && p.latestVersion !== null ? (
                  <tr>
                    <td colSpan={3} className="muted">
                      {t("templates.usage.others", { count: p.othersOnLatest, version: p.latestVersion })}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>

          {p.overlays.length > 0 ? (
            <>
              <h3 className="spaced">{national ? t("templates.overlays.all") : t("templates.overlays.mine")}</h3>
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t("templates.col.district")}</th>
                      <th scope="col">{t("templates.col.title")}</th>
                      <th scope="col">{t("templates.col.version")}</th>
                      <th scope="col">{t("templates.col.base")}</th>
                      <th scope="col">{t("templates.col.status")}</th>
                      <th scope="col">{t("templates.col.published")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.overlays.map((o) => (
                      <tr key={`${o.districtCode}-${o.version}`}>
                        <td>
                          {o.districtName} <span className="muted">({o.districtCode})</span>
                        </td>
                        <td>{pickText(o.title, t.locale)}</td>
                        <td className="num">v{o.version}</td>
                        <td className="num">v{o.baseVersion}</td>
                        <td>
                          <span className={`badge ${o.status === "published" ? "approved" : "draft"}`}>{t(`templates.status.${o.status}` as MessageKey)}</span>
                        </td>
                        <td>{formatUtc(o.publishedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </section>
      ))}
    </div>
  );
}
