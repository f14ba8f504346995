import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { localText } from "@engine";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useEffect, useMemo, useState } from "react";
import { requireUser } from "~/auth/guards.server";
import { operatorGrants } from "~/auth/policy.server";
import { EntryForm } from "~/components/form/EntryForm";
import { ErrorSummary, fieldMessagesOf, type SummaryProblem } from "~/components/form/ErrorSummary";
import { clearLocalDraft, draftStorageKey, readLocalDraft, sameAnswers, useLocalAutosave, type LocalDraft } from "~/components/form/localDraft";
import { useServerAutosave } from "~/components/form/serverAutosave";
import { translate, type MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { unitLabel } from "~/contracts/unit-label";
import { loadEntry, operatorUnit, parseSaveForm, saveEntry, type RefusedResult, type SaveResult } from "~/models/entry.server";
import { clientIp, readForm } from "~/utils/http.server";
import { metaLocale, pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) =>
  pageTitle(matches, "meta.form", { form: d?.title ?? translate(metaLocale(matches), "meta.formFallback") });

/**
 * Operators only, for the units they enter for (from the session; `?unit=` only picks among them:
 * a Puskesmas operator's Puskesmas, Pustu and Posyandu, a village operator's Pustu and its
 * Posyandu; docs/decisions/035-village-reporting.md). A fresh idempotency key per rendering of the
 * page (docs/security.md item 17).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const unit = await operatorUnit(user, new URL(request.url).searchParams.get("unit"));
  const entry = await loadEntry(unit, String(params.formKey ?? ""), String(params.period ?? ""), user);
  return {
    unit: { code: unit.code, name: unit.name },
    unitLevel: unit.level,
    /** Entered on behalf of a Pustu or Posyandu below the operator's own unit. */
    onBehalf: !operatorGrants(user).some((g) => g.orgUnitId === unit.id),
    period: String(params.period),
    title: localText(entry.form.title, user.locale === "en" ? "en" : "id") ?? entry.form.title.id,
    form: entry.form,
    hiddenFields: entry.hiddenFields,
    lock: {
      deadline: entry.lock.deadline,
      pastDeadline: entry.lock.pastDeadline,
      locked: entry.lock.locked,
      unlockedUntil: entry.lock.unlock?.expiresAt ?? null,
    },
    schema: entry.schema,
    uiSchema: entry.uiSchema,
    submission: entry.submission
      ? {
          status: entry.submission.status,
          data: entry.submission.data,
          revision: entry.submission.revision,
          returnNote: entry.submission.return_note,
          reopened: entry.submission.reopened,
          updatedAt: entry.submission.updated_at,
        }
      : null,
    idempotencyKey: crypto.randomUUID(),
    autosaveSeconds: autosaveSeconds(),
  };
}

type ActionResult = SaveResult | RefusedResult;

/** Seconds between server autosaves of a draft: PANTAU_AUTOSAVE_SECONDS, default 20 (2–600). */
function autosaveSeconds(): number {
  const n = Number(process.env.PANTAU_AUTOSAVE_SECONDS ?? 20);
  return Number.isFinite(n) ? Math.min(600, Math.max(2, Math.round(n))) : 20;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const unit = await operatorUnit(user, new URL(request.url).searchParams.get("unit"));
  const parsed = parseSaveForm(await readForm(request), user);
  if (!parsed.ok) return data<ActionResult>(parsed.result, { status: parsed.result.status });
  const result = await saveEntry({
    ...parsed.input,
    user,
    unit,
    formKey: String(params.formKey ?? ""),
    period: String(params.period ?? ""),
    ip: clientIp(context),
  });
  return data<ActionResult>(result, { status: result.ok ? 200 : result.status });
}

type Data = Record<string, unknown>;

/** One formatter per language: constructing an Intl.DateTimeFormat costs far more than using it. */
const longDateFormats = new Map<string, Intl.DateTimeFormat>();

/** "2025-01-10" → "10 Januari 2025" (the same on the server and in the browser: UTC). */
function longDate(day: string, locale: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const tag = locale === "en" ? "en-GB" : "id-ID";
  let format = longDateFormats.get(tag);
  if (!format) longDateFormats.set(tag, (format = new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })));
  return format.format(date);
}

