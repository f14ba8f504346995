/**
 * DHIS2 and FHIR through /api/v1 (docs/api.md, docs/dhis2.md, docs/fhir.md,
 * docs/decisions/050-api-exchange.md): thin wrappers over the exchange models, with the token's
 * principal — its one grant (unit subtree and role) mapped onto the model's principal, its
 * package restriction checked before anything is read or stored, its access (write) for imports,
 * and its id on every audit row an import writes. Refusals become problem documents.
 */
import { ApiProblem, packageAllowed, requireWrite, type ApiCaller, type FieldProblem } from "~/auth/api.server";
import type { LocalizedText } from "~/i18n/message";
import { say } from "~/i18n/message";
import { MAX_DHIS2_IMPORT_BYTES } from "~/utils/limits";
import { readBoundedJsonText, readBoundedXmlText } from "./api.server";
import {
  ExchangeError,
  exportAdx,
  exportDataValueSets,
  exportPrincipal,
  importAdx,
  importDataValueSets,
  importPrincipal,
  type ExchangePrincipal,
  type ImportSummary,
} from "./dhis2-exchange.server";
import { FhirExportError, packageMeasuresBundle, scorecardFhirBundle, type FhirBundle } from "./fhir.server";
import { DEFAULT_TEMPLATE } from "./scorecard-view.server";

const forbidden = () => new ApiProblem(403, "forbidden", "api.problem.forbidden.title", "api.problem.forbidden.detail");

const param = (url: URL, name: string, max = 64) => (url.searchParams.get(name) ?? "").trim().slice(0, max);

/** 422 naming each missing query parameter. */
function requireParams(caller: ApiCaller, url: URL, names: string[]): void {
  const errors: FieldProblem[] = names
    .filter((n) => !param(url, n))
    .map((n) => ({ pointer: `#/query/${n}`, message: say(caller.locale, "api.field.required") }));
  if (errors.length) throw new ApiProblem(422, "invalid", "api.problem.invalid.title", "api.problem.invalid.detail", { count: errors.length }, errors);
}

function requirePackageKey(caller: ApiCaller, key: string): void {
  if (!packageAllowed(caller, key)) throw forbidden();
}

const inLocale = (caller: ApiCaller, text: LocalizedText) => text[caller.locale] || text.id;

/** An exchange refusal (unknown package or unit, out of scope, mapping problems) as a problem document. */
function exchangeProblem(caller: ApiCaller, e: ExchangeError): ApiProblem {
  const status = e.status;
  const code = status === 403 ? "forbidden" : status === 404 ? "not-found" : status === 409 ? "mapping" : "invalid-query";
  const title =
    status === 403
      ? "api.problem.forbidden.title"
      : status === 404
        ? "api.problem.notFound.title"
        : status === 409
          ? "api.problem.conflict.title"
          : "api.problem.badRequest.title";
  const errors = e.details.map((d) => ({ pointer: "", message: inLocale(caller, d) }));
  return new ApiProblem(status, code, title, null, {}, errors, {}, inLocale(caller, e.text));
}

/** The export principal of a token: its grant's area when its role may export; 403 otherwise. */
function exportPrincipalOf(caller: ApiCaller): ExchangePrincipal {
  const principal = exportPrincipal(caller.user);
  if (!principal.scopePaths || principal.scopePaths.length === 0) throw forbidden();
  return principal;
}

function exportRequest(caller: ApiCaller, url: URL) {
  requireParams(caller, url, ["package", "period"]);
  const packageKey = param(url, "package");
  requirePackageKey(caller, packageKey);
  return { packageKey, period: param(url, "period", 20), unitCode: param(url, "unit") || null };
}

async function exchange<T>(caller: ApiCaller, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ExchangeError) throw exchangeProblem(caller, e);
    throw e;
  }
}

/** GET /api/v1/dhis2/dataValueSets?package&period[&unit]: DHIS2's dataValueSets JSON. */
export async function apiDataValueSets(caller: ApiCaller, url: URL) {
  const principal = exportPrincipalOf(caller);
  const req = exportRequest(caller, url);
  return (await exchange(caller, () => exportDataValueSets(principal, req))).json;
}

