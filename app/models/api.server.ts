/**
 * The data of /api/v1 (docs/api.md): what each endpoint reads and writes for a token's caller,
 * through the same models as the web pages — reports through `saveEntry` (validation, deadlines,
 * locks, idempotency, audit), scorecards through the page's selection and the CSV export's table.
 * Scope comes from the token's one grant (`caller.user.grants`), never from the request.
 */
import { formToJsonSchema, TOTAL_ROW_CODE } from "@engine/server";
import { ApiProblem, packageAllowed, requirePackage, requireWrite, type ApiCaller, type FieldProblem } from "~/auth/api.server";
import { inArea, mayEnterFor, mayReadHistory, SCORECARD_ROLES } from "~/auth/policy.server";
import { getDb } from "~/db/db.server";
import type { OrgUnit } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { FORM_BODY_BYTES } from "~/utils/limits";
import { findUnitForm, IDEMPOTENCY_KEY_PATTERN, MAX_DATA_CHARS, saveEntry, type RefusedResult } from "./entry.server";
import { listGroups } from "./groups.server";
import { listActions } from "./actions.server";
import { listMeetings } from "./meetings.server";
import { getOrgByCode } from "./org.server";
import { buildScorecard } from "./scorecard.server";
import { explainForReader } from "./scorecard-explain.server";
import { resolveQuery, scorecardSelectionFor, scorecardTable, selectionProblem } from "./scorecard-view.server";
import { ancestorIds } from "./submissions.server";
import { effectivePackages, listPackages } from "./templates.server";

// ---------------------------------------------------------------------------------------------
// Request bodies

/**
 * The JSON body of a request, bounded like the web's signed-in forms (FORM_BODY_BYTES; the HTTP
 * server's limit holds it while it arrives): 415 when it is not JSON, 413 when it is too large,
 * 400 with the parser's reason when it does not parse.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await readBoundedJsonText(request, FORM_BODY_BYTES, "api.problem.tooLarge.detail");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiProblem(400, "bad-json", "api.problem.badRequest.title", "api.problem.badJson.detail", { reason: (err as Error).message.slice(0, 200) }, [
      { pointer: "", message: (err as Error).message.slice(0, 200) },
    ]);
  }
}

/** The text of a JSON body of at most `limit` bytes (415 when not JSON, 413 over the limit with `tooLargeKey`'s detail). */
export async function readBoundedJsonText(request: Request, limit: number, tooLargeKey: MessageKey): Promise<string> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new ApiProblem(415, "not-json", "api.problem.notJson.title", "api.problem.notJson.detail");
  return readBoundedText(request, limit, tooLargeKey);
}

/** ADX's media types (and plain XML) an ADX import takes. */
export const XML_TYPES: ReadonlySet<string> = new Set(["application/adx+xml", "application/xml", "text/xml"]);

/** The text of an XML body of at most `limit` bytes (415 when not XML, 413 over the limit with `tooLargeKey`'s detail). */
export async function readBoundedXmlText(request: Request, limit: number, tooLargeKey: MessageKey): Promise<string> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (!XML_TYPES.has(type)) throw new ApiProblem(415, "not-xml", "api.problem.notXml.title", "api.problem.notXml.detail");
  return readBoundedText(request, limit, tooLargeKey);
}

