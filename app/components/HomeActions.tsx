import { Link } from "@remix-run/react";
import { useT } from "~/i18n/useT";
import { ActionStatusBadge } from "./ActionFields";

interface HomeAction {
  id: number;
  problem: string;
  status: string;
  due_date: string;
  responsible_name: string;
  overdue?: boolean;
}

/** The home page's follow-up actions: the operator's open ones (overdue first) and those waiting for the district's confirmation. */
export function HomeActions({ open, toConfirm, isOperator }: { open: readonly HomeAction[]; toConfirm: readonly HomeAction[]; isOperator: boolean }) {
  const t = useT();
  const sorted = [...open].sort((a, b) => Number(Boolean(b.overdue)) - Number(Boolean(a.overdue)) || a.due_date.localeCompare(b.due_date));
  return (
    <>
      {isOperator ? (
        <section className="card" aria-labelledby="home-actions-title">
          <h2 id="home-actions-title">{t("actions.home.open")}</h2>
          {sorted.length === 0 ? (
            <p className="empty">{t("actions.home.openEmpty")}</p>
          ) : (
            <ul className="act-home-list">
              {sorted.map((a) => (
                <li key={a.id} className={a.overdue ? "act-row-overdue" : undefined}>
                  <strong className="act-text">{a.problem}</strong> · {t("actions.home.due", { date: a.due_date })}{" "}
                  <ActionStatusBadge status={a.status} overdue={Boolean(a.overdue)} />{" "}
                  <Link to={`/actions/${a.id}`} aria-label={`${t("actions.home.update")}: ${a.problem.slice(0, 80)}`}>
                    {t("actions.home.update")}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {toConfirm.length > 0 ? (
        <section className="card" aria-labelledby="home-confirm-title">
          <h2 id="home-confirm-title">{t("actions.home.confirm")}</h2>
          <ul className="act-home-list">
            {toConfirm.map((a) => (
              <li key={a.id}>
                <strong className="act-text">{a.problem}</strong> · {a.responsible_name}{" "}
                <Link to={`/actions/${a.id}`} aria-label={`${t("actions.home.review")}: ${a.problem.slice(0, 80)}`}>
                  {t("actions.home.review")}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