/** GET /api/v1/dhis2/adx?package&period[&unit]: the same values as ADX XML. */
export async function apiAdx(caller: ApiCaller, url: URL): Promise<string> {
  const principal = exportPrincipalOf(caller);
  const req = exportRequest(caller, url);
  return (await exchange(caller, () => exportAdx(principal, req))).xml;
}

/** The answer of a successful import: DHIS2's import summary shape. */
export interface ApiImportSummary {
  status: "SUCCESS";
  description: string;
  package: string | null;
  importCount: ImportSummary["importCount"];
  reports: number;
  conflicts: [];
}

/**
 * POST /api/v1/dhis2/dataValueSets[?package]: imports a dataValueSets body exactly as the CLI does
 * (all or nothing, checked like a web submission), as the token's grant, with the token named on
 * every audit row. A token limited to some packages must name one of them (or hold only one).
 * Any conflict stores nothing and answers a problem document listing every conflict (403 when a
 * value's unit lies outside the token's area).
 */
export async function apiImportDataValueSets(caller: ApiCaller, request: Request, ip: string): Promise<ApiImportSummary> {
  return apiImport(caller, request, ip, "json");
}

/**
 * POST /api/v1/dhis2/adx[?package]: imports an ADX XML body (application/adx+xml or
 * application/xml) exactly as the dataValueSets import does: same token checks, limits, all or
 * nothing, same answer; malformed XML or a DOCTYPE answers 400.
 */
export async function apiImportAdx(caller: ApiCaller, request: Request, ip: string): Promise<ApiImportSummary> {
  return apiImport(caller, request, ip, "adx");
}

async function apiImport(caller: ApiCaller, request: Request, ip: string, format: "json" | "adx"): Promise<ApiImportSummary> {
  requireWrite(caller);
  const url = new URL(request.url);
  let packageKey: string | null = param(url, "package") || null;
  if (!packageKey && caller.packageKeys?.length === 1) packageKey = caller.packageKeys[0];
  if (caller.packageKeys !== null && (!packageKey || !packageAllowed(caller, packageKey))) throw forbidden();
  const principal = importPrincipal(caller.user);
  if (!principal.scopePaths || principal.scopePaths.length === 0) throw forbidden();
  const input = { packageKey, ip, apiTokenId: caller.tokenId };
  const summary =
    format === "json"
      ? await importDataValueSets(principal, {
          ...input,
          body: await readBoundedJsonText(request, MAX_DHIS2_IMPORT_BYTES, "api.problem.tooLargeImport.detail"),
        })
      : await importAdx(principal, { ...input, body: await readBoundedXmlText(request, MAX_DHIS2_IMPORT_BYTES, "api.problem.tooLargeAdx.detail") });
  if (summary.status === "ERROR") {
    const errors = summary.conflicts.map((c) => ({
      pointer: c.pointer ?? "",
      message: `${c.object}: ${inLocale(caller, c.text)}`,
    }));
    // A value for a unit outside the token's area makes the whole request one the token may not make.
    const status = summary.conflicts.some((c) => c.outOfScope) ? 403 : summary.httpStatus;
    const badBody = format === "json" ? "bad-json" : "bad-xml";
    const code = status === 403 ? "forbidden" : status === 413 ? "too-large" : status === 400 ? badBody : "import-refused";
    const title =
      status === 403
        ? "api.problem.forbidden.title"
        : status === 413
          ? "api.problem.tooLarge.title"
          : status === 400
            ? format === "json"
              ? "api.problem.badRequest.title"
              : "api.problem.badXml.title"
            : "api.problem.conflict.title";
    const more = summary.conflictCount > summary.conflicts.length ? ` (+${summary.conflictCount - summary.conflicts.length})` : "";
    throw new ApiProblem(status, code, title, null, {}, errors, {}, inLocale(caller, summary.text) + more);
  }
  return {
    status: "SUCCESS",
    description: inLocale(caller, summary.text),
    package: summary.packageKey,
    importCount: summary.importCount,
    reports: summary.reports,
    conflicts: [],
  };
}

