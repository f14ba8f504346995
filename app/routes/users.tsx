import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { forbidden, notFound, requireRole, requireUser } from "~/auth/guards.server";
import { ADMIN_ROLES, grantableRoles, isRole, mayAdministerUsersIn, mayManageUser, mayPlaceRole, ROLE_LEVELS } from "~/auth/policy.server";
import { passwordPolicyError } from "~/auth/password.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { Role } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { getOrgByCode } from "~/models/org.server";
import { addGrant, createUser, listUsersInScope, removeGrant, setUserActive, USERNAME_PATTERN, usernameExists } from "~/models/user.server";
import { clientIp, formString, readForm } from "~/utils/http.server";
import { PageHeader } from "~/components/PageHeader";
import { DataTable } from "~/components/DataTable";
import { pageTitle } from "~/i18n/title";
import { FieldError } from "~/components/form/FieldError";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.users");

/** Admins only: the users who hold a role inside the admin's area. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const grants = requireRole(user, ADMIN_ROLES);
  const users = await listUsersInScope(getDb(), grants);
  return {
    users,
    roles: grantableRoles(user),
    defaultUnit: grants[0].orgCode,
    selfId: user.id,
  };
}

type FieldErrors = Partial<Record<"username" | "displayName" | "password" | "role" | "unit" | "form", string>>;

/** Checks that `admin` may place `role` at the unit with `code`; returns the unit or an error message. */
async function authoriseGrant(admin: SessionUser, role: string, code: string, t: (k: MessageKey, v?: Record<string, string | number>) => string) {
  if (!isRole(role)) return { error: { role: t("users.error.role") } as FieldErrors };
  if (!grantableRoles(admin).includes(role))
    return { error: { role: t("users.error.roleNotAllowed", { role: t(`role.${role}` as MessageKey) }) } as FieldErrors };
  const unit = await getOrgByCode(getDb(), code);
  if (!unit) return { error: { unit: t("users.error.unit", { code }) } as FieldErrors };
  if (!mayAdministerUsersIn(admin, unit)) return { error: { unit: t("users.error.outOfScope", { code }) } as FieldErrors };
  if (!mayPlaceRole(role, unit)) {
    return {
      error: {
        unit: t("users.error.unitLevel", {
          role: t(`role.${role}` as MessageKey),
          levels: ROLE_LEVELS[role].map((l) => t(`level.${l}` as MessageKey)).join(" / "),
        }),
      } as FieldErrors,
    };
  }
  return { unit };
}

/** Users the admin may change: every grant of theirs lies inside the admin's area. */
async function loadManageableUser(admin: SessionUser, userId: number) {
  const db = getDb();
  const target = await db.selectFrom("app_user").select(["id", "username"]).where("id", "=", userId).executeTakeFirst();
  if (!target) throw notFound(admin, "access.user.notFound");
  const grants = await db
    .selectFrom("role_grant as g")
    .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
    .select(["g.id", "g.role", "o.path"])
    .where("g.user_id", "=", userId)
    .execute();
  if (!mayManageUser(admin, grants)) throw forbidden(admin);
  return { target, grants };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireUser(request);
  requireRole(admin, ADMIN_ROLES);
  const { t } = await serverT(request, admin);
  const ip = clientIp(context);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  const actor = { userId: admin.id, ip };

  if (intent === "create") {
    const values = {
      username: formString(form, "username", 100).trim().toLowerCase(),
      displayName: formString(form, "displayName", 300).trim(),
      role: formString(form, "role", 40),
      unit: formString(form, "unit", 64).trim(),
    };
    const password = formString(form, "password", 300);
    const errors: FieldErrors = {};
    if (!USERNAME_PATTERN.test(values.username)) errors.username = t("users.error.username");
    else if (await usernameExists(getDb(), values.username)) errors.username = t("users.error.usernameTaken", { username: values.username });
    if (!values.displayName || values.displayName.length > 200) errors.displayName = t("users.error.displayName");
    const pwError = passwordPolicyError(password);
    if (pwError) errors.password = t(pwError);
    const grant = await authoriseGrant(admin, values.role, values.unit, t);
    if ("error" in grant) Object.assign(errors, grant.error);
    if (Object.keys(errors).length > 0 || !("unit" in grant) || !grant.unit) {
      return data({ intent, errors, values, message: null }, { status: 400 });
    }
    await createUser({ ...values, password, grants: [{ role: values.role as Role, orgUnitId: grant.unit.id }] }, actor);
    return { intent, errors: {} as FieldErrors, values: null, message: t("users.created", { username: values.username }) };
  }

  const userId = Number(formString(form, "userId", 20));
  if (!Number.isInteger(userId) || userId <= 0) throw notFound(admin, "access.user.notFound");
  const { target, grants } = await loadManageableUser(admin, userId);

  if (intent === "disable" || intent === "enable") {
    if (target.id === admin.id) return data({ intent, errors: { form: t("users.error.self") } as FieldErrors, values: null, message: null }, { status: 400 });
    await setUserActive(target.id, intent === "enable", actor);
    return {
      intent,
      errors: {} as FieldErrors,
      values: null,
      message: t(intent === "enable" ? "users.enabled" : "users.disabled", { username: target.username }),
    };
  }
  if (intent === "addGrant") {
    const role = formString(form, "role", 40);
    const grant = await authoriseGrant(admin, role, formString(form, "unit", 64).trim(), t);
    if (!("unit" in grant) || !grant.unit) return data({ intent, errors: grant.error ?? {}, values: null, message: null }, { status: 400 });
    await addGrant(target.id, role as Role, grant.unit.id, actor);
    return { intent, errors: {} as FieldErrors, values: null, message: t("users.grantAdded", { username: target.username }) };
  }
  if (intent === "removeGrant") {
    const grantId = Number(formString(form, "grantId", 20));
    if (!grants.some((g) => g.id === grantId)) throw notFound(admin, "access.grant.notFound");
    if (grants.length === 1) return data({ intent, errors: { form: t("users.error.lastGrant") } as FieldErrors, values: null, message: null }, { status: 400 });
    await removeGrant(grantId, actor);
    return { intent, errors: {} as FieldErrors, values: null, message: t("users.grantRemoved", { username: target.username }) };
  }
  return data({ intent, errors: { form: t("error.404") } as FieldErrors, values: null, message: null }, { status: 400 });
}

