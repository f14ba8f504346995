import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbidden, requireUser } from "~/auth/guards.server";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { createDraftFromLatest, createEmptyPackage, REFUSAL_MESSAGES } from "~/models/designer.server";
import { libraryAccess, packageOwners, type LibraryAccess } from "~/auth/policy.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import designerStyles from "~/styles/designer.css";
import { pageTitle } from "~/i18n/title";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: designerStyles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.designerNew");

/** The units an admin may own packages for, as the form offers them. */
function ownersOf(access: LibraryAccess) {
  return packageOwners(access).map((g) => ({ code: g.orgCode, name: g.orgName, level: g.orgLevel as "national" | "district" }));
}

/** National admins and district admins (of a district) only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const owners = ownersOf(access);
  if (owners.length === 0) throw forbidden(user, "access.designer.createRole");
  return { owners };
}

/**
 * intent=fromLatest (package): a draft copy of the latest published version (or the open draft).
 * intent=new (key, title, owner): an empty package draft v1 owned by one of the admin's units.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const access = libraryAccess(user);
  const { t } = await serverT(request, user);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const actor = { userId: user.id, ip: clientIp(context) };
  const fields = { key: formString(form, "key", 100), title: formString(form, "title", 300), owner: formString(form, "owner", 64) };
  let result;
  if (intent === "fromLatest") result = await createDraftFromLatest(access, formString(form, "package", 100), actor);
  else if (intent === "new") result = await createEmptyPackage(access, { key: fields.key, title: fields.title, ownerCode: fields.owner }, actor);
  else return data({ message: t("designer.error.intent"), fields }, { status: 400 });
  if (result.ok) throw redirect(`/designer/${encodeURIComponent(result.key)}/${result.version}`);
  return data({ message: t(REFUSAL_MESSAGES[result.reason]), fields }, { status: result.status });
}

export default function NewPackagePage() {
  const { owners } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  return (
    <div className="page designer-new">
      <p>
        <Link to="/templates">{t("templates.back")}</Link>
      </p>
      <h1>{t("designer.new.title")}</h1>
      <p className="muted">{t("designer.new.intro")}</p>
      {result?.message ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      <Form method="post" className="card">
        <input type="hidden" name="intent" value="new" />
        <div className="field">
          <label htmlFor="new-title">{t("designer.new.packageTitle")}</label>
          <input id="new-title" type="text" name="title" required maxLength={200} defaultValue={result?.fields.title ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="new-key">{t("designer.new.key")}</label>
          {/* PACKAGE_KEY_PATTERN as an HTML pattern: browsers compile it with the v flag, where "-" in a class needs its backslash. The server checks the real one. */}
          <input
            id="new-key"
            type="text"
            name="key"
            required
            pattern="[a-z][a-z0-9_\-]{0,63}"
            maxLength={64}
            defaultValue={result?.fields.key ?? ""}
            aria-describedby="new-key-help"
          />
          <span id="new-key-help" className="help">
            {t("designer.new.keyHelp")}
          </span>
        </div>
        {owners.length > 1 ? (
          <div className="field">
            <label htmlFor="new-owner">{t("designer.new.owner")}</label>
            <select id="new-owner" name="owner" defaultValue={result?.fields.owner ?? owners[0].code}>
              {owners.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.name} ({t(`level.${o.level}` as MessageKey)})
                </option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="owner" value={owners[0].code} />
        )}
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("designer.new.submit")}
        </button>
      </Form>
    </div>
  );
}
