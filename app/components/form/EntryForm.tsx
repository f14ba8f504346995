import RjsfForm from "@rjsf/core";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo } from "react";
import type { Form } from "@engine";
import { liveState } from "./live";
import { SectionsTemplate } from "./SectionsTemplate";
import { noCompileValidator } from "./validator";

type Data = Record<string, unknown>;

export interface EntryFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  form: Form;
  overlayHidden: readonly string[];
  data: Data;
  onChange(data: Data): void;
  /** Server messages per field key in the reader's language, shown at the field (one or several: a broken rule shows at each of its fields). */
  fieldErrors: Record<string, string | string[]>;
  readOnly: boolean;
}

const TEMPLATES = { ObjectFieldTemplate: SectionsTemplate };
// No const-as-default: a Ya/Tidak question must start unanswered, not "Ya".
const DEFAULTS_BEHAVIOUR = { constAsDefaults: "never" as const, emptyObjectFields: "skipDefaults" as const };

/** The configured form, drawn by @rjsf/core; show-if and calculated fields follow every change. */
export function EntryForm({ schema, uiSchema, form, overlayHidden, data, onChange, fieldErrors, readOnly }: EntryFormProps) {
  const { hidden } = useMemo(() => liveState(form, data, overlayHidden), [form, data, overlayHidden]);
  const ui = useMemo(() => {
    const out: UiSchema = { ...uiSchema };
    for (const key of hidden) out[key] = { ...((uiSchema[key] as object | undefined) ?? {}), "ui:widget": "hidden" };
    return out;
  }, [uiSchema, hidden]);
  const extraErrors = useMemo(() => {
    const errors: Record<string, { __errors: string[] }> = {};
    for (const [key, message] of Object.entries(fieldErrors)) if (!hidden.has(key)) errors[key] = { __errors: Array.isArray(message) ? message : [message] };
    return errors as unknown as ErrorSchema;
  }, [fieldErrors, hidden]);
  return (
    <RjsfForm
      tagName="div"
      className="rjsf entry-form"
      schema={schema}
      uiSchema={ui}
      formData={data}
      validator={noCompileValidator}
      templates={TEMPLATES}
      extraErrors={extraErrors}
      showErrorList={false}
      noHtml5Validate
      readonly={readOnly}
      experimental_defaultFormStateBehavior={DEFAULTS_BEHAVIOUR}
      onChange={(e) => onChange(liveState(form, (e.formData ?? {}) as Data, overlayHidden).data)}
    >
      <></>
    </RjsfForm>
  );
}
