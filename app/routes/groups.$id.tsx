import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireUserWithRole } from "~/auth/guards.server";
import { GROUP_READER_ROLES } from "~/auth/policy.server";
import type { SessionUser } from "~/auth/session.server";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import {
  addMember,
  endMember,
  groupChangeRefusal,
  groupDetails,
  importMembers,
  removeMember,
  updateGroup,
  type GroupOutcome,
  type MemberProblem,
} from "~/models/groups.server";
import { clientIp, formString, parseId, readForm } from "~/utils/http.server";
import { MAX_GROUP_IMPORT_BYTES, MAX_GROUP_IMPORT_ROWS, MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.group");

/** Readers of the group (mayReadGroup) see its members in their area; its owner's admins change it (mayManageGroup). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireUserWithRole(request, GROUP_READER_ROLES);
  const id = parseId(params.id);
  if (id === null) throw notFound(user, "groups.error.notFound");
  return { ...(await groupDetails(user, id)), maxMb: MAX_GROUP_IMPORT_BYTES / 1024 / 1024, maxRows: MAX_GROUP_IMPORT_ROWS };
}

type Values = Record<string, string>;
type ActionData = { ok: boolean; intent: string; message: string; field?: string; values: Values | null; scope?: string; problems?: MemberProblem[] };

const reply = (intent: string, r: GroupOutcome, values: Values | null, scope?: string) =>
  r.ok
    ? data<ActionData>({ ok: true, intent, message: r.message, values: null, scope })
    : data<ActionData>({ ok: false, intent, message: r.message, field: r.field, values, scope }, { status: r.status });

/**
 * A members CSV: the right to change the group is checked before the body is read, its size is
 * bounded before and while it arrives (decision 019), then the model checks every row.
 */
async function upload(request: Request, user: SessionUser, id: number, ip: string) {
  const refused = await groupChangeRefusal(user, id);
  if (refused) return reply("import", refused, null);
  const maxMb = MAX_GROUP_IMPORT_BYTES / 1024 / 1024;
  const tooLarge = () =>
    data<ActionData>(
      { ok: false, intent: "import", message: say(user, "groups.error.fileTooLarge", { max: maxMb }), field: "file", values: null },
      { status: 413 },
    );
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_GROUP_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES) return tooLarge();
  let body: FormData;
  try {
    body = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_GROUP_IMPORT_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return tooLarge();
    return data<ActionData>({ ok: false, intent: "import", message: say(user, "groups.error.fileUnreadable"), field: "file", values: null }, { status: 400 });
  }
  const file = body.get("file");
  if (!file || typeof file === "string" || file.size === 0)
    return data<ActionData>({ ok: false, intent: "import", message: say(user, "groups.error.fileMissing"), field: "file", values: null }, { status: 400 });
  const revision = parseId(typeof body.get("revision") === "string" ? (body.get("revision") as string) : "") ?? -1;
  const r = await importMembers({ user, id, revision, bytes: new Uint8Array(await file.arrayBuffer()), ip });
  if (r.ok) return data<ActionData>({ ok: true, intent: "import", message: r.message, values: null });
  return data<ActionData>({ ok: false, intent: "import", message: r.message, values: null, problems: r.problems }, { status: r.status });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, GROUP_READER_ROLES);
  const id = parseId(params.id) ?? -1;
  const ip = clientIp(context);
  if ((request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return upload(request, user, id, ip);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  // A revision that is not 1–9 digits matches no row: the change is refused as stale (409).
  const base = { user, id, revision: parseId(formString(form, "revision", 12)) ?? -1, ip };
  const memberId = parseId(formString(form, "memberId", 12)) ?? -1;
  switch (intent) {
    case "rename": {
      const values = { name: formString(form, "name", 300), nameEn: formString(form, "nameEn", 300), description: formString(form, "description", 1100) };
      return reply(intent, await updateGroup({ ...base, ...values }), values);
    }
    case "add": {
      const values = { unit: formString(form, "unit", 64), from: formString(form, "from", 20), to: formString(form, "to", 20) };
      return reply(intent, await addMember({ ...base, unitCode: values.unit, from: values.from, to: values.to }), values);
    }
    case "end": {
      const values = { to: formString(form, "to", 20) };
      return reply(intent, await endMember({ ...base, memberId, to: values.to }), values, `member-${memberId}`);
    }
    case "remove":
      return reply(intent, await removeMember({ ...base, memberId }), null, `member-${memberId}`);
    default:
      return data<ActionData>({ ok: false, intent, message: say(user, "groups.error.intent"), values: null }, { status: 400 });
  }
}

export default function GroupPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const failed = (intent: string) => (result && !result.ok && result.intent === intent ? result : null);
  const valuesOf = (intent: string) => failed(intent)?.values ?? null;
  const err = (intent: string, field: string) => {
    const f = failed(intent);
    return f?.field === field ? f.message : null;
  };
  const fieldError = (intent: string, field: string) =>
    err(intent, field) ? (
      <span className="field-error" id={`err-${intent}-${field}`}>
        {err(intent, field)}
      </span>
    ) : null;
  const invalid = (intent: string, field: string) =>
    err(intent, field) ? { "aria-invalid": true as const, "aria-describedby": `err-${intent}-${field}` } : {};
  const revision = <input type="hidden" name="revision" value={d.group.revision} />;
  const rename = valuesOf("rename");
  const add = valuesOf("add");
  const problems = failed("import")?.problems ?? [];

  return (
    <div className="page">
      <PageHeader title={d.title} intro={d.group.description || undefined}>
        <p className="muted">
          {t("groups.detail.owner", { owner: `${d.owner.name} (${t(`level.${d.owner.level}` as MessageKey)})` })} ·{" "}
          {t("groups.detail.key", { key: d.group.key })}
        </p>
      </PageHeader>
      <p>
        <Link to="/groups">{t("groups.title")}</Link>
      </p>
      {result?.ok ? (
        <div className="alert success" role="status">
          {result.message}
        </div>
      ) : null}
      {result && !result.ok && !result.field ? (
        <div className="alert error" role="alert">
          {result.message}
        </div>
      ) : null}
      {!d.canEdit ? <p className="muted">{t("groups.readOnly")}</p> : null}

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">{t("groups.members.title")}</h2>
        {d.partial ? <p className="muted">{t("groups.detail.scopeNote")}</p> : null}
        <DataTable
          rows={d.members}
          rowKey={(m) => m.id}
          stacked
          caption={t("groups.members.caption", { name: d.title })}
          empty={t("groups.members.empty")}
          columns={[
            {
              header: t("groups.col.unit"),
              rowHeader: true,
              cell: (m) => (
                <>
                  {m.name} <span className="muted">{m.code}</span>
                </>
              ),
            },
            { header: t("groups.col.level"), cell: (m) => t(`level.${m.level}` as MessageKey) },
            { header: t("groups.col.from"), cell: (m) => m.from },
            { header: t("groups.col.to"), cell: (m) => m.to ?? t("groups.open.to") },
            { header: t("groups.col.state", { month: d.month }), cell: (m) => t(`groups.state.${m.state}` as MessageKey) },
          ]}
          actions={
            d.canEdit
              ? {
                  header: t("table.action"),
                  cell: (m) => {
                    const scoped = result && !result.ok && result.scope === `member-${m.id}` ? result : null;
                    return (
                      <>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="end" />
                          <input type="hidden" name="memberId" value={m.id} />
                          {revision}
                          <label htmlFor={`to-${m.id}`}>{t("groups.end.to")}</label>{" "}
                          <input
                            id={`to-${m.id}`}
                            name="to"
                            type="text"
                            inputMode="numeric"
                            placeholder="2025-12"
                            maxLength={7}
                            size={8}
                            defaultValue={scoped?.values?.to ?? m.to ?? ""}
                            aria-invalid={scoped ? true : undefined}
                            aria-describedby={scoped ? `err-member-${m.id}` : undefined}
                          />{" "}
                          <button type="submit" className="link-button" disabled={busy} aria-label={t("groups.end.label", { unit: m.name })}>
                            {t("groups.end.submit")}
                          </button>
                        </Form>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="memberId" value={m.id} />
                          {revision}
                          <button type="submit" className="link-button" disabled={busy} aria-label={t("groups.remove.label", { unit: m.name })}>
                            {t("groups.remove.submit")}
                          </button>
                        </Form>
                        {scoped ? (
                          <span className="field-error" id={`err-member-${m.id}`}>
                            {scoped.message}
                          </span>
                        ) : null}
                      </>
                    );
                  },
                }
              : undefined
          }
        />
      </section>

      {d.canEdit ? (
        <>
          <section className="card" aria-labelledby="add-title">
            <h2 id="add-title">{t("groups.add.title")}</h2>
            <Form method="post" key={result?.ok && result.intent === "add" ? `ok-${result.message}` : "add"}>
              <input type="hidden" name="intent" value="add" />
              {revision}
              <div className="form-row">
                <div className="field">
                  <label htmlFor="add-unit">{t("groups.add.unit")}</label>
                  <input id="add-unit" name="unit" type="text" maxLength={64} required defaultValue={add?.unit ?? ""} {...invalid("add", "unit")} />
                  <span className="help">{t("groups.add.unitHelp")}</span>
                  {fieldError("add", "unit")}
                </div>
                <div className="field">
                  <label htmlFor="add-from">{t("groups.add.from")}</label>
                  <input
                    id="add-from"
                    name="from"
                    type="text"
                    inputMode="numeric"
                    placeholder="2025-01"
                    maxLength={7}
                    required
                    defaultValue={add?.from ?? ""}
                    {...invalid("add", "from")}
                  />
                  {fieldError("add", "from")}
                </div>
                <div className="field">
                  <label htmlFor="add-to">{t("groups.add.to")}</label>
                  <input
                    id="add-to"
                    name="to"
                    type="text"
                    inputMode="numeric"
                    placeholder="2025-12"
                    maxLength={7}
                    defaultValue={add?.to ?? ""}
                    {...invalid("add", "to")}
                  />
                  {fieldError("add", "to")}
                </div>
              </div>
              <p className="help">{t("groups.add.monthHelp")}</p>
              <div className="button-row">
                <button type="submit" className="button" disabled={busy}>
                  {t("groups.add.submit")}
                </button>
              </div>
            </Form>
          </section>

          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">{t("groups.import.title")}</h2>
            <p className="muted">{t("groups.import.help", { maxMb: d.maxMb, maxRows: d.maxRows.toLocaleString(t.locale === "en" ? "en-US" : "id-ID") })}</p>
            <Form method="post" encType="multipart/form-data">
              {revision}
              <div className="field">
                <label htmlFor="import-file">{t("groups.import.file")}</label>
                <input id="import-file" name="file" type="file" accept=".csv,text/csv" required {...invalid("import", "file")} />
                {fieldError("import", "file")}
              </div>
              <div className="button-row">
                <button type="submit" className="button" disabled={busy}>
                  {t("groups.import.submit")}
                </button>
              </div>
            </Form>
            {problems.length > 0 ? (
              <DataTable
                rows={problems}
                rowKey={(p, i) => `${p.row}-${i}`}
                stacked
                caption={t("groups.problems.title")}
                showCaption
                columns={[
                  { header: t("groups.problems.row"), cell: (p) => (p.row > 0 ? p.row : "–") },
                  { header: t("groups.problems.column"), cell: (p) => p.column ?? "–" },
                  { header: t("groups.problems.message"), cell: (p) => (t.locale === "en" ? p.messageEn : p.message) },
                ]}
              />
            ) : null}
          </section>

          <section className="card" aria-labelledby="rename-title">
            <h2 id="rename-title">{t("groups.rename.title")}</h2>
            <Form method="post">
              <input type="hidden" name="intent" value="rename" />
              {revision}
              <div className="form-row">
                <div className="field">
                  <label htmlFor="rename-name">{t("groups.create.name")}</label>
                  <input
                    id="rename-name"
                    name="name"
                    type="text"
                    maxLength={200}
                    required
                    defaultValue={rename?.name ?? d.group.name}
                    {...invalid("rename", "name")}
                  />
                  {fieldError("rename", "name")}
                </div>
                <div className="field">
                  <label htmlFor="rename-nameEn">{t("groups.create.nameEn")}</label>
                  <input
                    id="rename-nameEn"
                    name="nameEn"
                    type="text"
                    maxLength={200}
                    defaultValue={rename?.nameEn ?? d.group.nameEn}
                    {...invalid("rename", "nameEn")}
                  />
                  {fieldError("rename", "nameEn")}
                </div>
              </div>
              <div className="field">
                <label htmlFor="rename-description">{t("groups.create.description")}</label>
                <textarea
                  id="rename-description"
                  name="description"
                  rows={2}
                  maxLength={1000}
                  defaultValue={rename?.description ?? d.group.description}
                  {...invalid("rename", "description")}
                />
                {fieldError("rename", "description")}
              </div>
              <div className="button-row">
                <button type="submit" className="button" disabled={busy}>
                  {t("groups.rename.submit")}
                </button>
              </div>
            </Form>
          </section>
        </>
      ) : null}
    </div>
  );
}
