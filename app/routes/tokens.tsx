import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { requireUserWithRole } from "~/auth/guards.server";
import { grantableRoles, TOKEN_ADMIN_ROLES } from "~/auth/policy.server";
import { PageHeader } from "~/components/PageHeader";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { getDb } from "~/db/db.server";
import { listSubtree } from "~/models/org.server";
import { DEFAULT_TOKEN_DAYS, issueToken, listTokens, MAX_TOKEN_DAYS, revokeToken } from "~/models/api-tokens.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import { FieldError } from "~/components/form/FieldError";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "tokens.meta");

/** API tokens (docs/api.md): admins issue, list and revoke the tokens of their area (district admins their district, the national admin anywhere). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, grants } = await requireUserWithRole(request, TOKEN_ADMIN_ROLES);
  // Suggestions for the unit code: a district admin's district and its Puskesmas (a national
  // admin types the code; the whole country would be too long a list).
  const units: Array<{ code: string; name: string }> = [];
  for (const g of grants.filter((g) => TOKEN_ADMIN_ROLES.includes(g.role) && g.orgLevel === "district")) {
    units.push({ code: g.orgCode, name: g.orgName });
    for (const u of await listSubtree(getDb(), { path: g.orgPath }, "puskesmas")) units.push({ code: u.code, name: u.name });
  }
  return { tokens: await listTokens(user), roles: grantableRoles(user), units: units.slice(0, 500), maxDays: MAX_TOKEN_DAYS, defaultDays: DEFAULT_TOKEN_DAYS };
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

/** An ISO instant as "YYYY-MM-DD HH:MM" (UTC; the messages say so). */
const utcMinute = (iso: string) => iso.slice(0, 16).replace("T", " ");

/**
 * The new token's secret, once: a labelled read-only field (focused and selected, so Ctrl+C copies
 * it), a copy button once the page runs JavaScript, and a live line saying whether it was copied.
 */
function SecretPanel({ id, secret, expiresAt }: { id: number; secret: string; expiresAt: string }) {
  const t = useT();
  const field = useRef<HTMLInputElement>(null);
  const [hydrated, setHydrated] = useState(false);
  const [copied, setCopied] = useState<"" | "yes" | "no">("");
  useEffect(() => {
    setHydrated(true);
    field.current?.focus();
    field.current?.select();
  }, [secret]);
  const copy = async () => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <section className="alert success token-secret" aria-labelledby="secret-title">
      <h2 id="secret-title">{t("tokens.secret.title", { id })}</h2>
      <p>
        <strong>{t("tokens.secret.onceWarning")}</strong> {t("tokens.secret.once", { expires: utcMinute(expiresAt) })}
      </p>
      <p>
        <label htmlFor="token-secret">{t("tokens.secret.label")}</label>{" "}
        <input ref={field} id="token-secret" readOnly value={secret} size={Math.min(secret.length, 60)} spellCheck={false} autoComplete="off" />{" "}
        {hydrated ? (
          <button type="button" className="button" onClick={() => void copy()}>
            {t("tokens.secret.copy")}
          </button>
        ) : null}
      </p>
      <p role="status">{copied === "yes" ? t("tokens.secret.copied") : copied === "no" ? t("tokens.secret.copyFailed") : ""}</p>
    </section>
  );
}

