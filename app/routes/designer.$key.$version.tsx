import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { notFound, requireUser } from "~/auth/guards.server";
import type { Reader } from "~/i18n/message";
import type { DesignerContext } from "~/contracts/designer";
import { DesignerShell } from "~/components/designer/DesignerShell";
import { PublishPanel } from "~/components/designer/PublishPanel";
import { pickText } from "~/components/templates/text";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import {
  checkDraft,
  discardDraft,
  loadDesigner,
  publishDraft,
  publishPreview,
  saveDraft,
  toDesignerProblems,
  REFUSAL_MESSAGES,
} from "~/models/designer.server";
import { libraryAccess } from "~/auth/policy.server";
import { designerGroups, groupKeyProblems, groupKeyProblemsOfText } from "~/models/designer-groups.server";
import { PACKAGE_MAX_BYTES } from "@engine";
import { DESIGNER_BODY_BYTES } from "~/utils/limits";
import { clientIp, formString, readForm } from "~/utils/http.server";
import designerStyles from "~/styles/designer.css";
import formsStyles from "~/styles/designer-forms.css";
import indicatorsStyles from "~/styles/designer-indicators.css";
import { clock } from "~/utils/clock.server";
import { pageTitle } from "~/i18n/title";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: designerStyles },
  { rel: "stylesheet", href: formsStyles },
  { rel: "stylesheet", href: indicatorsStyles },
];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.designer");

/** Percent-encoding can triple a document's size; anything beyond that is refused unread (same limit as app/server/body-limit.server.ts). */
const MAX_BODY_BYTES = DESIGNER_BODY_BYTES;

function parseParams(params: Record<string, string | undefined>, reader: Reader): { key: string; version: number } {
  const version = Number(params.version);
  if (!params.key || !Number.isInteger(version) || version < 1) throw notFound(reader, "access.package.notFound");
  return { key: params.key, version };
}

/** Admins of the owning scope only: a draft opens for editing, a published version read-only. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const { key, version } = parseParams(params, user);
  const { locale } = await serverT(request, user);
  const view = await loadDesigner(access, key, version);
  const groups = await designerGroups(user);
  return {
    row: view.row,
    document: view.document,
    problems: [...toDesignerProblems(view.problems, locale), ...groupKeyProblems(view.document, groups, locale)],
    groups,
    published: view.published,
    readOnly: view.readOnly,
    orgUnits: view.orgUnits,
    currentYear: clock.now().getUTCFullYear(),
  };
}

/**
 * intent=save | check | discard | preview | publish. Save and check answer the designer shell's
 * `{ ok, problems, revision, message, parsed }`; preview answers the publish diff; publish and
 * discard redirect to the library when they succeed.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const { key, version } = parseParams(params, user);
  const { t, locale } = await serverT(request, user);
  const actor = { userId: user.id, ip: clientIp(context) };
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
    return data(
      { ok: false, problems: [], revision: 0, parsed: false, message: t("designer.error.tooLarge", { max: Math.round(PACKAGE_MAX_BYTES / 1024) }) },
      { status: 413 },
    );
  }
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const revision = Number(formString(form, "revision", 20));
  const documentText = typeof form.get("document") === "string" ? (form.get("document") as string) : "";

  if (intent === "save" || intent === "check") {
    const result =
      intent === "save" ? await saveDraft(access, key, version, documentText, revision, actor) : await checkDraft(access, key, version, documentText);
    // Group keys (a form's "applies to", an indicator's in_group) that name no group the admin may read: a problem, not a refusal.
    const problems = [...toDesignerProblems(result.errors, locale), ...groupKeyProblemsOfText(documentText, await designerGroups(user), locale)];
    if (result.ok) {
      const message =
        intent === "check"
          ? t("designer.checked", { count: problems.length })
          : problems.length > 0
            ? t("designer.save.doneWithProblems", { count: problems.length })
            : t("designer.save.done");
      return { ok: true, problems, revision: result.revision, parsed: true, message };
    }
    const message = intent === "check" && result.reason === "notJson" ? t("designer.json.notApplied") : t(REFUSAL_MESSAGES[result.reason]);
    return data({ ok: false, problems, revision: result.revision, parsed: result.parsed, message }, { status: result.status });
  }
  if (intent === "discard") {
    const result = await discardDraft(access, key, version, actor);
    if (result.ok) throw redirect(`/templates?discarded=${encodeURIComponent(key)}`);
    return data({ ok: false, problems: [], revision: result.revision, parsed: true, message: t(REFUSAL_MESSAGES[result.reason]) }, { status: result.status });
  }
  if (intent === "preview") {
    const preview = await publishPreview(access, key, version);
    return {
      ok: true,
      preview: {
        revision: preview.revision,
        problems: toDesignerProblems(preview.problems, locale),
        refusals: toDesignerProblems(preview.refusals, locale),
        diff: preview.diff,
        submissionsAffected: preview.submissionsAffected,
        previousVersion: preview.previousVersion,
        effectiveFrom: preview.effectiveFrom,
      },
    };
  }
  if (intent === "publish") {
    const result = await publishDraft(access, key, version, revision, formString(form, "confirm", 10) === "yes", actor, {
      effectiveFrom: formString(form, "effectiveFrom", 20),
      retroactive: formString(form, "retroactive", 10) === "yes",
    });
    if (result.ok) throw redirect(`/templates?published=${encodeURIComponent(key)}&version=${result.version}`);
    return data(
      { ok: false, problems: toDesignerProblems(result.errors, locale), revision: result.revision, parsed: true, message: t(REFUSAL_MESSAGES[result.reason]) },
      { status: result.status },
    );
  }
  return data({ ok: false, problems: [], revision, parsed: true, message: t("designer.error.intent") }, { status: 400 });
}

export default function PackageDesignerPage() {
  const { row, document, problems, published, readOnly, orgUnits, currentYear, groups } = useLoaderData<typeof loader>();
  const t = useT();
  const context: DesignerContext = useMemo(
    () => ({ mode: "package", locale: t.locale, readOnly, published, orgUnits, currentYear, groups, packageKey: row.key, version: row.version }),
    [t.locale, readOnly, published, orgUnits, currentYear, groups, row.key, row.version],
  );
  const title = pickText(document.title ?? null, t.locale) || row.key;
  return (
    <div className="page wide designer-page">
      <p>
        <Link to="/templates">{t("templates.back")}</Link>
      </p>
      {readOnly ? (
        <div className="alert info" role="status">
          {t("designer.publishedReadOnly", { version: row.version })}
        </div>
      ) : null}
      <DesignerShell
        key={`${row.key}/${row.version}/${row.status}`}
        title={t("designer.title", { title })}
        initial={document}
        context={context}
        serverProblems={problems}
        revision={row.revision}
        extraTabs={
          readOnly ? [] : [{ id: "publish", label: t("designer.tab.publish"), render: () => <PublishPanel packageKey={row.key} version={row.version} /> }]
        }
      />
      {!readOnly ? (
        <Form
          method="post"
          className="designer-discard spaced"
          onSubmit={(e) => (window.confirm(t("designer.discard.confirm")) ? undefined : e.preventDefault())}
        >
          <input type="hidden" name="intent" value="discard" />
          <button type="submit" className="button danger small">
            {t("designer.discard")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
