/** Schema intake gate: limits, restricted raw schemas, document validation (pure, no I/O). */
export type { DocumentError } from "./errors";
export { escapePointerToken, pointerOf } from "./errors";
export { FORBIDDEN_KEYS } from "../domain";
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
} from "./limits";
export { SAFE_AJV_OPTIONS, KNOWN_FORMATS, createDocumentAjv, createFormAjv, isIsoDate } from "./ajv";
export { RAW_SCHEMA_META_SCHEMA } from "./meta-schema";
export { patternProblem, MAX_PATTERN_LENGTH, type PatternProblem } from "./redos";
export { checkRawSchema, compileRawSchema, type RawSchemaCheck, type RawSchemaCompileResult } from "./raw-schema";
export { fromAjvError, fromAjvErrors, ajvErrorPointer } from "./messages";
export { validateDocument, getDocumentValidator, defaultMaxBytes, DOCUMENT_KINDS, type DocumentKind, type DocumentValidation } from "./documents";