async function readBoundedText(request: Request, limit: number, tooLargeKey: MessageKey): Promise<string> {
  const tooLarge = () => new ApiProblem(413, "too-large", "api.problem.tooLarge.title", tooLargeKey, { limit: `${limit / 1024 / 1024} MB` });
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

const notFound = () => new ApiProblem(404, "not-found", "api.problem.notFound.title", null);
const forbidden = () => new ApiProblem(403, "forbidden", "api.problem.forbidden.title", "api.problem.forbidden.detail");

/** 422 with every field's problem. */
function invalid(errors: FieldProblem[]): ApiProblem {
  return new ApiProblem(422, "invalid", "api.problem.invalid.title", "api.problem.invalid.detail", { count: errors.length }, errors);
}

// ---------------------------------------------------------------------------------------------
// Org units and groups

export interface ApiOrgUnit {
  code: string;
  name: string;
  level: OrgUnit["level"];
  parentCode: string | null;
}

/** The org units of the token's area (its unit and everything below), by path; `root` narrows to a subtree inside it. */
export async function apiOrgUnits(caller: ApiCaller, rootCode: string | null): Promise<ApiOrgUnit[]> {
  const db = getDb();
  const area = caller.user.grants[0];
  let rootPath = area.orgPath;
  if (rootCode) {
    const root = await getOrgByCode(db, rootCode.slice(0, 64));
    if (!root) throw notFound();
    if (!root.path.startsWith(area.orgPath)) throw forbidden();
    rootPath = root.path;
  }
  const rows = await db
    .selectFrom("org_unit as u")
    .leftJoin("org_unit as p", "p.id", "u.parent_id")
    .select(["u.code", "u.name", "u.level", "p.code as parentCode"])
    .where("u.path", "like", `${rootPath}%`)
    .orderBy("u.path")
    .limit(50_000)
    .execute();
  return rows.map((r, i) => ({ code: r.code, name: r.name, level: r.level, parentCode: i === 0 ? null : r.parentCode }));
}

/** The org-unit groups the token's grant may read, with their members in its area this month (as /groups). */
export async function apiGroups(caller: ApiCaller) {
  const { month, groups } = await listGroups(caller.user);
  return { month, groups: groups.map((g) => ({ key: g.key, name: g.name, owner: g.owner, ownerLevel: g.ownerLevel, members: g.members })) };
}

// ---------------------------------------------------------------------------------------------
// Packages and forms

/** Published packages (latest version first per key), limited to the token's packages. */
export async function apiPackages(caller: ApiCaller) {
  const rows = await listPackages(getDb());
  return rows
    .filter((r) => r.status === "published" && packageAllowed(caller, r.key))
    .map((r) => ({ key: r.key, version: r.version, title: r.title, publishedAt: r.published_at }));
}

/**
 * The forms of a package as the token's district works with them (base + the district's overlay),
 * each with the JSON Schema its answers are validated against (the fill page's `formToJsonSchema`).
 * `unitCode` picks the unit (default: the token's own) whose district's overlay applies.
 */
export async function apiPackageForms(caller: ApiCaller, key: string, unitCode: string | null) {
  const area = caller.user.grants[0];
  let unit: Pick<OrgUnit, "path"> = { path: area.orgPath };
  if (unitCode) {
    const found = await getOrgByCode(getDb(), unitCode.slice(0, 64));
    if (!found) throw notFound();
    if (!found.path.startsWith(area.orgPath)) throw forbidden();
    unit = found;
  }
  if (!packageAllowed(caller, key)) throw forbidden();
  const entry = (await effectivePackages(ancestorIds(unit).districtId)).find((p) => p.key === key);
  if (!entry) throw notFound();
  const { effective } = entry;
  return {
    key,
    version: effective.base.version,
    forms: effective.package.forms.map((form) => {
      const hiddenFields = effective.hidden.filter((h) => h.form === form.key).map((h) => h.field);
      const { schema } = formToJsonSchema(form, { locale: caller.locale, hiddenFields });
      return { key: form.key, title: form.title, periodType: form.periodType, definition: form, schema };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Submissions

/** Fields of POST /api/v1/submissions. */
const SUBMISSION_FIELDS = new Set(["unit", "form", "period", "intent", "data", "baseRevision", "confirmWarnings"]);

interface SubmissionBody {
  unit: string;
  form: string;
  period: string;
  intent: "draft" | "submit";
  data: Record<string, unknown>;
  baseRevision: number;
  confirmWarnings: boolean;
}

const pointerOf = (key: string) => `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/** Reads the body's fields, listing every problem at once (422). */
function parseSubmissionBody(caller: ApiCaller, body: unknown): SubmissionBody {
  const t = caller.locale;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid([{ pointer: "", message: say(t, "api.field.object") }]);
  const b = body as Record<string, unknown>;
  const errors: FieldProblem[] = [];
  for (const k of Object.keys(b)) if (!SUBMISSION_FIELDS.has(k)) errors.push({ pointer: pointerOf(k.slice(0, 100)), message: say(t, "api.field.unknown") });
  const text = (name: string, max: number) => {
    const v = b[name];
    if (v === undefined || v === "") errors.push({ pointer: `/${name}`, message: say(t, "api.field.required") });
    else if (typeof v !== "string" || v.length > max) errors.push({ pointer: `/${name}`, message: say(t, "api.field.string", { max }) });
    return typeof v === "string" ? v.trim() : "";
  };
  const unit = text("unit", 64);
  const form = text("form", 100);
  const period = text("period", 20);
  const intent = b.intent ?? "submit";
  if (intent !== "draft" && intent !== "submit") errors.push({ pointer: "/intent", message: say(t, "api.field.intent") });
  const data = b.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) errors.push({ pointer: "/data", message: say(t, "api.field.object") });
  else if (JSON.stringify(data).length > MAX_DATA_CHARS) errors.push({ pointer: "/data", message: say(t, "entry.save.tooLarge") });
  const baseRevision = b.baseRevision ?? 0;
  if (typeof baseRevision !== "number" || !Number.isInteger(baseRevision) || baseRevision < 0)
    errors.push({ pointer: "/baseRevision", message: say(t, "api.field.revision") });
  const confirmWarnings = b.confirmWarnings ?? false;
  if (typeof confirmWarnings !== "boolean") errors.push({ pointer: "/confirmWarnings", message: say(t, "api.field.boolean") });
  if (errors.length > 0) throw invalid(errors);
  return {
    unit,
    form,
    period,
    intent: intent as "draft" | "submit",
    data: data as Record<string, unknown>,
    baseRevision: baseRevision as number,
    confirmWarnings: confirmWarnings as boolean,
  };
}

/** A refused save as a problem: field problems point into `/data`, the report's own to the body. */
function refusalProblem(caller: ApiCaller, r: RefusedResult): ApiProblem {
  const errors: FieldProblem[] = r.problems.map((p) => ({
    pointer: p.fields.length === 1 ? `/data${pointerOf(p.fields[0])}` : "",
    message: p.severity === "warning" ? `${p.message} ${say(caller.locale, "api.field.warning")}` : p.message,
  }));
  const detail = r.formErrors[0] ?? r.problems[0]?.message;
  if (r.status === 404) return new ApiProblem(404, "form-not-for-unit", "api.problem.notFound.title", null, {}, errors, {}, detail);
  if (r.code === "INVALID" || r.code === "NEEDS_CONFIRMATION") return invalid(errors.length ? errors : [{ pointer: "", message: detail ?? "" }]);
  const code = (r.code ?? "conflict").toLowerCase().replace(/_/g, "-");
  return new ApiProblem(409, code, "api.problem.conflict.title", null, {}, errors, {}, detail);
}

/** What a stored report answers with. */
export interface ApiSubmissionResult {
  id: number;
  unit: string;
  form: string;
  period: string;
  intent: "draft" | "submit";
  status: string;
  revision: number;
  warnings: string[];
}

/**
 * Creates or updates a report exactly as the fill page does (`saveEntry`): the same unit rule
 * (`mayEnterFor` on the token's grant), validation, deadlines, locks, optimistic revision,
 * idempotency key and audit row (naming the token). A repeat with the same key answers the first
 * result and writes nothing.
 */
export async function apiSaveSubmission(caller: ApiCaller, request: Request, ip: string): Promise<ApiSubmissionResult> {
  requireWrite(caller);
  const key = (request.headers.get("Idempotency-Key") ?? "").trim();
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ApiProblem(400, "idempotency-key", "api.problem.badRequest.title", "api.problem.idempotencyKey.detail", {}, [
      { pointer: "#/header/Idempotency-Key", message: say(caller.locale, "api.problem.idempotencyKey.detail") },
    ]);
  }
  const body = parseSubmissionBody(caller, await readJsonBody(request));
  const unit = await getOrgByCode(getDb(), body.unit);
  if (!unit || !mayEnterFor(caller.user, unit)) {
    const text = say(caller.locale, "api.field.unitUnknown", { code: body.unit });
    throw new ApiProblem(403, "forbidden", "api.problem.forbidden.title", null, {}, [{ pointer: "/unit", message: text }], {}, text);
  }
  const found = await findUnitForm(unit, body.form);
  if (found) requirePackage(caller, found.effective.base.key, body.form);
  const result = await saveEntry({
    user: caller.user,
    unit,
    formKey: body.form,
    period: body.period,
    intent: body.intent,
    data: body.data,
    idempotencyKey: key,
    baseRevision: body.baseRevision,
    confirmWarnings: body.confirmWarnings,
    ip,
  });
  if (!result.ok) throw refusalProblem(caller, result);
  return {
    id: result.submissionId,
    unit: unit.code,
    form: body.form,
    period: body.period,
    intent: result.intent,
    status: result.status,
    revision: result.revision,
    warnings: result.warnings,
  };
}

/** One stored report with its answers: for a token whose grant may read its history (`mayReadHistory`) and its package. */
export async function apiSubmission(caller: ApiCaller, id: number) {
  const row = await getDb()
    .selectFrom("submission as s")
    .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
    .select(["s.id", "s.package_key", "s.form_key", "s.period", "s.status", "s.revision", "s.data", "s.updated_at", "o.code", "o.path", "o.level"])
    .where("s.id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  if (!mayReadHistory(caller.user, { path: row.path, level: row.level }) || !packageAllowed(caller, row.package_key)) throw forbidden();
  return {
    id: row.id,
    unit: row.code,
    package: row.package_key,
    form: row.form_key,
    period: row.period,
    status: row.status,
    revision: row.revision,
    updatedAt: row.updated_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

// ---------------------------------------------------------------------------------------------
// Scorecards

function scorecardGrants(caller: ApiCaller) {
  const grants = caller.user.grants.filter((g) => SCORECARD_ROLES.includes(g.role));
  if (grants.length === 0) throw forbidden();
  return grants;
}

/** A selection problem (the page's message) as a 4xx problem naming the query. */
function selectionFailure(caller: ApiCaller, e: unknown): ApiProblem {
  const p = selectionProblem(e, caller.locale);
  if (p.status === 403) return new ApiProblem(403, "forbidden", "api.problem.forbidden.title", null, {}, [], {}, p.message);
  if (p.status === 404) return new ApiProblem(404, "not-found", "api.problem.notFound.title", null, {}, [], {}, p.message);
  return new ApiProblem(400, "invalid-query", "api.problem.badRequest.title", null, {}, [{ pointer: "#/query", message: p.message }], {}, p.message);
}

/**
 * The scorecard for the same query parameters as /scorecards and its CSV export, as JSON rows:
 * one object per CSV row, keyed by the CSV's column names, empty cells as null.
 */
export async function apiScorecard(caller: ApiCaller, url: URL) {
  const grants = scorecardGrants(caller);
  const { roots, t, sel } = await scorecardSelectionFor(caller.user, grants, caller.locale, url);
  try {
    const { query, orgGroup } = await resolveQuery(sel, roots, t);
    if (!packageAllowed(caller, query.packageKey)) throw forbidden();
    const result = await buildScorecard(query);
    const [header, ...lines] = scorecardTable(result, orgGroup);
    const rows = lines.map((line) => Object.fromEntries(header.map((h, i) => [String(h), line[i] === "" ? null : line[i]])));
    return { template: query.packageKey, period: sel.period, columns: [...header.map(String)], rows };
  } catch (e) {
    if (e instanceof ApiProblem) throw e;
    throw selectionFailure(caller, e);
  }
}

/** Why one cell has its value and colour (the explain page's view), for a row in the token's area. */
export async function apiExplain(caller: ApiCaller, url: URL) {
  const grants = scorecardGrants(caller);
  const { roots, t, sel } = await scorecardSelectionFor(caller.user, grants, caller.locale, url);
  const row = (url.searchParams.get("row") ?? "").trim().slice(0, 64);
  const indicator = (url.searchParams.get("indicator") ?? "").trim().slice(0, 100);
  const errors: FieldProblem[] = [];
  if (!row) errors.push({ pointer: "#/query/row", message: say(caller.locale, "api.field.required") });
  if (!indicator) errors.push({ pointer: "#/query/indicator", message: say(caller.locale, "api.field.required") });
  if (errors.length) throw invalid(errors);
  try {
    const { query, parent } = await resolveQuery(sel, roots, t);
    if (!packageAllowed(caller, query.packageKey)) throw forbidden();
    if (row !== TOTAL_ROW_CODE && row !== parent?.code) {
      const unit = await getOrgByCode(getDb(), row);
      if (!unit) throw notFound();
      if (!inArea(roots, unit)) throw forbidden();
    }
    return await explainForReader({ ...query, group: undefined, indicators: [indicator] }, { row, indicator }, caller.locale);
  } catch (e) {
    if (e instanceof ApiProblem) throw e;
    throw selectionFailure(caller, e);
  }
}

// ---------------------------------------------------------------------------------------------
// Actions and meetings (read)

/** Follow-up actions the token's grant may read (as /actions). */
export async function apiActions(caller: ApiCaller) {
  return listActions(caller.user);
}

/**
 * Meetings the token's grant may read. The user id is left out on purpose: invitations of the
 * token's person or issuer do not widen a token's area.
 */
export async function apiMeetings(caller: ApiCaller) {
  const rows = await listMeetings({ ...caller.user, id: -1 });
  return rows.filter((r) => packageAllowed(caller, r.packageKey));
}
