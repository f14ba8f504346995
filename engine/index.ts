/**
 * The engine's browser-safe entry ("@engine"): everything pure and Ajv-free. Ajv needs
 * `unsafe-eval`, which the page's CSP refuses, and would only weigh down the bundle; the schema
 * gate and the validators built on it are in server.ts ("@engine/server"), for server code only.
 * tests/unit/client-bundle.test.ts fails when browser code reaches server.ts or Ajv.
 */

// Key rules and how formulas see field types, shared with the app.
export * from "./domain";

// Formula language: lexer, parser, checker, compiler.
export * from "./formula/index";

// Periods, targets, status, aggregation, scorecards, overlays, validation rules (engine core).
export * from "./documents";
export * from "./period";
export * from "./period-messages";
export * from "./targets";
export * from "./status";
export * from "./facts";
export * from "./expected";
export * from "./reporting-units";
export * from "./aggregate";
export * from "./facts-memory";
export * from "./scorecard/index";
export * from "./overlay";
export * from "./overlay-derive";
export * from "./overlay-messages";
export * from "./overlay-summary-messages";
export * from "./rules";
export * from "./rule-messages";
export * from "./change-flags";
export * from "./change-flag-messages";

// Forms (rjsf derivation, show-if, calculated fields), package semantics and diffs.
export * from "./forms/index";
export * from "./forms/submission-messages";
export * from "./package/semantics";
export * from "./package/diff";
export * from "./package/package-messages";

// The intake gate's error shape and size and depth limits (no Ajv: the designer checks sizes too).
export type { DocumentError } from "./intake/errors";
export { escapePointerToken, pointerOf } from "./intake/errors";
export * from "./intake/intake-messages";
export {
  checkJsonSize,
  checkJsonDepth,
  checkJsonLimits,
  findForbiddenKeys,
  jsonDepth,
  parseJsonDocument,
  RAW_SCHEMA_MAX_BYTES,
  PACKAGE_MAX_BYTES,
  DOCUMENT_MAX_BYTES,
  MAX_DEPTH,
  type JsonCaps,
  type ParsedJson,
} from "./intake/limits";
