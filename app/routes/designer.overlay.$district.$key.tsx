import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { notFound, requireUser } from "~/auth/guards.server";
import type { Reader } from "~/i18n/message";
import type { DesignerContext, DesignerProblem } from "~/contracts/designer";
import { DesignerShell } from "~/components/designer/DesignerShell";
import { useDesignerState } from "~/components/designer/state";
import { pickText } from "~/components/templates/text";
import { getLocale, serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import {
  checkOverlayDraft,
  loadOverlayDesigner,
  overlayScope,
  publishOverlayDraft,
  rebaseOverlayDraft,
  saveOverlayDraft,
  type OverlayActionResult,
} from "~/models/overlay-designer.server";
import { PACKAGE_KEY_PATTERN, PACKAGE_MAX_BYTES } from "@engine";
import { DESIGNER_BODY_BYTES } from "~/utils/limits";
import { clientIp, formString, readForm } from "~/utils/http.server";
import designerStyles from "~/styles/designer.css";
import formsStyles from "~/styles/designer-forms.css";
import indicatorsStyles from "~/styles/designer-indicators.css";
import overlayStyles from "~/styles/overlay-designer.css";
import { clock } from "~/utils/clock.server";
import { pageTitle } from "~/i18n/title";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: designerStyles },
  { rel: "stylesheet", href: formsStyles },
  { rel: "stylesheet", href: indicatorsStyles },
  { rel: "stylesheet", href: overlayStyles },
];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.overlayDesigner");

/** Percent-encoding can triple a document's size; anything beyond that is refused unread (same limit as app/server/body-limit.server.ts). */
const MAX_BODY_BYTES = DESIGNER_BODY_BYTES;

function parseParams(params: Record<string, string | undefined>, reader: Reader): { district: string; key: string } {
  const district = params.district ?? "";
  const key = params.key ?? "";
  if (!/^[0-9A-Za-z.]{1,40}$/.test(district) || !PACKAGE_KEY_PATTERN.test(key)) throw notFound(reader, "access.overlay.notFound");
  return { district, key };
}

/** District admins of this district (edit) and national admins (read-only); 403 for everyone else. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { district, key } = parseParams(params, user);
  const scope = await overlayScope(user, district, "view");
  return { ...(await loadOverlayDesigner(scope, key, await getLocale(request, user))), currentYear: clock.now().getUTCFullYear() };
}

/**
 * intent=save | check (the designer shell's `{ ok, problems, revision, message, parsed }`),
 * publish (redirects back with ?published=N) and rebase (redirects back with ?rebased=N).
 * Only a district admin of this district may post (403 otherwise).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { district, key } = parseParams(params, user);
  const scope = await overlayScope(user, district, "edit");
  const { t, locale } = await serverT(request, user);
  const actor = { userId: user.id, ip: clientIp(context) };
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
    return data<OverlayActionResult>(
      { ok: false, problems: [], revision: 0, parsed: false, message: t("overlayDesigner.error.tooLarge", { max: Math.round(PACKAGE_MAX_BYTES / 1024) }) },
      { status: 413 },
    );
  }
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const here = `/designer/overlay/${encodeURIComponent(district)}/${encodeURIComponent(key)}`;
  let result: OverlayActionResult;
  if (intent === "save") result = await saveOverlayDraft(scope, key, form, actor, locale);
  else if (intent === "check") result = await checkOverlayDraft(scope, key, form, locale);
  else if (intent === "publish") {
    result = await publishOverlayDraft(scope, key, form, actor, locale);
    if (result.ok) throw redirect(`${here}?published=${result.version}`);
  } else if (intent === "rebase") {
    result = await rebaseOverlayDraft(scope, key, form, actor, locale);
    if (result.ok) throw redirect(`${here}?rebased=${result.version}`);
  } else {
    return data<OverlayActionResult>(
      { ok: false, problems: [], revision: Number(formString(form, "revision", 20)) || 0, message: t("overlayDesigner.error.intent") },
      { status: 400 },
    );
  }
  const { status, ...body } = result;
  return data<OverlayActionResult>(body, { status: status ?? (result.ok || intent === "check" ? 200 : 400) });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The "Terbitkan" tab: a plain-language summary of the saved draft, a confirmation, publish. */
