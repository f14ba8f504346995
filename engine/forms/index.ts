/** Forms: rjsf derivation, show-if, calculated fields (submission validation, with Ajv, is in submission.ts). */
export { localText, isEmptyValue, fieldsOf } from "./text";
export {
  formToJsonSchema,
  fieldJsonSchema,
  DEFAULT_TEXT_MAX_LENGTH,
  type DeriveOptions,
  type FormJsonSchema,
  type FormUiSchema,
  type UiSection,
} from "./derive";
export { evaluateShowIf, hiddenByShowIf, pruneHidden, withoutKeys } from "./show-if";
export { applyCalculations, bookkeepingFields, compileCalculations } from "./calculate";
