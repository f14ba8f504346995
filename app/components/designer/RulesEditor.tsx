/**
 * Validation rules editor: left formula, comparison (in words), right formula, severity and
 * message, per form. Formulas read the chosen form's fields and the yearly forms' fields (e.g.
 * sasaran). In overlay mode national rules are read-only; local rules (lokal_) are editable.
 */
import { useMemo, useState } from "react";
import { ListTable } from "./ListTable";
import type { ValidationRule } from "@engine";
import { useT } from "~/i18n/useT";
import { problemsUnder, type EditorProps } from "~/contracts/designer";
import { useGoTo } from "./goto";
import { FormulaInput } from "./FormulaInput";
import { isNationalIn, newRule, removeAt, replaceAt, ruleChecks, ruleFields, type Check } from "./indicators/checks";
import { Messages, OriginBadge } from "./indicators/ui";

const OPS: Array<{ op: ValidationRule["op"]; key: "rules.opLe" | "rules.opLt" | "rules.opGe" | "rules.opGt" | "rules.opEq" | "rules.opNe" }> = [
  { op: "<=", key: "rules.opLe" },
  { op: "<", key: "rules.opLt" },
  { op: ">=", key: "rules.opGe" },
  { op: ">", key: "rules.opGt" },
  { op: "==", key: "rules.opEq" },
  { op: "!=", key: "rules.opNe" },
];

