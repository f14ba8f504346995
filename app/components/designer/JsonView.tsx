/**
 * The JSON view for power users: the draft as text. "Terapkan" sends the text through the same
 * server gate as a save (intent=check); the editors take it over only when it parsed. The text
 * stays in the box whatever happens, so nothing typed is lost.
 */
import { useEffect, useRef, useState } from "react";
import type { TemplatePackage } from "@engine";
import { useT } from "~/i18n/useT";
import type { DesignerProblem } from "~/contracts/designer";

export interface JsonViewProps {
  doc: TemplatePackage;
  readOnly: boolean;
  problems: readonly DesignerProblem[];
  busy: boolean;
  /** `parsed` is null when the text is not a JSON object (the server still reports why). */
  onApply: (text: string, parsed: TemplatePackage | null) => void;
}

export function JsonView({ doc, readOnly, problems, busy, onApply }: JsonViewProps) {
  const t = useT();
  const pretty = JSON.stringify(doc, null, 2);
  const [text, setText] = useState(pretty);
  const [touched, setTouched] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const lastDoc = useRef(pretty);
  // Follow the editors while the admin has not typed here.
  useEffect(() => {
    if (pretty !== lastDoc.current) {
      lastDoc.current = pretty;
      if (!touched) setText(pretty);
    }
  }, [pretty, touched]);

  const apply = () => {
    let parsed: TemplatePackage | null = null;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) parsed = value as TemplatePackage;
      setLocalError(parsed ? null : t("designer.json.notObject"));
    } catch (e) {
      setLocalError(t("designer.json.syntax", { detail: e instanceof Error ? e.message : String(e) }));
    }
    onApply(text, parsed);
    if (parsed) setTouched(false);
  };

  return (
    <section className="designer-json" aria-labelledby="designer-json-title">
      <h2 id="designer-json-title">{t("designer.json.title")}</h2>
      <p className="help muted">{t("designer.json.intro")}</p>
      <label htmlFor="designer-json-text" className="visually-hidden">
        {t("designer.json.label")}
      </label>
      <textarea
        id="designer-json-text"
        className="designer-json-text"
        spellCheck={false}
        readOnly={readOnly}
        value={text}
        aria-invalid={localError ? true : undefined}
        aria-describedby={localError ? "designer-json-error" : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setTouched(true);
        }}
      />
      {localError ? (
        <p id="designer-json-error" className="field-error" role="alert">
          {localError}
        </p>
      ) : null}
      {!readOnly ? (
        <div className="button-row">
          <button type="button" className="button" onClick={apply} disabled={busy}>
            {t("designer.json.apply")}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setText(pretty);
              setTouched(false);
              setLocalError(null);
            }}
          >
            {t("designer.json.reset")}
          </button>
        </div>
      ) : null}
      {problems.length > 0 ? (
        <ul className="designer-json-problems">
          {problems.map((p, i) => (
            <li key={`${p.pointer}|${i}`}>
              <code className="designer-pointer">{p.pointer || "/"}</code> {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
