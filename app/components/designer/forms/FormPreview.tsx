/**
 * Live preview of the form being built: the operator's own rjsf form (EntryForm, the same
 * derivation, show-if and calculations), filled with sample answers the admin can send to the
 * server's real validation ("Periksa isian contoh", resource route designer.preview-form).
 */
import { useFetcher } from "@remix-run/react";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { Component, useEffect, useMemo, useState, type ReactNode } from "react";
import { formToJsonSchema } from "@engine";
import type { Form } from "@engine";
import { EntryForm } from "~/components/form/EntryForm";
import { liveState } from "~/components/form/live";
import { useT } from "~/i18n/useT";
import { previewForm } from "./preview";

type Data = Record<string, unknown>;

/** What designer.preview-form answers. */
export interface PreviewCheckResult {
  ok: boolean;
  /** Problems of the form definition itself (pointers relative to the form). */
  definitionErrors: Array<{ pointer: string; message: string }>;
  /** Server messages per field key, for the sample answers. */
  fieldErrors: Record<string, string>;
  /** Errors not tied to a field. */
  formErrors: string[];
}

export const PREVIEW_ACTION = "/designer/preview-form";

export function FormPreview({ form, hiddenFields }: { form: Form; hiddenFields: readonly string[] }) {
  const t = useT();
  const fetcher = useFetcher<PreviewCheckResult>();
  const { form: drawn, skipped } = useMemo(() => previewForm(form), [form]);
  const { schema, uiSchema } = useMemo(() => formToJsonSchema(drawn, { locale: t.locale, hiddenFields }), [drawn, t.locale, hiddenFields]);
  const [sample, setSample] = useState<Data>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [checkedAt, setCheckedAt] = useState<Data | null>(null);
  // Calculations follow the definition too, not only the answers.
  const shown = useMemo(() => liveState(drawn, sample, hiddenFields).data, [drawn, sample, hiddenFields]);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;

  useEffect(() => {
    if (result) setFieldErrors(result.fieldErrors ?? {});
  }, [result]);

  const onChange = (next: Data) => {
    setFieldErrors((errors) => {
      const changed = Object.keys(errors).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(sample[k]));
      if (changed.length === 0) return errors;
      const rest = { ...errors };
      for (const k of changed) delete rest[k];
      return rest;
    });
    setSample(next);
  };

  const check = () => {
    setCheckedAt(shown);
    fetcher.submit(
      { form: JSON.stringify(form), data: JSON.stringify(shown), hidden: JSON.stringify(hiddenFields) },
      { method: "post", action: PREVIEW_ACTION },
    );
  };

  const stale = checkedAt !== null && JSON.stringify(checkedAt) !== JSON.stringify(shown);
  return (
    <section className="fb-preview card" aria-labelledby="fb-preview-title">
      <h3 id="fb-preview-title">{t("formbuilder.preview.title")}</h3>
      <p className="help">{t("formbuilder.preview.intro")}</p>
      {skipped.length > 0 ? (
        <p className="alert warning" role="status">
          {t("formbuilder.preview.skipped", { fields: skipped.join(", ") })}
        </p>
      ) : null}
      <div className="fb-preview-form">
        {Object.keys(schema.properties).length === 0 ? (
          <p className="muted">{t("formbuilder.preview.empty")}</p>
        ) : (
          <PreviewBoundary key={JSON.stringify(drawn)} message={t("formbuilder.preview.broken")}>
            <EntryForm
              schema={schema as unknown as RJSFSchema}
              uiSchema={uiSchema as UiSchema}
              form={drawn}
              overlayHidden={hiddenFields}
              data={shown}
              onChange={onChange}
              fieldErrors={fieldErrors}
              readOnly={false}
            />
          </PreviewBoundary>
        )}
      </div>
      <div className="button-row">
        <button type="button" className="button" onClick={check} disabled={fetcher.state !== "idle"}>
          {fetcher.state !== "idle" ? t("formbuilder.preview.checking") : t("formbuilder.preview.check")}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setSample({});
            setFieldErrors({});
            setCheckedAt(null);
          }}
        >
          {t("formbuilder.preview.clear")}
        </button>
      </div>
      <div aria-live="polite">{result && !stale ? <PreviewOutcome result={result} /> : null}</div>
    </section>
  );
}

/** A definition the preview cannot draw must never take the whole designer page (and the admin's unsaved work) down. */
class PreviewBoundary extends Component<{ message: string; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? <p className="alert warning">{this.props.message}</p> : this.props.children;
  }
}

function PreviewOutcome({ result }: { result: PreviewCheckResult }) {
  const t = useT();
  if (result.ok) return <p className="alert success">{t("formbuilder.preview.passed")}</p>;
  const definition = result.definitionErrors ?? [];
  return (
    <div className="alert error" role="alert">
      <p>{definition.length > 0 ? t("formbuilder.preview.definitionFailed") : t("formbuilder.preview.failed")}</p>
      {definition.length > 0 || (result.formErrors ?? []).length > 0 ? (
        <ul>
          {definition.map((e, i) => (
            <li key={`d${i}`}>{e.message}</li>
          ))}
          {(result.formErrors ?? []).map((m, i) => (
            <li key={`f${i}`}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