export default function UsersPage() {
  const { users, roles, defaultUnit, selfId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const createErrors: FieldErrors = result?.intent === "create" ? result.errors : {};
  const values = result?.intent === "create" ? result.values : null;
  const invalid = (name: keyof FieldErrors) => (createErrors[name] ? { "aria-invalid": true as const, "aria-describedby": `err-${name}` } : {});
  return (
    <div className="page">
      <PageHeader title={t("users.title")} intro={t("users.intro")} />
      {result?.message ? (
        <div className="alert success" role="status">
          {result.message}
        </div>
      ) : null}
      {result?.errors?.form ? (
        <div className="alert error" role="alert">
          {result.errors.form}
        </div>
      ) : null}
      {result?.intent === "create" && Object.keys(createErrors).length > 0 ? (
        <div className="alert error" role="alert">
          {t("form.fixErrors")}
        </div>
      ) : null}

      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">{t("users.create")}</h2>
        <Form method="post" key={result?.message ?? "create"}>
          <input type="hidden" name="intent" value="create" />
          <div className="form-row">
            <div className="field">
              <label htmlFor="username">{t("users.username")}</label>
              <input
                id="username"
                name="username"
                type="text"
                required
                maxLength={64}
                autoComplete="off"
                defaultValue={values?.username ?? ""}
                {...invalid("username")}
              />
              <FieldError id="err-username" message={createErrors.username} />
            </div>
            <div className="field">
              <label htmlFor="displayName">{t("users.displayName")}</label>
              <input
                id="displayName"
                name="displayName"
                type="text"
                required
                maxLength={200}
                defaultValue={values?.displayName ?? ""}
                {...invalid("displayName")}
              />
              <FieldError id="err-displayName" message={createErrors.displayName} />
            </div>
            <div className="field">
              <label htmlFor="password">{t("users.password")}</label>
              <input
                id="password"
                name="password"
                type="password"
                required
                minLength={8}
                maxLength={128}
                autoComplete="new-password"
                {...invalid("password")}
                aria-describedby={createErrors.password ? "err-password" : "help-password"}
              />
              <span className="help" id="help-password">
                {t("users.passwordHelp")}
              </span>
              <FieldError id="err-password" message={createErrors.password} />
            </div>
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor="role">{t("users.role")}</label>
              <select id="role" name="role" defaultValue={values?.role ?? "puskesmas_operator"} {...invalid("role")}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
              <FieldError id="err-role" message={createErrors.role} />
            </div>
            <div className="field">
              <label htmlFor="unit">{t("users.unit")}</label>
              <input
                id="unit"
                name="unit"
                type="text"
                required
                maxLength={64}
                defaultValue={values?.unit ?? defaultUnit}
                {...invalid("unit")}
                aria-describedby={createErrors.unit ? "err-unit" : "help-unit"}
              />
              <span className="help" id="help-unit">
                {t("users.unitHelp")}
              </span>
              <FieldError id="err-unit" message={createErrors.unit} />
            </div>
            <div className="field">
              <button type="submit" className="button" disabled={navigation.state === "submitting"}>
                {t("users.create")}
              </button>
            </div>
          </div>
        </Form>
      </section>

      <section aria-labelledby="list-title" className="spaced">
        <h2 id="list-title">{t("users.list")}</h2>
        <DataTable
          rows={users}
          rowKey={(u) => u.id}
          columns={[
            { header: t("users.username"), cell: (u) => u.username },
            { header: t("users.displayName"), cell: (u) => u.displayName },
            {
              header: t("users.grants"),
              cell: (u) => (
                <ul className="plain">
                  {u.grants.map((g) => (
                    <li key={g.id}>
                      {t(`role.${g.role}` as MessageKey)} · {g.orgName} <span className="muted">({g.orgCode})</span>{" "}
                      {u.grants.length > 1 ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="removeGrant" />
                          <input type="hidden" name="userId" value={u.id} />
                          <input type="hidden" name="grantId" value={g.id} />
                          <button
                            type="submit"
                            className="link-button"
                            aria-label={`${t("users.removeGrant")} ${t(`role.${g.role}` as MessageKey)} ${u.username}`}
                          >
                            {t("users.removeGrant")}
                          </button>
                        </Form>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ),
            },
            {
              header: t("table.status"),
              cell: (u) => <span className={`badge ${u.active ? "approved" : "missing"}`}>{u.active ? t("users.active") : t("users.inactive")}</span>,
            },
          ]}
          actions={{
            header: t("table.action"),
            cell: (u) =>
              u.id !== selfId ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value={u.active ? "disable" : "enable"} />
                  <input type="hidden" name="userId" value={u.id} />
                  <button type="submit" className="button small secondary" aria-label={`${u.active ? t("users.disable") : t("users.enable")} ${u.username}`}>
                    {u.active ? t("users.disable") : t("users.enable")}
                  </button>
                </Form>
              ) : null,
          }}
        />
      </section>
    </div>
  );
}
