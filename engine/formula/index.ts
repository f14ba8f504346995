/**
 * Public API of the formula language: parse → check → compile once → evaluate many times.
 * See docs/documents.md "Formula language" for the language itself.
 */
export type {
  CheckEnv,
  CheckResult,
  CompiledFormula,
  EvalResult,
  EvalScope,
  FormulaContext,
  FormulaType,
  FormulaValue,
  NullReason,
  UnitCursor,
  ValueScope,
} from "./types";
export type { Expr, Span } from "./ast";
export type { FormulaError, FormulaErrorCode, Locale } from "./errors";
export { FORMULA_ERRORS, FORMULA_ERROR_CODES, FormulaCompileError, FormulaRuntimeError, formatMessage } from "./errors";
export type { FunctionSpec } from "./functions";
export { FUNCTIONS } from "./functions";
export { FORMULA_LIMITS } from "./limits";
export { parseFormula } from "./parser";
export { checkFormula } from "./checker";
export { compileFormula } from "./compiler";
export { describeFormula } from "./describe";
