/**
 * Properties of one field: label and help (Bahasa Indonesia, optional English), stable key,
 * type, unit, required/optional, bounds, text length, choices, aggregation over time (in
 * words), show-if and the formula of a calculated field. Every problem of a property is shown
 * under its input.
 */
import type { Field } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerProblem, PublishedFieldInfo } from "~/contracts/designer";
import { FormulaInput } from "../FormulaInput";
import { ChoicesEditor } from "./ChoicesEditor";
import { fieldFormulaType } from "@engine";
import { messagesAt } from "./checks";
import { withProp, withType } from "./doc";
import { FieldMessages, NumberInput } from "./inputs";
import { ShowIfEditor } from "./ShowIfEditor";

const TYPES: readonly Field["type"][] = ["integer", "number", "boolean", "text", "date", "choice", "multichoice"];
const AGGREGATIONS = ["sum", "last", "max", "min", "avg"] as const;

export interface FieldEditorProps {
  uid: string;
  field: Field;
  pointer: string;
  problems: readonly DesignerProblem[];
  published?: PublishedFieldInfo;
  /** Overlay mode, a national field: only labels and help may change (and hiding an optional field). */
  national: boolean;
  readOnly: boolean;
  earlier: readonly Field[];
  formFields: readonly Field[];
  frozenChoices: ReadonlySet<string>;
  hidden?: boolean;
  onToggleHidden?: (hidden: boolean) => void;
  onField(next: Field): void;
  onLabel(label: string): void;
  onKey(key: string): void;
}