// ---------------------------------------------------------------------------------------------
// FHIR

/**
 * A collection Bundle as a FHIR search answers it: a `searchset` whose entries of `matchType`
 * are matches (counted in `total`) and the rest (Organizations, Measures they refer to) included.
 */
export interface FhirSearchset extends Omit<FhirBundle, "type" | "entry"> {
  type: "searchset";
  total: number;
  link: Array<{ relation: string; url: string }>;
  entry: Array<FhirBundle["entry"][number] & { search: { mode: "match" | "include" } }>;
}

export function asSearchset(bundle: FhirBundle, matchType: string, selfUrl: string): FhirSearchset {
  const entry = bundle.entry.map((e) => ({ ...e, search: { mode: e.resource.resourceType === matchType ? ("match" as const) : ("include" as const) } }));
  return {
    ...bundle,
    type: "searchset",
    total: entry.filter((e) => e.search.mode === "match").length,
    link: [{ relation: "self", url: selfUrl }],
    entry,
  };
}

function fhirProblem(e: FhirExportError): ApiProblem {
  const status = e.status;
  const code = status === 403 ? "forbidden" : status === 404 ? "not-found" : "invalid-query";
  const title = status === 403 ? "api.problem.forbidden.title" : status === 404 ? "api.problem.notFound.title" : "api.problem.badRequest.title";
  return new ApiProblem(status, code, title, null, {}, [], {}, e.message);
}

async function fhir(run: () => Promise<FhirBundle>): Promise<FhirBundle> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof FhirExportError) throw fhirProblem(e);
    throw e;
  }
}

/** The self link of a search: the API path and its query, as the caller sent them. */
const selfOf = (url: URL) => `${url.pathname}${url.search}`;

/** GET /api/v1/fhir/Measure?package[&version]: the package's indicators as Measures (searchset). */
export async function apiFhirMeasures(caller: ApiCaller, url: URL): Promise<FhirSearchset> {
  requireParams(caller, url, ["package"]);
  const key = param(url, "package");
  const versionText = param(url, "version", 10);
  const version = versionText ? Number(versionText) : undefined;
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    const message = say(caller.locale, "api.field.version");
    throw new ApiProblem(422, "invalid", "api.problem.invalid.title", "api.problem.invalid.detail", { count: 1 }, [{ pointer: "#/query/version", message }]);
  }
  requirePackageKey(caller, key);
  return asSearchset(await fhir(() => packageMeasuresBundle(caller.locale, caller.user, { package: key, version })), "Measure", selfOf(url));
}

/**
 * GET /api/v1/fhir/MeasureReport?period&[package|template]&[area|parent]&level&group&orgGroup&ytd:
 * the scorecard of that query as MeasureReports (matches) with their Organizations and Measures.
 */
export async function apiFhirMeasureReports(caller: ApiCaller, url: URL): Promise<FhirSearchset> {
  requireParams(caller, url, ["period"]);
  const pkg = param(url, "package") || param(url, "template");
  requirePackageKey(caller, pkg || DEFAULT_TEMPLATE);
  const ytd = param(url, "ytd");
  const query = {
    package: pkg || null,
    period: param(url, "period", 20),
    ytd: ytd === "1" || ytd === "true",
    parent: param(url, "area") || param(url, "parent") || null,
    level: param(url, "level") || null,
    group: param(url, "group") || null,
    orgGroup: param(url, "orgGroup") || null,
    basis: param(url, "basis") === "national" ? ("national" as const) : ("nearest" as const),
  };
  return asSearchset(await fhir(() => scorecardFhirBundle(caller.locale, caller.user, query)), "MeasureReport", selfOf(url));
}

/** An `application/fhir+json` answer (never cached: it is the token's view). */
export function fhirJson(bundle: FhirSearchset): Response {
  return new Response(JSON.stringify(bundle), {
    status: 200,
    headers: { "Content-Type": "application/fhir+json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