function PublishPanel({ info }: { info: LoaderData }) {
  const t = useT();
  const state = useDesignerState();
  const fetcher = useFetcher<OverlayActionResult>();
  const [confirmed, setConfirmed] = useState(false);
  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d) return;
    if (d.problems?.length) state.setProblems(d.problems as DesignerProblem[]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- react to the fetcher's answer once; the state is a new object each render
  }, [fetcher.state, fetcher.data]);
  const blocked = state.dirty || info.draftId === null || info.problems.length > 0;
  return (
    <section className="card overlay-publish" aria-labelledby="overlay-publish-title">
      <h2 id="overlay-publish-title">{t("overlayDesigner.publish.title", { version: info.version })}</h2>
      <p>{t("overlayDesigner.publish.summary", { base: info.baseVersion })}</p>
      {info.summary.length === 0 ? (
        <p className="muted">{t("overlayDesigner.publish.noChanges")}</p>
      ) : (
        <ul className="overlay-summary">
          {info.summary.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {state.dirty ? (
        <div className="alert error" role="alert">
          {t("overlayDesigner.publish.unsaved")}
        </div>
      ) : null}
      {!state.dirty && info.draftId === null ? <div className="alert info">{t("overlayDesigner.publish.notSaved")}</div> : null}
      {!state.dirty && info.problems.length > 0 ? (
        <div className="alert error">{t("overlayDesigner.publish.problems", { count: info.problems.length })}</div>
      ) : null}
      {fetcher.data && !fetcher.data.ok && fetcher.state === "idle" ? (
        <div className="alert error" role="alert">
          {fetcher.data.message}
        </div>
      ) : null}
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="publish" />
        <input type="hidden" name="revision" value={state.revision} />
        <label className="publish-confirm">
          <input type="checkbox" name="confirm" value="yes" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
          <span>{t("overlayDesigner.publish.confirm")}</span>
        </label>
        <button type="submit" className="button" disabled={blocked || !confirmed || fetcher.state !== "idle"}>
          {fetcher.state !== "idle" ? t("overlayDesigner.publish.busy") : t("overlayDesigner.publish.button")}
        </button>
      </fetcher.Form>
    </section>
  );
}

export default function OverlayDesignerPage() {
  const info = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const t = useT();
  const readOnly = !info.canEdit;
  const context: DesignerContext = useMemo(
    () => ({
      mode: "overlay",
      locale: t.locale,
      readOnly,
      published: info.publishedFields as DesignerContext["published"],
      origins: info.origins,
      hiddenFields: new Set(info.hidden),
      districtCode: info.district.code,
      orgUnits: info.orgUnits,
      currentYear: info.currentYear,
      packageKey: info.packageKey,
      version: info.baseVersion,
    }),
    [t.locale, readOnly, info],
  );
  const packageTitle = pickText(info.document.title ?? null, t.locale) || info.packageKey;
  const published = params.get("published");
  const rebased = params.get("rebased");
  return (
    <div className="page wide designer-page overlay-designer">
      <p>
        <Link to="/templates">{t("overlayDesigner.back")}</Link>
      </p>
      {published ? (
        <div className="alert success" role="status">
          {t("overlayDesigner.done.published", { version: published })}
        </div>
      ) : null}
      {rebased ? (
        <div className="alert success" role="status">
          {t("overlayDesigner.done.rebased", { version: rebased })}
        </div>
      ) : null}
      {actionData && !actionData.ok ? (
        <div className="alert error" role="alert">
          {actionData.message}
        </div>
      ) : null}
      {readOnly ? (
        <div className="alert info" role="status">
          {t("overlayDesigner.readOnly")}
        </div>
      ) : null}
      <div className="overlay-status card">
        <p>{t("overlayDesigner.intro", { base: info.baseVersion })}</p>
        <p>
          {info.published
            ? t("overlayDesigner.publishedInfo", { version: info.published.version, base: info.published.baseVersion })
            : t("overlayDesigner.noPublished")}{" "}
          {info.published ? (
            <Link to={`/templates/${encodeURIComponent(info.packageKey)}/${info.published.baseVersion}`}>{t("overlayDesigner.viewPackage")}</Link>
          ) : null}
        </p>
        <p className="muted">{t("overlayDesigner.draftInfo", { version: info.version })}</p>
      </div>

      {info.rebase ? (
        <section className="alert warning overlay-rebase" aria-labelledby="overlay-rebase-title">
          <h2 id="overlay-rebase-title">{t("overlayDesigner.rebase.banner", { version: info.rebase.toVersion })}</h2>
          <p>{t("overlayDesigner.rebase.intro", { from: info.rebase.fromVersion, to: info.rebase.toVersion })}</p>
          <details>
            <summary>{t("overlayDesigner.rebase.changes")}</summary>
            <ul>
              {info.rebase.changes.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </details>
          <h3>{t("overlayDesigner.rebase.conflicts")}</h3>
          {info.rebase.conflicts.length === 0 ? (
            <p>{t("overlayDesigner.rebase.noConflicts")}</p>
          ) : (
            <ul className="overlay-conflicts">
              {info.rebase.conflicts.map((c, i) => (
                <li key={i}>
                  <strong>{c.op}</strong>: {c.reason}
                </li>
              ))}
            </ul>
          )}
          {info.canEdit ? (
            <Form method="post" onSubmit={(e) => (window.confirm(t("overlayDesigner.rebase.confirm")) ? undefined : e.preventDefault())}>
              <input type="hidden" name="intent" value="rebase" />
              <input type="hidden" name="revision" value={info.revision} />
              <input type="hidden" name="to" value={info.rebase.toVersion} />
              <p className="muted">{t("overlayDesigner.rebase.unsaved")}</p>
              <button type="submit" className="button" disabled={navigation.state !== "idle"}>
                {t("overlayDesigner.rebase.button", { version: info.rebase.toVersion })}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {info.conflicts.length > 0 ? (
        <section className="alert warning overlay-conflicts-left" aria-labelledby="overlay-conflicts-title">
          <h2 id="overlay-conflicts-title">{t("overlayDesigner.conflicts.title")}</h2>
          <p>{t("overlayDesigner.conflicts.intro")}</p>
          <ul>
            {info.conflicts.map((c, i) => (
              <li key={i}>
                <strong>{c.op}</strong>: {c.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <DesignerShell
        // Remount on a new overlay version (after publishing) or a new base (after a rebase), not on the first save.
        key={`${info.version}/${info.baseVersion}`}
        title={t("overlayDesigner.title", { package: packageTitle, district: info.district.name })}
        initial={info.document}
        context={context}
        serverProblems={info.problems}
        revision={info.revision}
        versionLabel={t("overlayDesigner.versionLabel", { version: info.version, base: info.baseVersion })}
        extraTabs={readOnly ? [] : [{ id: "publish", label: t("overlayDesigner.tab.publish"), render: () => <PublishPanel info={info} /> }]}
      />
    </div>
  );
}
