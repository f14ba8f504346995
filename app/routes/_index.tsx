import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { hasRole, requireUser } from "~/auth/guards.server";
import { ADMIN_ROLES, homeSections } from "~/auth/policy.server";
import { id, type MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { unitLabel } from "~/contracts/unit-label";
import { adminHome, areaCompleteness, operatorHome, previousMonthPeriod, scopeStats, verifierHome } from "~/models/home.server";
import styles from "~/styles/locks.css";
import actionStyles from "~/styles/actions.css";
import { homeActions } from "~/models/actions.server";
import { HomeActions } from "~/components/HomeActions";
import { DataTable } from "~/components/DataTable";
import { pageTitle } from "~/i18n/title";

export const links = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: actionStyles },
];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.home");

/** Home per role: what is due (operator), what waits (verifier), what is new (admin, facilitator). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { operator: operatorGrants, verifier: verifierGrants, admin: adminGrants, overview: overviewGrants } = homeSections(user);
  // The per-area table needs two areas or more: not read for one district's staff.
  const severalAreas =
    overviewGrants.some((g) => g.orgLevel === "national" || g.orgLevel === "province") || new Set(overviewGrants.map((g) => g.orgCode)).size > 1;
  // Independent reads: side by side (SQLite serves them on its read connections).
  const [operator, verifier, admin, stats, areas, actions] = await Promise.all([
    operatorGrants.length ? operatorHome(operatorGrants) : null,
    verifierGrants.length ? verifierHome(verifierGrants) : null,
    adminGrants.length ? adminHome(adminGrants) : null,
    overviewGrants.length ? scopeStats(overviewGrants) : null,
    severalAreas ? areaCompleteness(overviewGrants, previousMonthPeriod().period) : null,
    homeActions(user),
  ]);
  return {
    name: user.displayName,
    scopes: user.grants.map((g) => ({ role: g.role, name: g.orgName })),
    operator,
    verifier,
    admin,
    stats,
    // One area is what the tiles already say.
    areas: areas && areas.length >= 2 ? areas : null,
    isAdmin: hasRole(user, ADMIN_ROLES),
    // Follow-up actions are answered for by the Puskesmas: a village operator has none of their own (decision 035).
    answersForActions: user.grants.some((g) => g.role === "puskesmas_operator"),
    actions,
  };
}

function StatusBadge({ status }: { status: string }) {
  const t = useT();
  return <span className={`badge ${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const auditLabel = (action: string) => (`audit.${action}` in id ? t(`audit.${action}` as MessageKey) : action);
  const pick = (text: { id: string; en?: string }) => (t.locale === "en" && text.en ? text.en : text.id);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t("home.greeting", { name: d.name })}</h1>
          <p>{t("home.scope", { scope: d.scopes.map((s) => `${s.name} (${t(`role.${s.role}` as MessageKey)})`).join("; ") })}</p>
        </div>
      </div>

      {d.stats ? (
        <section aria-labelledby="stats-title" className="stats">
          <h2 id="stats-title" className="visually-hidden">
            {t("home.facilitator.title")}
          </h2>
          <div className="stat">
            <span className="value">{d.stats.puskesmas}</span>
            <span className="label">{t("home.stat.puskesmas")}</span>
          </div>
          <div className="stat">
            <span className="value">{d.stats.reported}</span>
            <span className="label">{t("home.stat.reported", { period: d.stats.period })}</span>
          </div>
          <div className="stat">
            <span className="value">{d.stats.completeness === null ? "–" : `${d.stats.completeness}%`}</span>
            <span className="label">{t("home.stat.completeness")}</span>
          </div>
          <div className="stat">
            <span className="value small-value">{d.stats.lastChange ? d.stats.lastChange.slice(0, 16).replace("T", " ") : "–"}</span>
            <span className="label">{d.stats.lastChange ? t("home.stat.lastChange") : t("home.facilitator.noData")}</span>
          </div>
        </section>
      ) : null}

      {d.areas && d.stats ? (
        <section className="card" aria-labelledby="areas-title">
          <h2 id="areas-title">{t("home.areas.title", { period: d.stats.period })}</h2>
          <p className="muted">{t("home.areas.intro")}</p>
          <DataTable
            rows={d.areas}
            rowKey={(a) => a.code}
            columns={[
              { header: t(d.areas[0].level === "province" ? "level.province" : "level.district"), rowHeader: true, cell: (a) => a.name },
              { header: t("home.stat.puskesmas"), headerClassName: "num", className: "num", cell: (a) => a.puskesmas },
              { header: t("home.areas.reported"), headerClassName: "num", className: "num", cell: (a) => a.reported },
              {
                header: t("home.stat.completeness"),
                cell: (a) =>
                  a.completeness === null ? (
                    "–"
                  ) : (
                    <span className="locks-progress">
                      <progress max={100} value={a.completeness} aria-hidden="true" />
                      <span>{a.completeness}%</span>
                    </span>
                  ),
              },
            ]}
            actions={{
              header: t("home.areas.scorecard"),
              hideHeader: true,
              cell: (a) => (
                <Link to={`/scorecards?parent=${encodeURIComponent(a.code)}`} aria-label={t("home.areas.scorecardOf", { name: a.name })}>
                  {t("home.areas.scorecard")}
                </Link>
              ),
            }}
          />
        </section>
      ) : null}

      {d.operator ? (
        <section className="card" aria-labelledby="due-title">
          <h2 id="due-title">{t("locks.home.title")}</h2>
          {d.operator.units.map((u) => (
            <p key={u.code} className="unit-line">
              {t("home.unit", { name: u.name, code: u.code })}
            </p>
          ))}
          {d.operator.progress.total > 0 ? (
            <p className="locks-progress">
              <progress max={d.operator.progress.total} value={d.operator.progress.done} aria-labelledby="progress-text" />
              <span id="progress-text">{t("locks.home.progress", { done: d.operator.progress.done, total: d.operator.progress.total })}</span>
            </p>
          ) : null}
          {d.operator.progress.late > 0 ? (
            <div className="alert warning" role="status">
              {t("locks.home.late", { count: d.operator.progress.late })}
            </div>
          ) : null}
          <DataTable
            stacked
            rows={d.operator.due}
            rowKey={(row) => `${row.unitCode}-${row.formKey}-${row.period}`}
            empty={t("home.due.empty")}
            columns={[
              {
                header: t("home.due.form"),
                cell: (row) => (
                  <Link
                    to={`/forms/${encodeURIComponent(row.formKey)}/${encodeURIComponent(row.period)}${row.unitCode === d.operator!.implicitUnit ? "" : `?unit=${encodeURIComponent(row.unitCode)}`}`}
                    aria-label={`${pick(row.title)} ${row.period}${d.operator!.several ? ` · ${row.unitName}` : ""}`}
                  >
                    {pick(row.title)}
                  </Link>
                ),
              },
              d.operator.several
                ? {
                    header: t("village.forms.colUnit"),
                    cell: (row) => unitLabel(t(`level.${row.unitLevel}` as MessageKey), row.unitName),
                  }
                : null,
              { header: t("home.due.period"), cell: (row) => row.period },
              {
                header: t("home.due.deadline"),
                cell: (row) => (
                  <>
                    {row.deadline}
                    {row.unlockedUntil ? <span className="locks-sub muted">{t("locks.unlockedUntil", { at: row.unlockedUntil.slice(0, 10) })}</span> : null}
                  </>
                ),
              },
              {
                header: t("home.due.status"),
                cell: (row) => (
                  <>
                    <StatusBadge status={row.display} />
                    {row.display === "late" && row.status !== "missing" ? (
                      <span className="locks-sub muted">{t(`status.${row.status}` as MessageKey)}</span>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
          <h3 className="spaced">{t("home.recent.title")}</h3>
          {d.operator.recent.length === 0 ? (
            <p className="empty">{t("home.recent.empty")}</p>
          ) : (
            <ul className="plain recent-list">
              {d.operator.recent.map((s) => (
                <li key={s.id}>
                  <strong>{pick(s.title)}</strong> · {s.period}
                  {d.operator!.several ? <> · {s.unitName}</> : null} <StatusBadge status={s.status} />
                  {s.return_note ? <span className="muted"> — {s.return_note}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <HomeActions open={d.actions.open} toConfirm={d.actions.toConfirm} isOperator={d.answersForActions} />

      {d.verifier ? (
        <section className="card" aria-labelledby="queue-title">
          <h2 id="queue-title">{t("home.queue.title")}</h2>
          <p>{d.verifier.queueCount > 0 ? t("home.queue.count", { count: d.verifier.queueCount }) : t("home.queue.empty")}</p>
          {d.verifier.queue.length > 0 ? (
            <ul className="plain">
              {d.verifier.queue.map((s) => (
                <li key={s.id}>
                  {s.unit} · <strong>{pick(s.title)}</strong> · {s.period} <span className="muted">{s.submitted_at?.slice(0, 10)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      {d.admin ? (
        <div className="grid">
          <section className="card" aria-labelledby="pkg-title">
            <h2 id="pkg-title">{t("home.admin.templates")}</h2>
            {d.admin.packages.length === 0 ? (
              <p className="empty">{t("home.admin.templatesEmpty")}</p>
            ) : (
              <ul className="plain">
                {d.admin.packages.map((p) => (
                  <li key={`${p.key}-${p.version}`}>
                    <strong>{p.title}</strong>{" "}
                    <span className="muted">
                      {p.key} · {t("table.version")} {p.version}
                    </span>{" "}
                    <span className={`badge ${p.status === "published" ? "approved" : "draft"}`}>
                      {p.status === "published" ? t("templates.status.published") : t("status.draft")}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="audit-title">
            <h2 id="audit-title">{t("home.admin.audit")}</h2>
            <ul className="plain">
              {d.admin.audit.map((a) => (
                <li key={a.id}>
                  <span className="muted">{a.at.slice(0, 16).replace("T", " ")} UTC</span> · {a.username ?? t("home.system")} · {auditLabel(a.action)}
                </li>
              ))}
            </ul>
            {d.isAdmin ? (
              <p>
                <Link to="/users">{t("nav.users")} →</Link>
              </p>
            ) : null}
          </section>
        </div>
      ) : null}
    </div>
  );
}