export function FieldEditor(props: FieldEditorProps) {
  const { uid, field, pointer, problems, published, national, readOnly, onField } = props;
  const t = useT();
  const id = (name: string) => `fb-${uid}-${name}`;
  const at = (prop: string) => messagesAt(problems, `${pointer}/${prop}`);
  const locked = readOnly || national;
  const numeric = field.type === "integer" || field.type === "number";
  const calcType = fieldFormulaType(field);
  const described = (name: string, messages: readonly string[], extra?: string) =>
    [messages.length ? id(`${name}-msg`) : "", extra ?? ""].filter(Boolean).join(" ") || undefined;

  const labelMsgs = at("label");
  const keyMsgs = at("key");
  const typeMsgs = at("type");
  const helpMsgs = at("help");

  return (
    <div className="fb-props" role="group" aria-label={t("formbuilder.field.props", { label: field.label.id || field.key })}>
      <div className="field">
        <label htmlFor={id("label")}>{t("formbuilder.field.label")}</label>
        <input
          id={id("label")}
          type="text"
          maxLength={2000}
          value={field.label.id}
          disabled={readOnly}
          aria-invalid={labelMsgs.length > 0 || undefined}
          aria-describedby={described("label", labelMsgs)}
          onChange={(e) => props.onLabel(e.target.value)}
        />
        <FieldMessages id={id("label-msg")} messages={labelMsgs} />
      </div>
      <div className="field">
        <label htmlFor={id("label-en")}>{t("formbuilder.field.labelEn")}</label>
        <input
          id={id("label-en")}
          type="text"
          maxLength={2000}
          value={field.label.en ?? ""}
          disabled={readOnly}
          onChange={(e) => onField({ ...field, label: e.target.value ? { ...field.label, en: e.target.value } : { id: field.label.id } })}
        />
      </div>
      <div className="field">
        <label htmlFor={id("help")}>{t("formbuilder.field.help")}</label>
        <textarea
          id={id("help")}
          rows={2}
          maxLength={2000}
          value={field.help?.id ?? ""}
          disabled={readOnly}
          aria-describedby={described("help", helpMsgs)}
          onChange={(e) => onField(withProp(field, "help", e.target.value ? { ...(field.help ?? {}), id: e.target.value } : undefined))}
        />
        <FieldMessages id={id("help-msg")} messages={helpMsgs} />
      </div>
      <div className="field">
        <label htmlFor={id("help-en")}>{t("formbuilder.field.helpEn")}</label>
        <textarea
          id={id("help-en")}
          rows={2}
          maxLength={2000}
          value={field.help?.en ?? ""}
          disabled={readOnly || !field.help}
          onChange={(e) => field.help && onField({ ...field, help: e.target.value ? { ...field.help, en: e.target.value } : { id: field.help.id } })}
        />
      </div>

      <div className="field">
        <label htmlFor={id("key")}>{t("formbuilder.field.key")}</label>
        <input
          id={id("key")}
          type="text"
          maxLength={64}
          spellCheck={false}
          autoComplete="off"
          className="fb-key-input"
          value={field.key}
          readOnly={published !== undefined || national}
          disabled={readOnly}
          aria-invalid={keyMsgs.length > 0 || undefined}
          aria-describedby={described("key", keyMsgs, id("key-help"))}
          onChange={(e) => props.onKey(e.target.value.toLowerCase())}
        />
        <p className="help" id={id("key-help")}>
          {published ? t("formbuilder.field.keyFrozen") : national ? t("formbuilder.field.keyNational") : t("formbuilder.field.keyHelp")}
        </p>
        <FieldMessages id={id("key-msg")} messages={keyMsgs} />
      </div>

      <div className="field">
        <label htmlFor={id("type")}>{t("formbuilder.field.type")}</label>
        <select
          id={id("type")}
          value={field.type}
          disabled={locked || published !== undefined}
          aria-invalid={typeMsgs.length > 0 || undefined}
          aria-describedby={described("type", typeMsgs, published ? id("type-help") : undefined)}
          onChange={(e) => onField(withType(field, e.target.value as Field["type"]))}
        >
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`formbuilder.type.${type}` as MessageKey)}
            </option>
          ))}
        </select>
        {published ? (
          <p className="help" id={id("type-help")}>
            {t("formbuilder.field.typeFrozen", { type: t(`formbuilder.type.${published.type}` as MessageKey) })}
          </p>
        ) : null}
        <FieldMessages id={id("type-msg")} messages={typeMsgs} />
      </div>

      {calcType ? (
        <label className="fb-check">
          <input
            type="checkbox"
            checked={field.calculate !== undefined}
            disabled={locked}
            onChange={(e) => onField(withProp(field, "calculate", e.target.checked ? "" : undefined))}
          />
          {t("formbuilder.field.calculated")}
        </label>
      ) : null}
      {field.calculate !== undefined && calcType ? (
        <FormulaInput
          id={id("formula")}
          label={t("formbuilder.field.formula")}
          value={field.calculate}
          onChange={(v) => onField({ ...field, calculate: v })}
          fields={props.formFields
            .filter((f) => f.key !== field.key && fieldFormulaType(f))
            .map((f) => ({ key: f.key, type: fieldFormulaType(f)!, label: f.label.id }))}
          expected={calcType}
          problems={problems.filter((p) => p.pointer === `${pointer}/calculate`)}
          readOnly={locked}
          help={t("formbuilder.field.formulaHelp")}
        />
      ) : null}

      {numeric ? (
        <div className="fb-row">
          <div className="field">
            <label htmlFor={id("unit")}>{t("formbuilder.field.unit")}</label>
            <input
              id={id("unit")}
              type="text"
              maxLength={40}
              value={field.unit ?? ""}
              disabled={locked}
              onChange={(e) => onField(withProp(field, "unit", e.target.value || undefined))}
            />
          </div>
          <div className="field">
            <label htmlFor={id("min")}>{t("formbuilder.field.min")}</label>
            <NumberInput
              id={id("min")}
              value={field.min}
              disabled={locked}
              invalid={at("min").length > 0}
              describedBy={described("min", at("min"))}
              onChange={(v) => onField(withProp(field, "min", v))}
            />
            <FieldMessages id={id("min-msg")} messages={at("min")} />
          </div>
          <div className="field">
            <label htmlFor={id("max")}>{t("formbuilder.field.max")}</label>
            <NumberInput
              id={id("max")}
              value={field.max}
              disabled={locked}
              invalid={at("max").length > 0}
              describedBy={described("max", at("max"))}
              onChange={(v) => onField(withProp(field, "max", v))}
            />
            <FieldMessages id={id("max-msg")} messages={at("max")} />
          </div>
        </div>
      ) : null}

      {field.type === "text" ? (
        <div className="field">
          <label htmlFor={id("maxlength")}>{t("formbuilder.field.maxLength")}</label>
          <NumberInput
            id={id("maxlength")}
            value={field.maxLength}
            disabled={locked}
            describedBy={described("maxlength", at("maxLength"), id("maxlength-help"))}
            onChange={(v) => onField(withProp(field, "maxLength", v === undefined ? undefined : Math.trunc(v)))}
          />
          <p className="help" id={id("maxlength-help")}>
            {t("formbuilder.field.maxLengthHelp")}
          </p>
          <FieldMessages id={id("maxlength-msg")} messages={at("maxLength")} />
        </div>
      ) : null}

      {field.type === "choice" || field.type === "multichoice" ? (
        <ChoicesEditor uid={uid} field={field} pointer={pointer} problems={problems} frozen={props.frozenChoices} disabled={locked} onChange={onField} />
      ) : null}

      <fieldset className="fb-flags">
        <legend>{t("formbuilder.field.answer")}</legend>
        <label className="fb-check">
          <input
            type="checkbox"
            checked={field.required === true}
            disabled={locked}
            onChange={(e) => onField(withProp(field, "required", e.target.checked || undefined))}
          />
          {t("formbuilder.field.required")}
        </label>
        <label className="fb-check">
          <input
            type="checkbox"
            checked={field.optional === true}
            disabled={locked}
            onChange={(e) => onField(withProp(field, "optional", e.target.checked || undefined))}
          />
          {t("formbuilder.field.optional")}
        </label>
        <FieldMessages id={id("optional-msg")} messages={[...at("required"), ...at("optional")]} />
        {props.onToggleHidden && field.optional ? (
          <label className="fb-check">
            <input type="checkbox" checked={props.hidden === true} disabled={readOnly} onChange={(e) => props.onToggleHidden?.(e.target.checked)} />
            {t("formbuilder.field.hideHere")}
          </label>
        ) : null}
      </fieldset>

      {numeric ? (
        <fieldset className="fb-aggregation">
          <legend>{t("formbuilder.agg.legend")}</legend>
          <p className="help">{t("formbuilder.agg.intro")}</p>
          {/* One option per meaning: a numeric field without an aggregation is summed, so "Dijumlahkan" stands for both. */}
          {AGGREGATIONS.map((agg) => (
            <label key={agg} className="fb-check">
              <input
                type="radio"
                name={id("agg")}
                value={agg}
                checked={(field.aggregation ?? "sum") === agg}
                disabled={locked}
                onChange={() => onField(withProp(field, "aggregation", agg === "sum" ? undefined : agg))}
              />
              {t(`formbuilder.agg.${agg}` as MessageKey)}
            </label>
          ))}
          <FieldMessages id={id("agg-msg")} messages={at("aggregation")} />
        </fieldset>
      ) : null}

      <ShowIfEditor
        uid={uid}
        field={field}
        earlier={props.earlier}
        all={props.formFields}
        pointer={`${pointer}/showIf`}
        problems={problems}
        disabled={locked}
        onChange={(next) => onField(withProp(field, "showIf", next))}
      />
    </div>
  );
}
