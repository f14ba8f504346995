/** Small inputs shared by the indicator, target and rule editors. */
import { useEffect, useState } from "react";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerOrigin, DesignerProblem } from "~/contracts/designer";
import type { Check } from "./checks";
import { FieldMessages } from "../forms/inputs";

/** Parses a number as typed (decimal comma accepted); "" → undefined, anything else unparsable → NaN. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return undefined;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * A number typed as text: the document changes only when the text parses (or is emptied), so a
 * half-typed "12," or "-" is kept on screen and never rewritten under the caret.
 */
export function NumberInput(props: {
  id: string;
  value: number | undefined;
  onChange(v: number | undefined): void;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  placeholder?: string;
  className?: string;
}) {
  const t = useT();
  const { value, onChange } = props;
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    setText((cur) => (parseNumber(cur) === value || (cur.trim() === "" && value === undefined) ? cur : value === undefined ? "" : String(value)));
  }, [value]);
  const parsed = parseNumber(text);
  const bad = parsed !== undefined && Number.isNaN(parsed);
  const errorId = `${props.id}-nan`;
  return (
    <>
      <input
        id={props.id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        className={props.className}
        value={text}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={props.invalid || bad || undefined}
        aria-describedby={[props.describedBy, bad ? errorId : ""].filter(Boolean).join(" ") || undefined}
        onChange={(e) => {
          setText(e.target.value);
          const n = parseNumber(e.target.value);
          if (n === undefined || !Number.isNaN(n)) onChange(n);
        }}
      />
      {bad ? (
        <span id={errorId} className="field-error">
          {t("indcheck.notNumber", { text })}
        </span>
      ) : null}
    </>
  );
}

/** Client checks of one input plus the server problems under its pointer, next to the input. */
export function Messages({ id, checks, problems }: { id: string; checks: readonly Check[]; problems?: readonly DesignerProblem[] }) {
  const t = useT();
  const texts = [...checks.map((c) => t(c.key as MessageKey, c.params)), ...(problems ?? []).map((p) => p.message)];
  return <FieldMessages id={id} messages={[...new Set(texts)]} className="ind-messages" />;
}

export function OriginBadge({ origin }: { origin: DesignerOrigin | undefined }) {
  const t = useT();
  if (!origin) return null;
  const label = origin === "national" ? t("indui.originNational") : origin === "local" ? t("indui.originLocal") : t("indui.originOverridden");
  return <span className={`badge origin-${origin}`}>{label}</span>;
}
