/**
 * Point-and-click show-if: "Tampilkan isian ini jika [semua|salah satu] syarat berikut", rows of
 * field / operator in words / value typed by the field. Writes the schema's Condition
 * ({match, clauses:[{field, op, value}]}); the admin never sees code.
 */
import type { Condition, ConditionClause, Field } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerProblem } from "~/contracts/designer";
import { messagesAt, opNeedsValue, operatorsFor } from "./checks";
import { FieldMessages, NumberInput } from "./inputs";

interface Props {
  uid: string;
  field: Field;
  /** Fields above this one in the same form (the only ones a condition may read). */
  earlier: readonly Field[];
  /** Every field of the form, to name a clause that refers to one no longer above. */
  all: readonly Field[];
  pointer: string;
  problems: readonly DesignerProblem[];
  disabled: boolean;
  onChange(next: Condition | undefined): void;
}

/** A clause about `target` with a sensible first operator and value. */
export function clauseFor(target: Field): ConditionClause {
  if (target.type === "boolean") return { field: target.key, op: "eq", value: true };
  if ((target.type === "choice" || target.type === "multichoice") && target.choices?.length)
    return { field: target.key, op: "eq", value: target.choices[0].value };
  return { field: target.key, op: "filled" };
}

export function ShowIfEditor({ uid, field, earlier, all, pointer, problems, disabled, onChange }: Props) {
  const t = useT();
  const condition = field.showIf;
  const id = `fb-${uid}-showif`;
  const byKey = new Map(all.map((f) => [f.key, f] as const));
  const setClause = (i: number, clause: ConditionClause) =>
    condition && onChange({ ...condition, clauses: condition.clauses.map((c, j) => (j === i ? clause : c)) });
  const ownMessages = messagesAt(problems, pointer, true);

  return (
    <fieldset className="fb-showif" aria-describedby={ownMessages.length ? `${id}-msg` : undefined}>
      <legend>{t("formbuilder.showIf.legend")}</legend>
      <label className="fb-check">
        <input
          type="checkbox"
          checked={condition !== undefined}
          disabled={disabled || (condition === undefined && earlier.length === 0)}
          onChange={(e) => onChange(e.target.checked && earlier.length > 0 ? { match: "all", clauses: [clauseFor(earlier[earlier.length - 1])] } : undefined)}
        />
        {t("formbuilder.showIf.enable")}
      </label>
      {earlier.length === 0 && condition === undefined ? <p className="help">{t("formbuilder.showIf.noEarlier")}</p> : null}
      <FieldMessages id={`${id}-msg`} messages={ownMessages} />
      {condition ? (
        <>
          <p className="fb-showif-sentence">
            <label htmlFor={`${id}-match`}>{t("formbuilder.showIf.sentenceStart")}</label>{" "}
            <select
              id={`${id}-match`}
              value={condition.match}
              disabled={disabled}
              onChange={(e) => onChange({ ...condition, match: e.target.value as Condition["match"] })}
            >
              <option value="all">{t("formbuilder.showIf.all")}</option>
              <option value="any">{t("formbuilder.showIf.any")}</option>
            </select>{" "}
            {t("formbuilder.showIf.sentenceEnd")}
          </p>
          <ol className="fb-clauses">
            {condition.clauses.map((clause, i) => {
              const target = byKey.get(clause.field);
              const at = `${pointer}/clauses/${i}`;
              const rowId = `${id}-${i}`;
              const ops = target ? operatorsFor(target.type) : (["filled", "empty"] as const);
              const messages = messagesAt(problems, at);
              const n = i + 1;
              return (
                <li key={i} className="fb-clause">
                  <select
                    id={`${rowId}-field`}
                    aria-label={t("formbuilder.showIf.field", { n })}
                    value={clause.field}
                    disabled={disabled}
                    aria-invalid={messagesAt(problems, `${at}/field`).length > 0 || undefined}
                    onChange={(e) => {
                      const next = byKey.get(e.target.value);
                      if (next) setClause(i, clauseFor(next));
                    }}
                  >
                    {target && !earlier.includes(target) ? <option value={clause.field}>{target.label.id || target.key}</option> : null}
                    {!target ? <option value={clause.field}>{t("formbuilder.showIf.unknownField", { key: clause.field })}</option> : null}
                    {earlier.map((f) => (
                      <option key={f.key} value={f.key}>
                        {f.label.id || f.key}
                      </option>
                    ))}
                  </select>
                  <select
                    id={`${rowId}-op`}
                    aria-label={t("formbuilder.showIf.op", { n })}
                    value={clause.op}
                    disabled={disabled}
                    onChange={(e) => {
                      const op = e.target.value as ConditionClause["op"];
                      const next: ConditionClause = { field: clause.field, op };
                      if (opNeedsValue(op)) {
                        const keep = clause.value ?? (target ? clauseFor(target).value : undefined);
                        if (keep !== undefined) next.value = keep;
                      }
                      setClause(i, next);
                    }}
                  >
                    {ops.map((op) => (
                      <option key={op} value={op}>
                        {t(`formbuilder.op.${op}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                  {opNeedsValue(clause.op) && target ? (
                    <ClauseValue
                      id={`${rowId}-value`}
                      n={n}
                      target={target}
                      clause={clause}
                      disabled={disabled}
                      onChange={(value) => setClause(i, value === undefined ? { field: clause.field, op: clause.op } : { ...clause, value })}
                    />
                  ) : null}
                  <button
                    type="button"
                    className="button small secondary"
                    disabled={disabled}
                    aria-label={t("formbuilder.showIf.remove", { n })}
                    onClick={() => {
                      const clauses = condition.clauses.filter((_, j) => j !== i);
                      onChange(clauses.length ? { ...condition, clauses } : undefined);
                    }}
                  >
                    {t("formbuilder.remove")}
                  </button>
                  <FieldMessages id={`${rowId}-msg`} messages={messages} />
                </li>
              );
            })}
          </ol>
          <button
            type="button"
            className="button small secondary"
            disabled={disabled || earlier.length === 0 || condition.clauses.length >= 20}
            onClick={() => onChange({ ...condition, clauses: [...condition.clauses, clauseFor(earlier[earlier.length - 1])] })}
          >
            {t("formbuilder.showIf.add")}
          </button>
        </>
      ) : null}
    </fieldset>
  );
}

function ClauseValue({
  id,
  n,
  target,
  clause,
  disabled,
  onChange,
}: {
  id: string;
  n: number;
  target: Field;
  clause: ConditionClause;
  disabled: boolean;
  onChange(v: ConditionClause["value"]): void;
}) {
  const t = useT();
  const label = t("formbuilder.showIf.value", { n });
  switch (target.type) {
    case "boolean":
      return (
        <select
          id={id}
          aria-label={label}
          value={clause.value === false ? "false" : "true"}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === "true")}
        >
          <option value="true">{t("formbuilder.yes")}</option>
          <option value="false">{t("formbuilder.no")}</option>
        </select>
      );
    case "choice":
    case "multichoice":
      return (
        <select
          id={id}
          aria-label={label}
          value={typeof clause.value === "string" ? clause.value : ""}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">{t("formbuilder.showIf.pick")}</option>
          {(target.choices ?? []).map((c) => (
            <option key={c.value} value={c.value}>
              {c.label.id || c.value}
            </option>
          ))}
        </select>
      );
    case "integer":
    case "number":
      return (
        <NumberInput
          id={id}
          label={label}
          value={typeof clause.value === "number" ? clause.value : undefined}
          disabled={disabled}
          onChange={(v) => onChange(v)}
        />
      );
    case "date":
      return (
        <input
          id={id}
          type="date"
          aria-label={label}
          value={typeof clause.value === "string" ? clause.value : ""}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
    case "text":
      return (
        <input
          id={id}
          type="text"
          aria-label={label}
          maxLength={500}
          value={typeof clause.value === "string" ? clause.value : ""}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
  }
}
