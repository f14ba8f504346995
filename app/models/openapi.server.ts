/**
 * The OpenAPI 3.1 document of /api/v1 (docs/api.md), built in code from the JSON Schemas the app
 * validates with: the platform's document schemas (schemas/*.schema.json, here the form document
 * and its bilingual text) are hoisted into `components.schemas` with their `$defs` renamed, and
 * each form's answers schema is the one `formToJsonSchema` derives for the fill page, served per
 * package and district by GET /packages/{key}/forms (an overlay changes it, so it cannot be a
 * fixed component). Public: it describes shapes only (docs/decisions/047-api-tokens.md).
 */
import formSchema from "@schemas/form.schema.json";
import textSchema from "@schemas/text.schema.json";
import { apiCallsPerMinute } from "~/auth/api.server";
import { MAX_DHIS2_IMPORT_BYTES } from "~/utils/limits";
import { IDEMPOTENCY_KEY_PATTERN } from "./entry.server";

type Json = Record<string, unknown>;

/** A document schema's `$defs` as components `<Title>_<Def>`, its refs rewritten; the root as `<Title>`. */
function hoist(schema: Json, components: Record<string, unknown>): void {
  const title = String(schema.title);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) out[k] = `#/components/schemas/${title}_${v.slice("#/$defs/".length)}`;
      else out[k] = rewrite(v);
    }
    return out;
  };
  for (const [name, def] of Object.entries((schema.$defs ?? {}) as Json)) components[`${title}_${name}`] = rewrite(def);
  const { $schema: _s, $defs: _d, $id: _i, ...root } = schema;
  components[title] = rewrite(root);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });

/** The refusals every token-guarded operation may answer with. */
const GUARDED_ERRORS = {
  "401": problem("Token missing, unknown, expired or revoked (session cookies are not accepted)."),
  "403": problem("Outside the token's area, role, access or packages; nothing changed."),
  "429": {
    description: "The token's per-minute budget is used up.",
    headers: { "Retry-After": { schema: { type: "integer", minimum: 1 }, description: "Seconds to wait." } },
    content: { "application/problem+json": { schema: ref("Problem") } },
  },
};

const LANG = {
  name: "Accept-Language",
  in: "header",
  required: false,
  schema: { type: "string" },
  description: "`id` (default) or `en`: the language of messages.",
};

function op(summary: string, ok: unknown, extra: Json = {}, errors: Json = {}) {
  return {
    summary,
    security: [{ bearer: [] }],
    parameters: [LANG, ...((extra.parameters as unknown[]) ?? [])],
    ...(extra.requestBody ? { requestBody: extra.requestBody } : {}),
    responses: { "200": { description: "OK", content: json(ok) }, ...GUARDED_ERRORS, ...errors },
  };
}

const query = (name: string, description: string, schema: Json = { type: "string" }) => ({ name, in: "query", required: false, schema, description });
const pathParam = (name: string, schema: Json = { type: "string" }) => ({ name, in: "path", required: true, schema });

let built: Json | null = null;

