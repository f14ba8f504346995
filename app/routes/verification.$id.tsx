import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireUserWithRole } from "~/auth/guards.server";
import { say, type Reader } from "~/i18n/message";
import { VERIFIER_ROLES } from "~/auth/policy.server";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { formatNumberId } from "@engine";
import { STATE_KEYS, STATE_SYMBOLS } from "~/contracts/scorecard";
import { DataTable } from "~/components/DataTable";
import { decide, verificationDetail, type Decision } from "~/models/verification.server";
import { nextInQueue, parseQueueFilters, queueSearch } from "~/models/verification-queue.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.verification");

function reportId(raw: string | undefined, reader: Reader): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw notFound(reader, "access.report.notFound");
  return id;
}

/** What the page says after a decision sent the verifier here: `done=approved|returned`. */
const DONE = { approved: "verification.done.approvedNext", returned: "verification.done.returnedNext" } as const satisfies Record<string, MessageKey>;

/**
 * District verifiers only, and only for reports inside their district (403 otherwise). The queue's
 * filters ride along in the query, so "back" and "next report" stay in the same filtered queue.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, VERIFIER_ROLES);
  const url = new URL(request.url);
  const { filters } = parseQueueFilters(url.searchParams);
  const detail = await verificationDetail(user, reportId(params.id, user));
  const done = url.searchParams.get("done");
  return { ...detail, queue: queueSearch(filters), done: done === "approved" || done === "returned" ? say(user, DONE[done]) : null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, grants } = await requireUserWithRole(request, VERIFIER_ROLES);
  const id = reportId(params.id, user);
  const form = await readForm(request);
  const intent = formString(form, "intent", 10);
  const note = formString(form, "note", 2100);
  if (intent !== "approve" && intent !== "return")
    return data({ ok: false as const, message: say(user, "verification.error.chooseDecision"), field: undefined, note }, { status: 400 });
  const revision = Number(formString(form, "revision", 12));
  const result = await decide({ user, id, decision: intent as Decision, revision: Number.isInteger(revision) ? revision : -1, note, ip: clientIp(context) });
  if (!result.ok) return data({ ok: false as const, message: result.message, field: result.field, note }, { status: result.status });
  // The page's form names the queue it came from: go on to the next report there, or back to it when none is left.
  const queue = form.get("queue");
  if (typeof queue === "string") {
    const { filters } = parseQueueFilters(new URLSearchParams(queue.slice(0, 400)));
    const next = await nextInQueue(user, grants, filters, id);
    const search = new URLSearchParams(queueSearch(filters));
    search.set("done", result.status);
    if (next !== null) return redirect(`/verification/${next}?${search}`);
    search.set("last", "1");
    return redirect(`/verification?${search}`);
  }
  return { ok: true as const, status: result.status, message: null, field: undefined, note: "" };
}

/** An answer as the scorecards show numbers (1.234.567,5: Indonesian grouping, the answer's own decimals). */
function show(value: unknown, t: ReturnType<typeof useT>): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? t("templates.value.yes") : t("templates.value.no");
  if (typeof value === "number") {
    const text = String(value);
    return formatNumberId(value, text.includes("e") ? 10 : (text.split(".")[1] ?? "").length);
  }
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

/** An indicator value or target with its unit ("54,0 %"). */
function withUnit(x: number | null, decimals: number, unit: string | null): string {
  return x === null ? "–" : `${formatNumberId(x, decimals)}${unit ? ` ${unit}` : ""}`;
}

