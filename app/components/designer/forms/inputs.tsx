/** Small inputs shared by the form builder's panels. */
import { useEffect, useState } from "react";
import { useT } from "~/i18n/useT";

/** Messages next to an input (client checks and server problems), linked by `id` for aria-describedby. */
export function FieldMessages({ id, messages, className = "fb-messages" }: { id: string; messages: readonly string[]; className?: string }) {
  if (messages.length === 0) return null;
  return (
    <ul className={className} id={id}>
      {messages.map((m) => (
        <li key={m} className="field-error">
          {m}
        </li>
      ))}
    </ul>
  );
}

/** Parses what the admin typed as a number; "" is no value, anything unparsable is NaN. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return undefined;
  return /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
}

/**
 * A number typed as text (decimal comma accepted): the document only changes when the text is a
 * number or empty, so half-typed input ("-", "1,") is never lost or rewritten under the caret.
 */
export function NumberInput(props: {
  id: string;
  value: number | undefined;
  onChange(v: number | undefined): void;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  label?: string;
}) {
  const { id, value, onChange } = props;
  const t = useT();
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    setText((current) =>
      parseNumber(current) === value || (current.trim() === "" && value === undefined) ? current : value === undefined ? "" : String(value),
    );
  }, [value]);
  const parsed = parseNumber(text);
  const bad = parsed !== undefined && Number.isNaN(parsed);
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={text}
        disabled={props.disabled}
        aria-label={props.label}
        aria-invalid={props.invalid || bad || undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => {
          setText(e.target.value);
          const n = parseNumber(e.target.value);
          if (n === undefined || !Number.isNaN(n)) onChange(n);
        }}
      />
      {bad ? (
        <span className="field-error" role="status">
          {t("formbuilder.number.invalid")}
        </span>
      ) : null}
    </>
  );
}