/** The document (built once per process). */
export function openApiDocument(): Json {
  if (built) return built;
  const schemas: Record<string, unknown> = {};
  hoist(textSchema as Json, schemas);
  hoist(formSchema as Json, schemas);
  Object.assign(schemas, {
    FieldProblem: {
      type: "object",
      required: ["pointer", "message"],
      properties: {
        pointer: {
          type: "string",
          description: "JSON Pointer into the request body (`/data/<field>`), or `#/query/<name>`, `#/header/<name>`; empty for the whole body.",
        },
        message: { type: "string" },
      },
    },
    Problem: {
      type: "object",
      description: "RFC 9457 problem details.",
      required: ["type", "title", "status", "detail", "errors"],
      properties: {
        type: { type: "string", description: "`urn:pantau:problem:<code>` (docs/api.md)." },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        errors: { type: "array", items: ref("FieldProblem") },
      },
    },
    OrgUnit: {
      type: "object",
      required: ["code", "name", "level", "parentCode"],
      properties: {
        code: { type: "string" },
        name: { type: "string" },
        level: { enum: ["national", "province", "district", "puskesmas", "pustu", "posyandu"] },
        parentCode: { type: ["string", "null"] },
      },
    },
    Group: {
      type: "object",
      required: ["key", "name", "owner", "ownerLevel", "members"],
      properties: {
        key: { type: "string" },
        name: { type: "string" },
        owner: { type: "string" },
        ownerLevel: { type: "string" },
        members: { type: "integer" },
      },
    },
    Package: {
      type: "object",
      required: ["key", "version", "title", "publishedAt"],
      properties: { key: { type: "string" }, version: { type: "integer" }, title: { type: "string" }, publishedAt: { type: ["string", "null"] } },
    },
    PackageForm: {
      type: "object",
      required: ["key", "title", "periodType", "definition", "schema"],
      properties: {
        key: { type: "string" },
        title: ref("Text"),
        periodType: { enum: ["month", "quarter", "year"] },
        definition: ref("Form"),
        schema: { type: "object", description: "The JSON Schema (2020-12) the form's answers (`data`) are validated against." },
      },
    },
    SubmissionInput: {
      type: "object",
      required: ["unit", "form", "period", "data"],
      additionalProperties: false,
      properties: {
        unit: { type: "string", maxLength: 64, description: "Org-unit code (a Puskesmas, or a Pustu/Posyandu below it)." },
        form: { type: "string", maxLength: 100 },
        period: { type: "string", maxLength: 20, examples: ["2026-11", "2026-Q4", "2026"] },
        intent: { enum: ["draft", "submit"], default: "submit" },
        data: { type: "object", description: "The answers: valid against the form's `schema` from GET /packages/{key}/forms." },
        baseRevision: { type: "integer", minimum: 0, default: 0, description: "The revision being replaced (0 for a new report): an optimistic lock." },
        confirmWarnings: { type: "boolean", default: false },
      },
    },
    SubmissionResult: {
      type: "object",
      required: ["id", "unit", "form", "period", "intent", "status", "revision", "warnings"],
      properties: {
        id: { type: "integer" },
        unit: { type: "string" },
        form: { type: "string" },
        period: { type: "string" },
        intent: { enum: ["draft", "submit"] },
        status: { enum: ["draft", "submitted", "approved", "returned"] },
        revision: { type: "integer" },
        warnings: { type: "array", items: { type: "string" } },
      },
    },
    Submission: {
      type: "object",
      required: ["id", "unit", "package", "form", "period", "status", "revision", "updatedAt", "data"],
      properties: {
        id: { type: "integer" },
        unit: { type: "string" },
        package: { type: "string" },
        form: { type: "string" },
        period: { type: "string" },
        status: { enum: ["draft", "submitted", "approved", "returned"] },
        revision: { type: "integer" },
        updatedAt: { type: "string" },
        data: { type: "object" },
      },
    },
    Scorecard: {
      type: "object",
      required: ["template", "period", "columns", "rows"],
      properties: {
        template: { type: "string" },
        period: { type: "string" },
        columns: { type: "array", items: { type: "string" }, description: "The CSV export's column names, in order." },
        rows: {
          type: "array",
          description: "One object per CSV row, keyed by `columns`; empty cells are null.",
          items: { type: "object", additionalProperties: { type: ["string", "number", "null"] } },
        },
      },
    },
    DataValue: {
      type: "object",
      required: ["dataElement", "period", "orgUnit", "value"],
      properties: {
        dataElement: { type: "string" },
        period: { type: "string", description: "DHIS2 period: `202611`, `2026Q4`, `2026`." },
        orgUnit: { type: "string" },
        categoryOptionCombo: { type: "string" },
        attributeOptionCombo: { type: "string" },
        value: { type: "string" },
        lastUpdated: { type: "string" },
      },
    },
    DataValueSets: {
      type: "object",
      description: "DHIS2's /api/dataValueSets JSON (docs/dhis2.md).",
      required: ["dataValues"],
      properties: { dataSet: { type: "string" }, dataValues: { type: "array", items: ref("DataValue") } },
    },
    ImportSummary: {
      type: "object",
      description: "DHIS2-style import summary of a stored import (a refused one is a problem document listing each conflict in `errors`).",
      required: ["status", "description", "package", "importCount", "reports", "conflicts"],
      additionalProperties: false,
      properties: {
        status: { const: "SUCCESS" },
        description: { type: "string" },
        package: { type: ["string", "null"] },
        importCount: {
          type: "object",
          required: ["imported", "updated", "ignored", "deleted"],
          properties: { imported: { type: "integer" }, updated: { type: "integer" }, ignored: { type: "integer" }, deleted: { type: "integer" } },
        },
        reports: { type: "integer", description: "Reports stored (new, or a new revision)." },
        conflicts: { type: "array", maxItems: 0 },
      },
    },
    FhirSearchset: {
      type: "object",
      description: "A FHIR R4 Bundle of type searchset (validated against the R4 definitions in tests; docs/fhir.md).",
      required: ["resourceType", "id", "type", "timestamp", "total", "entry"],
      properties: {
        resourceType: { const: "Bundle" },
        id: { type: "string" },
        type: { const: "searchset" },
        timestamp: { type: "string" },
        total: { type: "integer", minimum: 0 },
        link: { type: "array", items: { type: "object", required: ["relation", "url"] } },
        entry: {
          type: "array",
          items: {
            type: "object",
            required: ["fullUrl", "resource", "search"],
            properties: {
              fullUrl: { type: "string" },
              resource: { type: "object", required: ["resourceType", "id"] },
              search: { type: "object", required: ["mode"], properties: { mode: { enum: ["match", "include"] } } },
            },
          },
        },
      },
    },
    Meeting: {
      type: "object",
      required: ["id", "kind", "title", "period", "meetingDate", "status", "scopeNames", "packageKey"],
      properties: {
        id: { type: "integer" },
        kind: { type: "string" },
        title: { type: "string" },
        period: { type: "string" },
        meetingDate: { type: "string" },
        status: { type: "string" },
        scopeNames: { type: "array", items: { type: "string" } },
        packageKey: { type: "string" },
      },
    },
  });
  const scorecardParams = [
    query("template", "Package key (default: the national package)."),
    query("period", "Period (`2026-11`, `2026-Q4`, `2026`); default: the latest with enough reports."),
    query("level", "Row level: province, district, puskesmas, pustu, posyandu."),
    query("area", "Code of a province or district inside the token's area."),
    query("group", "Indicator group key."),
    query("ytd", "`1`: year to date."),
    query("orgGroup", "Org-unit group key."),
  ];
  const exchangeParams = [
    query("package", "Package key (required)."),
    query("period", "Period, Pantau's (`2026-11`) or DHIS2's (`202611`) (required)."),
    query("unit", "Code of the subtree's root inside the token's area (default: the token's unit)."),
  ];
  const exchangeErrors = {
    "404": problem("No such package or unit."),
    "409": problem("The package's DHIS2 mapping is missing or broken."),
    "422": problem("`package` or `period` missing."),
    "400": problem("A query parameter is not valid."),
  };
  const fhirOk = { description: "OK", content: { "application/fhir+json": { schema: ref("FhirSearchset") } } };
  const fhirScorecardParams = [
    query("period", "Period (required): `2026-11`, `2026-Q4`, `2026`."),
    query("package", "Package key (default: the national package); `template` is accepted too."),
    query("area", "Code of a unit inside the token's area (`parent` is accepted too)."),
    query("level", "Row level."),
    query("group", "Indicator group key."),
    query("orgGroup", "Org-unit group key."),
    query("ytd", "`1`: year to date."),
    query("basis", "`nearest` (default) or `national` targets."),
  ];
  built = {
    openapi: "3.1.0",
    info: {
      title: "Pantau ILP API",
      version: "1",
      description:
        "Versioned JSON API of Pantau ILP. Authentication: `Authorization: Bearer <token>` (tokens are issued on /tokens or with `api token create`). Errors: RFC 9457 problem details. See docs/api.md.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: `An API token; at most ${apiCallsPerMinute()} calls a minute per token.` } },
      schemas,
    },
    paths: {
      "/openapi.json": {
        get: { summary: "This document (public).", security: [], responses: { "200": { description: "OK", content: json({ type: "object" }) } } },
      },
      "/org-units": {
        get: op(
          "Org units of the token's area, a flat tree by path.",
          { type: "object", required: ["units"], properties: { units: { type: "array", items: ref("OrgUnit") } } },
          {
            parameters: [query("root", "Code of a unit inside the area: list only its subtree.")],
          },
          { "404": problem("No such unit.") },
        ),
      },
      "/groups": {
        get: op("Org-unit groups the token may read.", {
          type: "object",
          required: ["month", "groups"],
          properties: { month: { type: "string" }, groups: { type: "array", items: ref("Group") } },
        }),
      },
      "/packages": {
        get: op("Published packages (within the token's packages).", {
          type: "object",
          required: ["packages"],
          properties: { packages: { type: "array", items: ref("Package") } },
        }),
      },
      "/packages/{key}/forms": {
        get: op(
          "A package's forms as a unit's district has them, with each form's document and answers schema.",
          {
            type: "object",
            required: ["key", "version", "forms"],
            properties: { key: { type: "string" }, version: { type: "integer" }, forms: { type: "array", items: ref("PackageForm") } },
          },
          { parameters: [pathParam("key"), query("unit", "Unit code inside the area (default: the token's unit).")] },
          { "404": problem("No such package or unit.") },
        ),
      },
      "/submissions": {
        post: op(
          "Create or update a report, exactly as the fill page does.",
          ref("SubmissionResult"),
          {
            parameters: [
              {
                name: "Idempotency-Key",
                in: "header",
                required: true,
                schema: { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN.source, maxLength: 64 },
                description: "A new key per report; a repeat with the same key returns the first result and writes nothing.",
              },
            ],
            requestBody: { required: true, content: json(ref("SubmissionInput")) },
          },
          {
            "400": problem("Missing Idempotency-Key or unreadable JSON."),
            "404": problem("The form is not one of the unit's."),
            "409": problem("Locked (approved or past the deadline), revision conflict, or the key was used for another report."),
            "413": problem("Body too large."),
            "415": problem("Body is not JSON."),
            "422": problem("Invalid payload: every field's problem in `errors`."),
          },
        ),
      },
      "/submissions/{id}": {
        get: op(
          "One report with its answers.",
          ref("Submission"),
          { parameters: [pathParam("id", { type: "integer", minimum: 1 })] },
          { "404": problem("No such report.") },
        ),
      },
      "/scorecards": {
        get: op(
          "The scorecard: the page's and CSV export's query parameters, JSON rows.",
          ref("Scorecard"),
          { parameters: scorecardParams },
          {
            "400": problem("A query parameter is not valid."),
            "404": problem("No such unit or group."),
          },
        ),
      },
      "/scorecards/explain": {
        get: op(
          "Why one cell has its value and colour.",
          {
            type: "object",
            required: ["indicator", "row", "state", "value", "summary"],
            properties: {
              indicator: { type: "object", required: ["key", "name"] },
              row: { type: "object", required: ["code", "name"] },
              state: { type: "string" },
              value: { type: ["number", "null"] },
              summary: { type: "string" },
            },
          },
          {
            parameters: [...scorecardParams, query("row", "Row unit code (or the total row)."), query("indicator", "Indicator key.")],
          },
          { "400": problem("A query parameter is not valid."), "404": problem("No such unit."), "422": problem("`row` or `indicator` missing.") },
        ),
      },
      "/actions": {
        get: op("Follow-up actions the token may read.", {
          type: "object",
          required: ["rows", "truncated"],
          properties: { rows: { type: "array", items: { type: "object" } }, truncated: { type: "boolean" } },
        }),
      },
      "/dhis2/dataValueSets": {
        get: op(
          "DHIS2 dataValueSets JSON of one package and period, for the token's area or a unit inside it.",
          ref("DataValueSets"),
          { parameters: exchangeParams },
          exchangeErrors,
        ),
        post: op(
          "Import a dataValueSets body, all or nothing, as the token's grant (write tokens).",
          ref("ImportSummary"),
          {
            parameters: [query("package", "Package key; default: the one whose mapping has the body's data set (a token limited to packages must name one).")],
            requestBody: { required: true, content: json(ref("DataValueSets")) },
          },
          {
            "400": problem("Unreadable JSON, not a dataValueSets body, or no package to import into."),
            "409": problem("Conflicts (each in `errors`, pointing at `/dataValues/<i>`) or a broken mapping; nothing stored."),
            "413": problem(`Body over ${MAX_DHIS2_IMPORT_BYTES / 1024 / 1024} MB or too many values.`),
            "415": problem("Body is not JSON."),
          },
        ),
      },
      "/dhis2/adx": {
        get: {
          ...op("The same values as ADX XML (IHE QRPH ADX).", {}, { parameters: exchangeParams }, exchangeErrors),
          responses: {
            "200": { description: "OK", content: { "application/adx+xml": { schema: { type: "string" } } } },
            ...GUARDED_ERRORS,
            ...exchangeErrors,
          },
        },
        post: op(
          "Import an ADX XML body (IHE QRPH ADX, as the GET answers it: `group` orgUnit, period such as `2026-10-01/P1M`, dataSet; `dataValue` dataElement, categoryOptionCombo, value), all or nothing, exactly as the dataValueSets import (write tokens).",
          ref("ImportSummary"),
          {
            parameters: [
              query("package", "Package key; default: the one whose mapping has the first group's data set (a token limited to packages must name one)."),
            ],
            requestBody: {
              required: true,
              content: {
                "application/adx+xml": { schema: { type: "string" } },
                "application/xml": { schema: { type: "string" } },
              },
            },
          },
          {
            "400": problem("Malformed XML, a DOCTYPE or entity declaration (refused), not an ADX document, or no package to import into."),
            "409": problem("Conflicts (each in `errors`, pointing at `/group/<g>/dataValue/<i>`) or a broken mapping; nothing stored."),
            "413": problem(`Body over ${MAX_DHIS2_IMPORT_BYTES / 1024 / 1024} MB or too many values.`),
            "415": problem("Body is not XML (`application/adx+xml` or `application/xml`)."),
          },
        ),
      },
      "/fhir/Measure": {
        get: {
          ...op(
            "A published package's indicators as FHIR Measures.",
            {},
            {
              parameters: [
                query("package", "Package key (required)."),
                query("version", "Published version (default: the newest).", { type: "integer", minimum: 1 }),
              ],
            },
          ),
          responses: {
            "200": fhirOk,
            ...GUARDED_ERRORS,
            "404": problem("No such published package or version."),
            "422": problem("`package` missing or `version` not a whole number."),
          },
        },
      },
      "/fhir/MeasureReport": {
        get: {
          ...op("A scorecard as FHIR MeasureReports (matches) with their Organizations and Measures (included).", {}, { parameters: fhirScorecardParams }),
          responses: {
            "200": fhirOk,
            ...GUARDED_ERRORS,
            "400": problem("A query parameter is not valid."),
            "404": problem("No such unit or group."),
            "422": problem("`period` missing."),
          },
        },
      },
      "/meetings": {
        get: op("Meetings the token may read.", { type: "object", required: ["meetings"], properties: { meetings: { type: "array", items: ref("Meeting") } } }),
      },
    },
  };
  return built;
}