export default function TokensPage() {
  const { tokens, roles, units, maxDays, defaultDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const failed = result && !result.ok ? result : null;
  const v = failed?.values ?? {};
  const err = (field: string) => failed?.errors[field];
  // The field's hint (when it has one) and its error, both read with the field.
  const described = (field: string, hint?: string) => {
    const ids = [hint, err(field) ? `err-${field}` : undefined].filter(Boolean).join(" ");
    return { ...(err(field) ? { "aria-invalid": true } : {}), ...(ids ? { "aria-describedby": ids } : {}) };
  };
  return (
    <div className="page">
      <PageHeader title={t("tokens.title")} intro={t("tokens.intro")} />
      {result?.ok && result.intent === "create" ? <SecretPanel id={result.id} secret={result.secret} expiresAt={result.expiresAt} /> : null}
      <p role="status">{result?.ok && result.intent === "revoke" ? result.message : ""}</p>
      {failed?.errors.form ? (
        <p role="alert" className="alert error">
          {failed.errors.form}
        </p>
      ) : failed && failed.intent === "create" ? (
        <p role="alert" className="alert error">
          {t("tokens.problem.summary")}
        </p>
      ) : null}

      <h2>{t("tokens.list.title")}</h2>
      {tokens.length === 0 ? (
        <p className="muted">{t("tokens.list.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
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
                    <small className="muted">{t("tokens.col.createdBy", { user: tok.createdBy, date: utcMinute(tok.createdAt) })}</small>
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
                  <td>
                    {t(`tokens.state.${tok.state}` as MessageKey, {
                      date: utcMinute(tok.state === "revoked" && tok.revokedAt ? tok.revokedAt : tok.expiresAt),
                    })}
                  </td>
                  <td>{tok.lastUsedAt ? t("tokens.utc", { at: utcMinute(tok.lastUsedAt) }) : t("tokens.never")}</td>
                  <td>
                    {tok.state === "revoked" ? null : (
                      // Two steps without a browser dialog: "Cabut…" opens the warning and the button that revokes.
                      <details className="token-revoke">
                        <summary aria-label={t("tokens.revoke.label", { name: tok.name })}>{t("tokens.revoke")}</summary>
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="id" value={tok.id} />
                          <p>{t("tokens.revoke.warning")}</p>
                          <button type="submit" className="button danger">
                            {t("tokens.revoke.confirm", { name: tok.name })}
                          </button>
                        </Form>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t("tokens.create.title")}</h2>
      <p>{t("tokens.create.intro")}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="create" />
        <div className="field">
          <label htmlFor="name">{t("tokens.field.name")}</label>
          <input type="text" id="name" name="name" required maxLength={100} defaultValue={v.name} {...described("name")} />
          <FieldError id="err-name" message={err("name")} />
        </div>
        <div className="field">
          <label htmlFor="role">{t("tokens.field.role")}</label>
          <select id="role" name="role" defaultValue={v.role ?? "puskesmas_operator"} {...described("role")}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as MessageKey)}
              </option>
            ))}
          </select>
          <FieldError id="err-role" message={err("role")} />
        </div>
        <div className="field">
          <label htmlFor="unitCode">{t("tokens.field.unit")}</label>
          <input
            type="text"
            id="unitCode"
            name="unitCode"
            required
            maxLength={64}
            defaultValue={v.unitCode}
            list={units.length ? "unit-codes" : undefined}
            autoComplete="off"
            {...described("unitCode", "hint-unit")}
          />
          {units.length ? (
            <datalist id="unit-codes">
              {units.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name}
                </option>
              ))}
            </datalist>
          ) : null}
          <small id="hint-unit" className="help">
            {t("tokens.hint.unit")}
          </small>
          <FieldError id="err-unitCode" message={err("unitCode")} />
        </div>
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
        <div className="field">
          <label htmlFor="packageKeys">{t("tokens.field.packages")}</label>
          <input type="text" id="packageKeys" name="packageKeys" maxLength={2000} defaultValue={v.packageKeys} {...described("packageKeys", "hint-packages")} />
          <small id="hint-packages" className="help">
            {t("tokens.hint.packages")}
          </small>
          <FieldError id="err-packageKeys" message={err("packageKeys")} />
        </div>
        <div className="field">
          <label htmlFor="forUsername">{t("tokens.field.forUser")}</label>
          <input type="text" id="forUsername" name="forUsername" maxLength={64} defaultValue={v.forUsername} {...described("forUsername", "hint-for")} />
          <small id="hint-for" className="help">
            {t("tokens.hint.forUser")}
          </small>
          <FieldError id="err-forUsername" message={err("forUsername")} />
        </div>
        <div className="field">
          <label htmlFor="days">{t("tokens.field.days", { max: maxDays })}</label>
          <input id="days" name="days" type="number" min={1} max={maxDays} defaultValue={v.days ?? String(defaultDays)} {...described("days", "hint-days")} />
          <small id="hint-days" className="help">
            {t("tokens.hint.days")}
          </small>
          <FieldError id="err-days" message={err("days")} />
        </div>
        <button type="submit" className="button">
          {t("tokens.create")}
        </button>
      </Form>
    </div>
  );
}
