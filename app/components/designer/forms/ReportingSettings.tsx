/**
 * A form's "who reports" settings in the designer (decision 036): its reporting levels
 * (Puskesmas, Pustu, Posyandu; at least one, none stored = Puskesmas) and the groups it applies
 * to (chosen among the groups the admin may read, or typed as a key). Unknown keys come back from
 * the server as problems at `/forms/<i>/appliesTo/groups/<j>` and show here and in the list.
 */
import { useState } from "react";
import { REPORTING_LEVELS, type Form, type ReportingLevel } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerProblem } from "~/contracts/designer";
import { messagesAt } from "./checks";
import { FieldMessages } from "./inputs";

const GROUP_KEY = /^[a-z0-9_]{1,64}$/;

/** The form with `levels` (left out when it is Puskesmas alone, the default). */
export function withReportingLevels(form: Form, levels: readonly ReportingLevel[]): Form {
  const ordered = REPORTING_LEVELS.filter((l) => levels.includes(l));
  const { reportingLevels: _old, ...rest } = form;
  return ordered.length === 1 && ordered[0] === "puskesmas" ? rest : { ...rest, reportingLevels: ordered };
}

/** The form applying to `groups` (left out when empty: every unit of its levels reports). */
export function withAppliesTo(form: Form, groups: readonly string[]): Form {
  const { appliesTo: _old, ...rest } = form;
  return groups.length === 0 ? rest : { ...rest, appliesTo: { groups: [...groups] } };
}

export function ReportingSettings(props: {
  form: Form;
  fi: number;
  problems: readonly DesignerProblem[];
  readOnly: boolean;
  groups: ReadonlyArray<{ key: string; name: string; owner: string }>;
  onChange(next: Form): void;
}) {
  const { form, fi, problems, readOnly, groups } = props;
  const t = useT();
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState(false);
  const fp = `/forms/${fi}`;
  const levels: ReportingLevel[] = form.reportingLevels && form.reportingLevels.length > 0 ? [...form.reportingLevels] : ["puskesmas"];
  const chosen = form.appliesTo?.groups ?? [];
  const known = new Set(groups.map((g) => g.key));
  const levelMsgs = messagesAt(problems, `${fp}/reportingLevels`);
  const groupMsgs = messagesAt(problems, `${fp}/appliesTo`);
  const toggleLevel = (level: ReportingLevel, on: boolean) => {
    const next = on ? [...levels, level] : levels.filter((l) => l !== level);
    if (next.length > 0) props.onChange(withReportingLevels(form, next));
  };
  const toggleGroup = (key: string, on: boolean) =>
    props.onChange(withAppliesTo(form, on ? (chosen.includes(key) ? chosen : [...chosen, key]) : chosen.filter((k) => k !== key)));
  const addTyped = () => {
    const key = typed.trim();
    if (!GROUP_KEY.test(key)) {
      setTypedError(true);
      return;
    }
    setTypedError(false);
    setTyped("");
    toggleGroup(key, true);
  };
  return (
    <fieldset className="fb-reporting" data-testid="fb-reporting">
      <legend>{t("formbuilder.reporting.title")}</legend>
      <fieldset className="fb-inline" aria-describedby={`fb-levels-help-${fi}`}>
        <legend>{t("formbuilder.reporting.levels")}</legend>
        {REPORTING_LEVELS.map((level) => {
          const on = levels.includes(level);
          const last = on && levels.length === 1;
          return (
            <label key={level} className="checkbox" title={last ? t("formbuilder.reporting.lastLevel") : undefined}>
              <input
                type="checkbox"
                name={`reportingLevel-${level}`}
                checked={on}
                disabled={readOnly || last}
                onChange={(e) => toggleLevel(level, e.target.checked)}
              />{" "}
              {t(`formbuilder.reporting.level.${level}` as MessageKey)}
            </label>
          );
        })}
        <p className="hint" id={`fb-levels-help-${fi}`}>
          {t("formbuilder.reporting.levelsHelp")}
        </p>
        <FieldMessages id={`fb-levels-msg-${fi}`} messages={levelMsgs} />
      </fieldset>
      <fieldset className="fb-inline" aria-describedby={`fb-groups-help-${fi}`}>
        <legend>{t("formbuilder.reporting.groups")}</legend>
        <p className="hint" id={`fb-groups-help-${fi}`}>
          {t("formbuilder.reporting.groupsHelp")}
        </p>
        {groups.length === 0 ? <p className="hint">{t("formbuilder.reporting.groupsNone")}</p> : null}
        {groups.map((g) => (
          <label key={g.key} className="checkbox">
            <input
              type="checkbox"
              name={`appliesTo-${g.key}`}
              checked={chosen.includes(g.key)}
              disabled={readOnly}
              onChange={(e) => toggleGroup(g.key, e.target.checked)}
            />{" "}
            {t("formbuilder.reporting.groupOption", { name: g.name, key: g.key, owner: g.owner })}
          </label>
        ))}
        {chosen.some((k) => !known.has(k)) ? (
          <ul className="fb-chosen-groups" aria-label={t("formbuilder.reporting.chosen")}>
            {chosen
              .filter((k) => !known.has(k))
              .map((k) => (
                <li key={k}>
                  <code>{k}</code> <span className="field-error">({t("formbuilder.reporting.unknown")})</span>{" "}
                  {!readOnly ? (
                    <button type="button" className="button small secondary" onClick={() => toggleGroup(k, false)}>
                      {t("formbuilder.reporting.remove", { key: k })}
                    </button>
                  ) : null}
                </li>
              ))}
          </ul>
        ) : null}
        {!readOnly ? (
          <div className="fb-inline">
            <label htmlFor={`fb-group-key-${fi}`}>{t("formbuilder.reporting.typeKey")}</label>
            <input
              id={`fb-group-key-${fi}`}
              type="text"
              maxLength={64}
              value={typed}
              aria-invalid={typedError || undefined}
              aria-describedby={typedError ? `fb-group-key-msg-${fi}` : undefined}
              onChange={(e) => setTyped(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  addTyped();
                }
              }}
            />
            <button type="button" className="button small" disabled={!typed.trim()} onClick={addTyped}>
              {t("formbuilder.reporting.addKey")}
            </button>
            <FieldMessages id={`fb-group-key-msg-${fi}`} messages={typedError ? [t("formbuilder.reporting.badKey")] : []} />
          </div>
        ) : null}
        <FieldMessages id={`fb-groups-msg-${fi}`} messages={groupMsgs} />
      </fieldset>
    </fieldset>
  );
}
