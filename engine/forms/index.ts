/** Forms: rjsf derivation, show-if, calculated fields, submission validation. */
export { localText, isEmptyValue, fieldsOf } from "./text";
export {
  formToJsonSchema,
  fieldJsonSchema,
  visibleFieldKeys,
  DEFAULT_TEXT_MAX_LENGTH,
  type DeriveOptions,
  type FormJsonSchema,
  type FormUiSchema,
  type UiSection,
} from "./derive";
export { evaluateShowIf, hiddenByShowIf, pruneHidden } from "./show-if";
export { applyCalculations, compileCalculations } from "./calculate";
export {
  getFormValidator,
  validateSubmission,
  formValidatorCacheSize,
  type FormValidator,
  type FormValidatorOptions,
  type SubmissionError,
  type SubmissionOptions,
  type SubmissionResult,
} from "./submission";