export default function FillPage() {
  const d = useLoaderData<typeof loader>();
  // A new form or period is a new page: fresh state.
  return <Fill key={`${d.unit.code}:${d.form.key}:${d.period}`} />;
}

function Fill() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const t = useT();
  const [answers, setAnswers] = useState<Data>(() => (d.submission?.data ?? {}) as Data);
  // The refused save's problems still open: each leaves the page's fields once one of its fields changes.
  const [openProblems, setOpenProblems] = useState<SummaryProblem[]>([]);
  const fieldErrors = useMemo(() => fieldMessagesOf(openProblems), [openProblems]);
  const [offer, setOffer] = useState<LocalDraft | null>(null);
  const [notice, setNotice] = useState<"restored" | "offline" | null>(null);
  const approved = d.submission?.status === "approved";
  // Approved reports are locked by their status; others once the deadline passed without an unlock.
  const locked = approved || d.lock.locked;
  const status = d.submission?.status ?? "missing";
  const location = useLocation();
  const revalidator = useRevalidator();
  const unitParam = new URLSearchParams(location.search).get("unit");
  // Drafts go to the server on their own while the report is new or a draft (a submitted or
  // returned report is changed only by the buttons); the browser copy covers the offline gaps.
  const auto = useServerAutosave({
    url: `/forms/${encodeURIComponent(d.form.key)}/${encodeURIComponent(d.period)}/autosave${unitParam ? `?unit=${encodeURIComponent(unitParam)}` : ""}`,
    data: answers,
    baseRevision: d.submission?.revision ?? 0,
    serverData: (d.submission?.data ?? {}) as Data,
    enabled: !locked && (status === "missing" || status === "draft") && offer === null,
    intervalMs: d.autosaveSeconds * 1000,
    onSaved: () => revalidator.revalidate(),
  });
  const revision = Math.max(d.submission?.revision ?? 0, auto.revision);
  const storageKey = draftStorageKey(d.unit.code, d.form.key, d.period);
  const { online, lastSaved, saveNow, forget } = useLocalAutosave(storageKey, answers, revision, !locked);

  // A local draft the server does not have (typed offline, or the tab closed before saving).
  useEffect(() => {
    if (locked) return;
    const local = readLocalDraft(storageKey);
    if (!local) return;
    const serverData = (d.submission?.data ?? {}) as Data;
    const newer = !d.submission || local.baseRevision >= revision || local.savedAt > d.submission.updatedAt;
    if (newer && !sameAnswers(local.data, serverData)) setOffer(local);
    else clearLocalDraft(storageKey);
    // Only when the page opens: later changes are the user's own.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once on open; later changes are the user's own edits
  }, []);

  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      setOpenProblems([]);
      forget();
    } else {
      setOpenProblems(result.problems);
    }
  }, [result, forget]);

  const onChange = (next: Data) => {
    // An error disappears as soon as an answer it concerns changes: a broken rule from all of its fields.
    setOpenProblems((problems) => {
      const changed = (key: string) => JSON.stringify(next[key]) !== JSON.stringify(answers[key]);
      const rest = problems.filter((p) => !p.fields.some(changed));
      return rest.length === problems.length ? problems : rest;
    });
    setAnswers(next);
  };

  const submitting = navigation.state !== "idle" || auto.saving;
  const failed = result && !result.ok ? result : null;
  const fieldKeys = useMemo(() => new Set(Object.keys(d.schema.properties ?? {})), [d.schema]);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{d.title}</h1>
          <p>{t("entry.unit", { unit: d.unit.name, period: d.period })}</p>
          <p className="muted">{t(d.unitLevel === "puskesmas" ? "entry.unitCode" : "village.forms.unitCode", { code: d.unit.code })}</p>
          {d.onBehalf ? (
            <p className="muted">{t("village.forms.onBehalf", { unit: unitLabel(t(`level.${d.unitLevel}` as MessageKey), d.unit.name) })}</p>
          ) : null}
          <p>
            {t("entry.status")} <span className={`badge ${status}`}>{t(`status.${status}` as MessageKey)}</span>
          </p>
        </div>
        <Link to="/forms">{t("entry.back")}</Link>
      </div>

      {approved ? (
        <div className="alert info" role="status">
          {t("entry.locked")}
        </div>
      ) : d.lock.locked ? (
        <div className="alert warning" role="status">
          {t("entry.deadlineLocked", { deadline: longDate(d.lock.deadline, t.locale) })}
        </div>
      ) : d.lock.unlockedUntil ? (
        <div className="alert info" role="status">
          {t("entry.unlockedUntil", { deadline: longDate(d.lock.deadline, t.locale), until: longDate(d.lock.unlockedUntil.slice(0, 10), t.locale) })}
        </div>
      ) : (
        <p className="muted">{t("entry.deadline", { deadline: longDate(d.lock.deadline, t.locale) })}</p>
      )}
      {d.submission?.status === "returned" && d.submission.returnNote ? (
        <div className="alert warning" role="status">
          <strong>{t(d.submission.reopened ? "entry.reopened" : "entry.returned")}</strong> <span className="return-note">{d.submission.returnNote}</span>
        </div>
      ) : null}
      {!online ? (
        <div className="alert warning" role="status">
          {t("entry.offline")}
        </div>
      ) : null}
      {notice === "offline" ? (
        <div className="alert warning" role="alert">
          {t("entry.offlineSubmit")}
        </div>
      ) : null}
      {notice === "restored" ? (
        <div className="alert success" role="status">
          {t("entry.restored")}
        </div>
      ) : null}
      {offer ? (
        <section className="card restore-offer" aria-labelledby="restore-title">
          <h2 id="restore-title">{t("entry.restoreTitle")}</h2>
          <p>{t("entry.restoreBody", { at: new Date(offer.savedAt).toLocaleString(t.locale === "en" ? "en-GB" : "id-ID") })}</p>
          <div className="button-row">
            <button
              type="button"
              className="button"
              onClick={() => {
                setAnswers(offer.data);
                setOffer(null);
                setNotice("restored");
              }}
            >
              {t("entry.restore")}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                clearLocalDraft(storageKey);
                setOffer(null);
              }}
            >
              {t("entry.discard")}
            </button>
          </div>
        </section>
      ) : null}
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.intent === "submit" ? t("entry.savedSubmit") : t("entry.savedDraft")}
        </div>
      ) : null}
      {failed ? <ErrorSummary result={failed} fieldKeys={fieldKeys} /> : null}

      <Form
        method="post"
        // The server is the validator of record; the browser's own checks would block drafts.
        noValidate
        className="card entry-card"
        onSubmit={(e) => {
          if (!navigator.onLine) {
            e.preventDefault();
            saveNow();
            setNotice("offline");
          } else setNotice(null);
        }}
      >
        <input type="hidden" name="idempotencyKey" value={d.idempotencyKey} />
        <input type="hidden" name="baseRevision" value={revision} />
        <input type="hidden" name="data" value={JSON.stringify(answers)} />
        <EntryForm
          schema={d.schema as unknown as RJSFSchema}
          uiSchema={d.uiSchema as unknown as UiSchema}
          form={d.form}
          overlayHidden={d.hiddenFields}
          data={answers}
          onChange={onChange}
          fieldErrors={fieldErrors}
          readOnly={locked}
        />
        {failed && failed.warnings.length > 0 ? (
          <div className="alert warning" id="confirm-warnings">
            <strong>{t("entry.warningsTitle")}</strong>
            <ul>
              {failed.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
            <label className="checkbox">
              <input type="checkbox" name="confirmWarnings" value="1" id="confirmWarnings" /> {t("entry.confirmWarnings")}
            </label>
          </div>
        ) : null}
        {!locked ? (
          <div className="button-row">
            <button type="submit" name="intent" value="draft" className="button secondary" disabled={submitting}>
              {t("entry.saveDraft")}
            </button>
            <button type="submit" name="intent" value="submit" className="button" disabled={submitting}>
              {t("entry.submit")}
            </button>
            {auto.savedAt ? (
              <span className="muted" role="status">
                {t("entry.serverSaved", { at: new Date(auto.savedAt).toLocaleTimeString(t.locale === "en" ? "en-GB" : "id-ID") })}
              </span>
            ) : null}
            {auto.refused ? <span className="muted">{t("entry.autosaveRefused", { message: auto.refused })}</span> : null}
            {lastSaved ? (
              <span className="muted">{t("entry.localSaved", { at: new Date(lastSaved).toLocaleTimeString(t.locale === "en" ? "en-GB" : "id-ID") })}</span>
            ) : null}
          </div>
        ) : null}
      </Form>
    </div>
  );
}
