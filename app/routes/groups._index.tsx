import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { GROUP_READER_ROLES } from "~/auth/policy.server";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { createGroup, listGroups } from "~/models/groups.server";
import { clientIp, formString, parseId, readForm } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.groups");

/** Admins, verifiers and facilitators: the groups they may read; admins create groups for what they own (policy: mayReadGroup, groupOwners). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, GROUP_READER_ROLES);
  return listGroups(user);
}

type Values = Record<string, string>;
type ActionData = { ok: boolean; message: string; field?: string; id?: number; values: Values | null };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, GROUP_READER_ROLES);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  if (intent !== "create") return data<ActionData>({ ok: false, message: say(user, "groups.error.intent"), values: null }, { status: 400 });
  const values = {
    owner: formString(form, "owner", 12),
    key: formString(form, "key", 100),
    name: formString(form, "name", 300),
    nameEn: formString(form, "nameEn", 300),
    description: formString(form, "description", 1100),
  };
  const result = await createGroup({ user, ownerOrgUnitId: parseId(values.owner) ?? -1, ...values, ip: clientIp(context) });
  if (result.ok) return data<ActionData>({ ok: true, message: result.message, id: result.id, values: null });
  return data<ActionData>({ ok: false, message: result.message, field: result.field, values }, { status: result.status });
}

export default function GroupsPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const values = result && !result.ok ? result.values : null;
  const err = (field: string) => (result && !result.ok && result.field === field ? result.message : null);
  const invalid = (field: string) => (err(field) ? { "aria-invalid": true as const, "aria-describedby": `err-${field}` } : {});
  const fieldError = (field: string) =>
    err(field) ? (
      <span className="field-error" id={`err-${field}`}>
        {err(field)}
      </span>
    ) : null;

  return (
    <div className="page">
      <PageHeader title={t("groups.title")} intro={t("groups.intro")} />
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.message} {result.id ? <Link to={`/groups/${result.id}`}>{t("groups.open")}</Link> : null}
        </div>
      ) : null}
      {result && !result.ok && !result.field ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}

      <section className="card" aria-labelledby="groups-list">
        <h2 id="groups-list">{t("groups.list.title")}</h2>
        <DataTable
          rows={d.groups}
          rowKey={(g) => g.id}
          stacked
          empty={t("groups.empty")}
          columns={[
            { header: t("groups.col.name"), rowHeader: true, cell: (g) => <Link to={`/groups/${g.id}`}>{g.name}</Link> },
            { header: t("groups.col.key"), cell: (g) => <code>{g.key}</code> },
            { header: t("groups.col.owner"), cell: (g) => `${g.owner} (${t(`level.${g.ownerLevel}` as MessageKey)})` },
            { header: t("groups.col.members", { month: d.month }), headerClassName: "num", className: "num", cell: (g) => g.members },
          ]}
        />
        <p className="muted">{t("groups.col.membersHelp")}</p>
      </section>

      {d.owners.length > 0 ? (
        <section className="card" aria-labelledby="groups-create">
          <h2 id="groups-create">{t("groups.create.title")}</h2>
          <Form method="post" key={result?.ok ? `ok-${result.id}` : "create"}>
            <input type="hidden" name="intent" value="create" />
            <div className="form-row">
              <div className="field">
                <label htmlFor="owner">{t("groups.create.owner")}</label>
                <select id="owner" name="owner" defaultValue={values?.owner ?? String(d.owners[0].id)} {...invalid("owner")}>
                  {d.owners.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name} ({t(`level.${o.level}` as MessageKey)})
                    </option>
                  ))}
                </select>
                {fieldError("owner")}
              </div>
              <div className="field">
                <label htmlFor="key">{t("groups.create.key")}</label>
                <input
                  id="key"
                  name="key"
                  type="text"
                  maxLength={64}
                  required
                  autoCapitalize="none"
                  defaultValue={values?.key ?? ""}
                  {...invalid("key")}
                  aria-describedby={err("key") ? "err-key" : "help-key"}
                />
                <span className="help" id="help-key">
                  {t("groups.create.keyHelp")}
                </span>
                {fieldError("key")}
              </div>
            </div>
            <div className="form-row">
              <div className="field">
                <label htmlFor="name">{t("groups.create.name")}</label>
                <input id="name" name="name" type="text" maxLength={200} required defaultValue={values?.name ?? ""} {...invalid("name")} />
                {fieldError("name")}
              </div>
              <div className="field">
                <label htmlFor="nameEn">{t("groups.create.nameEn")}</label>
                <input id="nameEn" name="nameEn" type="text" maxLength={200} defaultValue={values?.nameEn ?? ""} {...invalid("nameEn")} />
                {fieldError("nameEn")}
              </div>
            </div>
            <div className="field">
              <label htmlFor="description">{t("groups.create.description")}</label>
              <textarea id="description" name="description" rows={2} maxLength={1000} defaultValue={values?.description ?? ""} {...invalid("description")} />
              {fieldError("description")}
            </div>
            <div className="button-row">
              <button type="submit" className="button" disabled={busy}>
                {t("groups.create.submit")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