export default function VerificationDetail() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const noteError = result && !result.ok && result.field === "note" ? result.message : null;
  let lastSection = "";
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>
            {t("verification.unitWithCode", { name: d.unit.name, code: d.unit.code })} · {d.formTitle} · {d.period}
          </h1>
          <p>
            {t("entry.status")} <span className={`badge ${d.status}`}>{t(`status.${d.status}` as MessageKey)}</span> ·{" "}
            <Link to={`/submissions/${d.id}/history`}>{t("locks.verification.history")}</Link>
          </p>
          <p className="muted">{t("locks.verification.formVersion", { version: d.packageVersion })}</p>
        </div>
        <Link to={`/verification${d.queue}`}>{t("verification.back")}</Link>
      </div>
      {d.done ? (
        <div className="alert success" role="status">
          {d.done}
        </div>
      ) : null}
      {d.lateEntry ? (
        <div className="alert info" role="note">
          <span className="badge late-entry">{t("backfill.lateEntry")}</span>{" "}
          {t("backfill.verification.banner", {
            actor: d.lateEntry.actor ?? t("locks.history.system"),
            at: `${d.lateEntry.at.slice(0, 16).replace("T", " ")} UTC`,
            deadline: d.deadline ?? "–",
            reason: d.lateEntry.reason,
          })}
        </div>
      ) : null}
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.status === "approved" ? t("verification.approved") : t("verification.returned")}
        </div>
      ) : null}
      {result && !result.ok && !noteError ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}

      <div className="grid verification-grid">
        <section className="card" aria-labelledby="fields-title">
          <h2 id="fields-title">{t("verification.fields")}</h2>
          {d.comparison ? (
            <p>
              {t("verification.compareWith", { period: d.comparison.period, status: t(`status.${d.comparison.status}` as MessageKey) })}
              {d.previousPeriod.status && d.previousPeriod.period !== d.comparison.period ? (
                <> {t("verification.previousNotUsed", { period: d.previousPeriod.period, status: t(`status.${d.previousPeriod.status}` as MessageKey) })}</>
              ) : null}
            </p>
          ) : (
            <p className="muted">
              {t("verification.noComparison")}
              {d.previousPeriod.status ? (
                <> {t("verification.previousNotUsed", { period: d.previousPeriod.period, status: t(`status.${d.previousPeriod.status}` as MessageKey) })}</>
              ) : null}
            </p>
          )}
          {d.flaggedFields > 0 ? (
            <div className="alert warning" role="note">
              {t("verification.flagsSummary", { count: d.flaggedFields })}
            </div>
          ) : null}
          {d.warnings.length > 0 ? (
            <div className="alert warning" role="note">
              <strong>{t("verification.warnings")}</strong>
              <ul>
                {d.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {/* Focusable, so a keyboard can scroll the table sideways on a phone. */}
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="fields-title">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("verification.field")}</th>
                  <th scope="col">{t("verification.current", { period: d.period })}</th>
                  <th scope="col">
                    {d.comparison
                      ? t("verification.comparisonColumn", { period: d.comparison.period, status: t(`status.${d.comparison.status}` as MessageKey) })
                      : t("verification.previous", { period: d.previousPeriod.period })}
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.fields.flatMap((f) => {
                  const rows = [];
                  if (f.section !== lastSection) {
                    lastSection = f.section;
                    rows.push(
                      <tr key={`s-${f.key}`} className="section-row">
                        <th scope="colgroup" colSpan={3}>
                          {f.section}
                        </th>
                      </tr>,
                    );
                  }
                  const changed = show(f.current, t) !== show(f.previous, t) && d.comparison !== null;
                  const flagged = f.flags.length > 0;
                  rows.push(
                    <tr key={f.key} className={[changed ? "changed" : "", flagged ? "flagged" : ""].join(" ").trim() || undefined}>
                      <th scope="row">
                        {f.label}
                        {flagged ? (
                          <ul className="change-flags" aria-label={t("verification.flagLabel")}>
                            {f.flags.map((m, i) => (
                              <li key={i}>
                                <span aria-hidden="true">⚑ </span>
                                {m}
                              </li>
                            ))}
                          </ul>
                        ) : null}
                      </th>
                      <td className={typeof f.current === "number" ? "num" : undefined}>{show(f.current, t)}</td>
                      <td className={typeof f.previous === "number" ? "num" : undefined}>{show(f.previous, t)}</td>
                    </tr>,
                  );
                  return rows;
                })}
              </tbody>
            </table>
          </div>
        </section>

        <section className="card" aria-labelledby="indicators-title">
          <h2 id="indicators-title">{t("verification.indicators")}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="indicators-title">
            <DataTable
              wrapClassName={null}
              rows={d.indicators}
              rowKey={(i) => i.key}
              empty={t("verification.noIndicators")}
              columns={[
                { header: t("verification.indicator"), rowHeader: true, cell: (i) => i.name },
                { header: t("verification.value"), className: "num nowrap", cell: (i) => withUnit(i.value, i.decimals, i.unit) },
                { header: t("verification.target"), className: "num nowrap", cell: (i) => withUnit(i.target, i.decimals, i.unit) },
                {
                  header: t("verification.state"),
                  className: (i) => `sc-${i.state}`,
                  cell: (i) => (
                    <>
                      <span aria-hidden="true">{STATE_SYMBOLS[i.state]}</span> {t(STATE_KEYS[i.state])}
                    </>
                  ),
                },
              ]}
            />
          </div>
        </section>
      </div>

      <section className="card" aria-labelledby="decision-title">
        <h2 id="decision-title">{t("verification.decision")}</h2>
        {d.status === "submitted" && d.pastDeadline && d.deadline ? (
          <div className="alert info" role="note">
            {t("locks.verification.pastDeadline", { deadline: d.deadline })}
          </div>
        ) : null}
        {d.status !== "submitted" ? (
          <p>{t("verification.notSubmitted")}</p>
        ) : (
          <Form method="post">
            <input type="hidden" name="revision" value={d.revision} />
            <input type="hidden" name="queue" value={d.queue} />
            <div className="field">
              <label htmlFor="note">{t("verification.note")}</label>
              <textarea
                id="note"
                name="note"
                rows={3}
                maxLength={2000}
                defaultValue={result && !result.ok ? result.note : ""}
                aria-invalid={noteError ? true : undefined}
                aria-describedby={noteError ? "err-note" : "help-note"}
              />
              <span className="help" id="help-note">
                {t("verification.noteHelp")}
              </span>
              {noteError ? (
                <span className="field-error" id="err-note">
                  {noteError}
                </span>
              ) : null}
            </div>
            <div className="button-row">
              <button type="submit" name="intent" value="approve" className="button" disabled={navigation.state !== "idle"}>
                {t("verification.approve")}
              </button>
              <button type="submit" name="intent" value="return" className="button secondary" disabled={navigation.state !== "idle"}>
                {t("verification.return")}
              </button>
            </div>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{t("verification.history")}</h2>
        <ul className="plain">
          {d.history.map((h) => (
            <li key={h.id}>
              <span className="muted">{h.at.slice(0, 16).replace("T", " ")} UTC</span> · {h.username ?? "—"} · {t(`audit.${h.action}` as MessageKey)}
              {h.to ? (
                <>
                  {" "}
                  ({h.from ? `${t(`status.${h.from}` as MessageKey)} → ` : ""}
                  {t(`status.${h.to}` as MessageKey)}
                  {h.revision ? `, ${t("verification.revision", { revision: h.revision })}` : ""})
                </>
              ) : null}
              {h.note ? <span className="return-note"> — {h.note}</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