export function RulesEditor({ pkg, onChange, problems, context, goTo }: EditorProps) {
  const t = useT();
  const [selected, setSelected] = useState<number | null>(pkg.rules.length > 0 ? 0 : null);
  const [formFilter, setFormFilter] = useState("");
  useGoTo(
    goTo,
    "rules",
    (i) => {
      setFormFilter("");
      setSelected(i);
    },
    (i, prop) => `rule-${i}-${prop}`,
  );
  const index = selected !== null && selected < pkg.rules.length ? selected : null;
  const formTitle = (key: string) => pkg.forms.find((f) => f.key === key)?.title.id ?? key;
  const opWords = (op: ValidationRule["op"]) => t(OPS.find((o) => o.op === op)?.key ?? "rules.opLe");
  const rows = pkg.rules.map((rule, i) => ({ rule, i })).filter(({ rule }) => !formFilter || rule.form === formFilter);

  const add = () => {
    const rule = newRule(pkg, context, formFilter || undefined);
    onChange({ ...pkg, rules: [...pkg.rules, rule] });
    setSelected(pkg.rules.length);
  };

  return (
    <div className="ind-editor rules-editor">
      <div className="ind-toolbar">
        <div className="field">
          <label htmlFor="rule-filter-form">{t("rules.filterForm")}</label>
          <select id="rule-filter-form" value={formFilter} onChange={(e) => setFormFilter(e.target.value)}>
            <option value="">{t("rules.allForms")}</option>
            {pkg.forms.map((f) => (
              <option key={f.key} value={f.key}>
                {f.title.id}
              </option>
            ))}
          </select>
        </div>
        {!context.readOnly ? (
          <button type="button" className="button" onClick={add} disabled={pkg.forms.length === 0}>
            {t("rules.add")}
          </button>
        ) : null}
      </div>
      {pkg.rules.length === 0 ? <p className="empty">{t("rules.empty")}</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <ListTable
            caption={t("rules.caption")}
            columns={[t("rules.rule"), t("rules.form"), t("rules.severity"), t("rules.problems")]}
            actions={t("rules.actions")}
          >
            {rows.map(({ rule, i }) => {
              const n = problemsUnder(problems, `/rules/${i}`).length;
              return (
                <tr key={i} className={i === index ? "is-selected" : undefined}>
                  <td>
                    <code>{rule.left || "…"}</code> {opWords(rule.op)} <code>{rule.right || "…"}</code>{" "}
                    <OriginBadge
                      origin={
                        context.origins?.rules[rule.key] ??
                        (context.mode === "overlay" ? (isNationalIn(context, rule.key, "rules") ? "national" : "local") : undefined)
                      }
                    />
                    <div className="muted">{rule.message.id}</div>
                  </td>
                  <td>{formTitle(rule.form)}</td>
                  <td>{rule.severity === "error" ? t("rules.severityError") : t("rules.severityWarning")}</td>
                  <td>{n > 0 ? <span className="designer-tab-count">{n}</span> : <span className="muted">–</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => setSelected(i)}
                      aria-label={t("rules.editNamed", { key: rule.key })}
                    >
                      {t("rules.edit")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </ListTable>
        </div>
      ) : null}
      {index !== null ? (
        <RuleForm
          key={index}
          index={index}
          editor={{ pkg, onChange, problems, context }}
          onRemove={() => {
            onChange({ ...pkg, rules: removeAt(pkg.rules, index) });
            setSelected(null);
          }}
        />
      ) : null}
    </div>
  );
}

function RuleForm({ index, editor, onRemove }: { index: number; editor: EditorProps; onRemove(): void }) {
  const t = useT();
  const { pkg, onChange, problems, context } = editor;
  const rule = pkg.rules[index];
  const locked = context.readOnly || isNationalIn(context, rule.key, "rules");
  const checks = ruleChecks(pkg, index, context);
  const at = (name: string): Check[] => checks.filter((c) => c.at === name);
  const server = (path: string) => problemsUnder(problems, `/rules/${index}/${path}`);
  const id = (name: string) => `rule-${index}-${name}`;
  const set = (patch: Partial<ValidationRule>) => onChange({ ...pkg, rules: replaceAt(pkg.rules, index, { ...rule, ...patch }) });
  const opWords = (op: ValidationRule["op"]) => t(OPS.find((o) => o.op === op)?.key ?? "rules.opLe");
  const fields = useMemo(() => ruleFields(pkg, rule.form), [pkg.forms, rule.form]); // eslint-disable-line react-hooks/exhaustive-deps -- the fields depend on the forms only; every other edit of the package would recompute them

  return (
    <section className="card ind-form" aria-labelledby={id("title")}>
      <div className="ind-form-head">
        <h2 id={id("title")}>
          {t("rules.editTitle")} <code className="template-key">{rule.key}</code>
        </h2>
        {!locked ? (
          <button type="button" className="button small danger" onClick={onRemove}>
            {t("rules.remove")}
          </button>
        ) : null}
      </div>
      {locked && !context.readOnly ? <p className="alert info">{t("rules.nationalLocked")}</p> : null}
      <fieldset className="ind-group" disabled={locked}>
        <legend className="visually-hidden">{t("rules.editTitle")}</legend>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("key")}>{t("rules.key")}</label>
            <input
              id={id("key")}
              className="mono"
              value={rule.key}
              onChange={(e) => set({ key: e.target.value.trim() })}
              aria-invalid={at("key").length > 0 || undefined}
              aria-describedby={`${id("key")}-msg`}
            />
            <Messages id={`${id("key")}-msg`} checks={at("key")} problems={server("key")} />
          </div>
          <div className="field">
            <label htmlFor={id("form")}>{t("rules.form")}</label>
            <select id={id("form")} value={rule.form} onChange={(e) => set({ form: e.target.value })} aria-describedby={`${id("form")}-msg`}>
              {!pkg.forms.some((f) => f.key === rule.form) ? <option value={rule.form}>{rule.form || t("rules.formChoose")}</option> : null}
              {pkg.forms.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.title.id} ({f.key})
                </option>
              ))}
            </select>
            <Messages id={`${id("form")}-msg`} checks={at("form")} problems={server("form")} />
          </div>
        </div>
        <p className="muted">{t("rules.howto")}</p>
        <FormulaInput
          id={id("left")}
          label={t("rules.left")}
          value={rule.left}
          onChange={(v) => set({ left: v })}
          fields={fields}
          functions="row"
          context="rule"
          problems={server("left")}
          readOnly={locked}
        />
        <div className="field">
          <label htmlFor={id("op")}>{t("rules.op")}</label>
          <select id={id("op")} value={rule.op} onChange={(e) => set({ op: e.target.value as ValidationRule["op"] })} aria-describedby={`${id("op")}-msg`}>
            {OPS.map((o) => (
              <option key={o.op} value={o.op}>
                {t(o.key)} ({o.op})
              </option>
            ))}
          </select>
          <Messages id={`${id("op")}-msg`} checks={[]} problems={server("op")} />
        </div>
        <FormulaInput
          id={id("right")}
          label={t("rules.right")}
          value={rule.right}
          onChange={(v) => set({ right: v })}
          fields={fields}
          functions="row"
          context="rule"
          problems={server("right")}
          readOnly={locked}
        />
        <p className="ind-sentence">{t("rules.sentence", { left: rule.left || "…", op: opWords(rule.op), right: rule.right || "…" })}</p>
        <fieldset className="ind-radios">
          <legend>{t("rules.severity")}</legend>
          <label>
            <input type="radio" name={id("severity")} value="error" checked={rule.severity === "error"} onChange={() => set({ severity: "error" })} />{" "}
            <strong>{t("rules.severityError")}</strong> — {t("rules.severityErrorHelp")}
          </label>
          <label>
            <input type="radio" name={id("severity")} value="warning" checked={rule.severity === "warning"} onChange={() => set({ severity: "warning" })} />{" "}
            <strong>{t("rules.severityWarning")}</strong> — {t("rules.severityWarningHelp")}
          </label>
        </fieldset>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("message")}>{t("rules.messageId")}</label>
            <textarea
              id={id("message")}
              rows={2}
              value={rule.message.id}
              onChange={(e) => set({ message: { ...rule.message, id: e.target.value } })}
              aria-invalid={at("message").length > 0 || undefined}
              aria-describedby={`${id("message")}-help ${id("message")}-msg`}
            />
            <span className="help" id={`${id("message")}-help`}>
              {t("rules.messageHelp")}
            </span>
            <Messages id={`${id("message")}-msg`} checks={at("message")} problems={server("message")} />
          </div>
          <div className="field">
            <label htmlFor={id("message-en")}>{t("rules.messageEn")}</label>
            <textarea
              id={id("message-en")}
              rows={2}
              value={rule.message.en ?? ""}
              onChange={(e) => {
                const { en: _en, ...rest } = rule.message;
                set({ message: e.target.value ? { ...rest, en: e.target.value } : rest });
              }}
            />
          </div>
        </div>
      </fieldset>
    </section>
  );
}
