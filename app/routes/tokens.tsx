import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { grantableRoles, TOKEN_ADMIN_ROLES } from "~/auth/policy.server";
import { PageHeader } from "~/components/PageHeader";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { DEFAULT_TOKEN_DAYS, issueToken, listTokens, MAX_TOKEN_DAYS, revokeToken } from "~/models/api-tokens.server";
import { clientIp, formString, readForm } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "tokens.meta");

/** API tokens (docs/api.md): admins issue, list and revoke the tokens of their area (district admins their district, the national admin anywhere). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, TOKEN_ADMIN_ROLES);
  return { tokens: await listTokens(user), roles: grantableRoles(user), maxDays: MAX_TOKEN_DAYS, defaultDays: DEFAULT_TOKEN_DAYS };
}

type Values = Record<string, string>;
type ActionData =
  | { ok: true; intent: "create"; secret: string; id: number; expiresAt: string }
  | { ok: true; intent: "revoke"; message: string }
  | { ok: false; intent: string; errors: Record<string, string>; values: Values | null };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, TOKEN_ADMIN_ROLES);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const ip = clientIp(context);
  if (intent === "create") {
    const values: Values = {
      name: formString(form, "name", 200),
      role: formString(form, "role", 40),
      unitCode: formString(form, "unitCode", 64),
      access: formString(form, "access", 10),
      packageKeys: formString(form, "packageKeys", 2000),
      forUsername: formString(form, "forUsername", 64),
      days: formString(form, "days", 6),
    };
    const result = await issueToken(user, {
      name: values.name,
      role: values.role,
      unitCode: values.unitCode,
      access: values.access,
      forUsername: values.forUsername,
      packageKeys: values.packageKeys.split(","),
      days: values.days === "" ? DEFAULT_TOKEN_DAYS : Number(values.days),
      ip,
    });
    if (!result.ok) {
      const errors: Record<string, string> = {};
      for (const p of result.problems) errors[p.field] ??= say(user, p.message.key, p.message.params);
      return data<ActionData>({ ok: false, intent, errors, values }, { status: 400 });
    }
    // The secret is in this one answer only; the page says to copy it now.
    return data<ActionData>(
      { ok: true, intent: "create", secret: result.secret, id: result.id, expiresAt: result.expiresAt },
      { headers: { "Cache-Control": "no-store" } },
    );
  }
  if (intent === "revoke") {
    const id = Number(formString(form, "id", 12));
    const result = await revokeToken(user, Number.isSafeInteger(id) ? id : -1, ip);
    if (!result.ok)
      return data<ActionData>(
        { ok: false, intent, errors: { form: say(user, result.message.key, result.message.params) }, values: null },
        { status: result.status },
      );
    return data<ActionData>({ ok: true, intent: "revoke", message: say(user, "tokens.revoked", { id }) });
  }
  return data<ActionData>({ ok: false, intent, errors: { form: say(user, "tokens.problem.intent") }, values: null }, { status: 400 });
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span className="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

export default function TokensPage() {
  const { tokens, roles, maxDays, defaultDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const failed = result && !result.ok ? result : null;
  const v = failed?.values ?? {};
  const err = (field: string) => failed?.errors[field];
  const described = (field: string) => (err(field) ? { "aria-invalid": true, "aria-describedby": `err-${field}` } : {});
  return (
    <main id="main">
      <PageHeader title={t("tokens.title")} intro={t("tokens.intro")} />
      {result?.ok && result.intent === "create" ? (
        <section className="notice" role="status" aria-labelledby="secret-title">
          <h2 id="secret-title">{t("tokens.secret.title", { id: result.id })}</h2>
          <p>{t("tokens.secret.once", { expires: result.expiresAt.slice(0, 10) })}</p>
          <pre>
            <code>{result.secret}</code>
          </pre>
        </section>
      ) : null}
      {result?.ok && result.intent === "revoke" ? <p role="status">{result.message}</p> : null}
      {failed?.errors.form ? <p role="alert">{failed.errors.form}</p> : null}

      <h2>{t("tokens.list.title")}</h2>
      {tokens.length === 0 ? (
        <p className="muted">{t("tokens.list.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("tokens.field.name")}</th>
              <th scope="col">{t("tokens.field.role")}</th>
              <th scope="col">{t("tokens.field.access")}</th>
              <th scope="col">{t("tokens.field.packages")}</th>
              <th scope="col">{t("tokens.col.state")}</th>
              <th scope="col">{t("tokens.col.lastUsed")}</th>
              <th scope="col">{t("tokens.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((tok) => (
              <tr key={tok.id}>
                <td>
                  {tok.name}{" "}
                  <small className="muted">
                    #{tok.id} · {tok.hint}…
                  </small>
                  <br />
                  <small className="muted">{t("tokens.col.createdBy", { user: tok.createdBy, date: tok.createdAt.slice(0, 10) })}</small>
                  {tok.forUsername ? (
                    <>
                      <br />
                      <small className="muted">{t("tokens.col.forUser", { user: tok.forUsername })}</small>
                    </>
                  ) : null}
                </td>
                <td>
                  {t(`role.${tok.role}` as MessageKey)}
                  <br />
                  <small className="muted">
                    {tok.unitName} ({tok.unitCode})
                  </small>
                </td>
                <td>{t(tok.access === "write" ? "tokens.access.write" : "tokens.access.read")}</td>
                <td>{tok.packageKeys.length ? tok.packageKeys.join(", ") : t("tokens.packages.all")}</td>
                <td>{t(`tokens.state.${tok.state}` as MessageKey, { date: tok.expiresAt.slice(0, 10) })}</td>
                <td>{tok.lastUsedAt ? tok.lastUsedAt.slice(0, 16).replace("T", " ") : t("tokens.never")}</td>
                <td>
                  {tok.state === "revoked" ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={tok.id} />
                      <button type="submit" aria-label={t("tokens.revoke.label", { name: tok.name })}>
                        {t("tokens.revoke")}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("tokens.create.title")}</h2>
      <p>{t("tokens.create.intro")}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="create" />
        <p>
          <label htmlFor="name">{t("tokens.field.name")}</label>
          <input id="name" name="name" required maxLength={100} defaultValue={v.name} {...described("name")} />
          <FieldError id="err-name" message={err("name")} />
        </p>
        <p>
          <label htmlFor="role">{t("tokens.field.role")}</label>
          <select id="role" name="role" defaultValue={v.role ?? "puskesmas_operator"} {...described("role")}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as MessageKey)}
              </option>
            ))}
          </select>
          <FieldError id="err-role" message={err("role")} />
        </p>
        <p>
          <label htmlFor="unitCode">{t("tokens.field.unit")}</label>
          <input id="unitCode" name="unitCode" required maxLength={64} defaultValue={v.unitCode} {...described("unitCode")} />
          <FieldError id="err-unitCode" message={err("unitCode")} />
        </p>
        <fieldset>
          <legend>{t("tokens.field.access")}</legend>
          <label>
            <input type="radio" name="access" value="read" defaultChecked={(v.access ?? "read") === "read"} /> {t("tokens.access.read")}
          </label>
          <label>
            <input type="radio" name="access" value="write" defaultChecked={v.access === "write"} /> {t("tokens.access.write")}
          </label>
          <FieldError id="err-access" message={err("access")} />
        </fieldset>
        <p>
          <label htmlFor="packageKeys">{t("tokens.field.packages")}</label>
          <input
            id="packageKeys"
            name="packageKeys"
            maxLength={2000}
            defaultValue={v.packageKeys}
            aria-describedby="hint-packages"
            {...described("packageKeys")}
          />
          <small id="hint-packages" className="muted">
            {t("tokens.hint.packages")}
          </small>
          <FieldError id="err-packageKeys" message={err("packageKeys")} />
        </p>
        <p>
          <label htmlFor="forUsername">{t("tokens.field.forUser")}</label>
          <input id="forUsername" name="forUsername" maxLength={64} defaultValue={v.forUsername} aria-describedby="hint-for" {...described("forUsername")} />
          <small id="hint-for" className="muted">
            {t("tokens.hint.forUser")}
          </small>
          <FieldError id="err-forUsername" message={err("forUsername")} />
        </p>
        <p>
          <label htmlFor="days">{t("tokens.field.days", { max: maxDays })}</label>
          <input id="days" name="days" type="number" min={1} max={maxDays} defaultValue={v.days ?? String(defaultDays)} {...described("days")} />
          <FieldError id="err-days" message={err("days")} />
        </p>
        <button type="submit">{t("tokens.create")}</button>
      </Form>
    </main>
  );
}
