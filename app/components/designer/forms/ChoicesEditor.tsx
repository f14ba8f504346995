/**
 * Answer choices of a single/multiple choice field: the admin types labels; each stored value is
 * generated from its label and follows it until the value has been published (then frozen, so
 * old answers keep their meaning).
 */
import { useState } from "react";
import type { Choice, Field } from "@engine";
import { useT } from "~/i18n/useT";
import type { DesignerProblem } from "~/contracts/designer";
import { messagesAt } from "./checks";
import { withNewChoice } from "./doc";
import { FieldMessages } from "./inputs";
import { choiceValue, slugKey } from "./keys";

interface Props {
  uid: string;
  field: Field;
  pointer: string;
  problems: readonly DesignerProblem[];
  /** Values that must not change any more (published with this field). */
  frozen: ReadonlySet<string>;
  disabled: boolean;
  onChange(next: Field): void;
}

export function ChoicesEditor({ uid, field, pointer, problems, frozen, disabled, onChange }: Props) {
  const t = useT();
  const [draft, setDraft] = useState("");
  const choices = field.choices ?? [];
  const id = `fb-${uid}-choices`;
  const setChoices = (next: Choice[]) => onChange({ ...field, choices: next });

  const relabel = (i: number, label: string) => {
    const c = choices[i];
    const others = new Set(choices.filter((_, j) => j !== i).map((x) => x.value));
    // The value follows the label while it was generated from it and is not published.
    const follows = !frozen.has(c.value) && c.value === choiceValue(c.label.id, others);
    const value = follows && slugKey(label, "pilihan") ? choiceValue(label, others) : c.value;
    setChoices(choices.map((x, j) => (j === i ? { ...x, value, label: { ...x.label, id: label } } : x)));
  };

  const add = () => {
    const label = draft.trim();
    if (!label) return;
    onChange(withNewChoice(field, label));
    setDraft("");
  };

  const listMessages = messagesAt(problems, `${pointer}/choices`, true);
  return (
    <fieldset className="fb-choices">
      <legend>{t("formbuilder.choices.legend")}</legend>
      <FieldMessages id={`${id}-msg`} messages={listMessages} />
      {choices.length > 0 ? (
        <ol className="fb-choice-list">
          {choices.map((c, i) => {
            const at = `${pointer}/choices/${i}`;
            const n = i + 1;
            const messages = messagesAt(problems, at);
            return (
              <li key={i} className="fb-choice">
                <input
                  id={`${id}-${i}-label`}
                  type="text"
                  maxLength={2000}
                  aria-label={t("formbuilder.choices.label", { n })}
                  value={c.label.id}
                  disabled={disabled}
                  aria-invalid={messages.length > 0 || undefined}
                  aria-describedby={messages.length ? `${id}-${i}-msg` : undefined}
                  onChange={(e) => relabel(i, e.target.value)}
                />
                <input
                  id={`${id}-${i}-en`}
                  type="text"
                  maxLength={2000}
                  aria-label={t("formbuilder.choices.labelEn", { n })}
                  placeholder={t("formbuilder.choices.enPlaceholder")}
                  value={c.label.en ?? ""}
                  disabled={disabled}
                  onChange={(e) =>
                    setChoices(choices.map((x, j) => (j === i ? { ...x, label: e.target.value ? { ...x.label, en: e.target.value } : { id: x.label.id } } : x)))
                  }
                />
                <span className="fb-choice-value">
                  {t("formbuilder.choices.value")} <code>{c.value}</code>
                  {frozen.has(c.value) ? <span className="muted"> {t("formbuilder.choices.frozen")}</span> : null}
                </span>
                <button
                  type="button"
                  className="button small secondary"
                  aria-label={t("formbuilder.choices.remove", { label: c.label.id || c.value })}
                  disabled={disabled || frozen.has(c.value)}
                  onClick={() => setChoices(choices.filter((_, j) => j !== i))}
                >
                  {t("formbuilder.remove")}
                </button>
                <FieldMessages id={`${id}-${i}-msg`} messages={messages} />
              </li>
            );
          })}
        </ol>
      ) : null}
      <div className="fb-inline">
        <label htmlFor={`${id}-new`}>{t("formbuilder.choices.new")}</label>
        <input
          id={`${id}-new`}
          type="text"
          maxLength={2000}
          value={draft}
          disabled={disabled}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button small" disabled={disabled || !draft.trim()} onClick={add}>
          {t("formbuilder.choices.add")}
        </button>
      </div>
    </fieldset>
  );
}
