/**
 * Targets editor: every target (indicator × scope × year × value × period profile) as a table
 * with filters; national defaults and overrides per province/district/Puskesmas; "copy last
 * year's targets". In overlay mode only the district and its Puskesmas may be targeted; national
 * targets show read-only with their origin.
 */
import { useState } from "react";
import { ListTable } from "./ListTable";
import type { Target, TargetProfile } from "@engine";
import { useT } from "~/i18n/useT";
import { problemsUnder, type EditorProps } from "~/contracts/designer";
import { useGoTo } from "./goto";
import { copyLastYear, parseProfileValues, removeAt, replaceAt, scopeAllowed, targetChecks, targetKey, targetLocked, type Check } from "./indicators/checks";
import { Messages, NumberInput, OriginBadge } from "./indicators/ui";

type Level = Target["scope"]["level"];
const LEVELS: Level[] = ["national", "province", "district", "puskesmas"];

export function TargetsEditor({ pkg, onChange, problems, context, goTo }: EditorProps) {
  const t = useT();
  const years = [...new Set(pkg.targets.map((x) => x.year))].sort((a, b) => a - b);
  const [indicator, setIndicator] = useState("");
  const [year, setYear] = useState<string>(years.length ? String(years[years.length - 1]) : String(context.currentYear));
  const [selected, setSelected] = useState<number | null>(null);
  useGoTo(
    goTo,
    "targets",
    (i) => {
      setIndicator("");
      setYear("");
      setSelected(i);
    },
    (i, prop) => `tgt-${i}-${prop}`,
  );
  const [copyYear, setCopyYear] = useState<number | undefined>(years.length ? years[years.length - 1] + 1 : context.currentYear);
  const [copied, setCopied] = useState<string | null>(null);
  const overlay = context.mode === "overlay";
  const units = new Map(context.orgUnits.map((u) => [u.code, u]));
  const indicatorName = (key: string) => pkg.indicators.find((i) => i.key === key)?.name.id ?? key;
  const levels = LEVELS.filter((l) => !overlay || l === "district" || l === "puskesmas");

  const rows = pkg.targets
    .map((target, i) => ({ target, i }))
    .filter(({ target }) => (!indicator || target.indicator === indicator) && (year === "" || String(target.year) === year));
  const index = selected !== null && selected < pkg.targets.length ? selected : null;

  const scopeText = (s: Target["scope"]) => (s.level === "national" ? t("targets.national") : `${t(`level.${s.level}`)} · ${units.get(s.org)?.name ?? s.org}`);
  const profileText = (p: TargetProfile) =>
    p.type === "flat"
      ? t("targets.profileFlat")
      : p.type === "linear-cumulative"
        ? t("targets.profileLinear")
        : `${p.type === "quarterly" ? t("targets.profileQuarterly") : t("targets.profileMonthly")}: ${p.values.join("; ")}`;
  const originOf = (x: Target) => context.origins?.targets[targetKey(x)] ?? (overlay ? (scopeAllowed(x.scope, context) ? "local" : "national") : undefined);

  const add = () => {
    const y = Number(year) || context.currentYear;
    const scope: Target["scope"] = overlay && context.districtCode ? { level: "district", org: context.districtCode } : { level: "national" };
    const target: Target = {
      indicator: indicator || pkg.indicators[0]?.key || "",
      year: y,
      scope,
      value: 100,
      profile: { type: "flat" },
      source: "",
    };
    onChange({ ...pkg, targets: [...pkg.targets, target] });
    setSelected(pkg.targets.length);
    setCopied(null);
  };
  const copy = () => {
    if (copyYear === undefined) return;
    const result = copyLastYear(pkg, copyYear, context);
    if (result.copied > 0) onChange({ ...pkg, targets: result.targets });
    setCopied(t("targets.copyDone", { copied: result.copied, skipped: result.skipped, from: copyYear - 1, to: copyYear }));
    setYear(String(copyYear));
  };

  return (
    <div className="ind-editor targets-editor">
      <div className="ind-toolbar">
        <div className="field">
          <label htmlFor="tgt-filter-indicator">{t("targets.filterIndicator")}</label>
          <select id="tgt-filter-indicator" value={indicator} onChange={(e) => setIndicator(e.target.value)}>
            <option value="">{t("targets.all")}</option>
            {pkg.indicators.map((i) => (
              <option key={i.key} value={i.key}>
                {i.name.id || i.key}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tgt-filter-year">{t("targets.filterYear")}</label>
          <select id="tgt-filter-year" value={year} onChange={(e) => setYear(e.target.value)}>
            <option value="">{t("targets.all")}</option>
            {[...new Set([...years, Number(year)].filter((y) => y > 0))].sort().map((y) => (
              <option key={y} value={String(y)}>
                {y}
              </option>
            ))}
          </select>
        </div>
        {!context.readOnly ? (
          <button type="button" className="button" onClick={add} disabled={pkg.indicators.length === 0}>
            {t("targets.add")}
          </button>
        ) : null}
      </div>

      {!context.readOnly ? (
        <div className="ind-copy card">
          <div className="field">
            <label htmlFor="tgt-copy-year">{t("targets.copyYear")}</label>
            <NumberInput id="tgt-copy-year" value={copyYear} onChange={setCopyYear} />
          </div>
          <button type="button" className="button secondary" onClick={copy} disabled={copyYear === undefined || !Number.isInteger(copyYear)}>
            {t("targets.copy")}
          </button>
          <p className="help">{t("targets.copyHelp", { from: copyYear !== undefined ? copyYear - 1 : "–", to: copyYear ?? "–" })}</p>
          {copied ? (
            <p className="alert success" role="status">
              {copied}
            </p>
          ) : null}
        </div>
      ) : null}

      <p className="muted">{t("targets.count", { shown: rows.length, total: pkg.targets.length })}</p>
      <div className="table-wrap">
        <ListTable
          caption={t("targets.caption")}
          columns={[t("targets.indicator"), t("targets.year"), t("targets.scope"), t("targets.value"), t("targets.profile"), t("targets.problems")]}
          actions={t("targets.actions")}
          className="table targets-table"
        >
          {rows.map(({ target, i }) => {
            const n = problemsUnder(problems, `/targets/${i}`).length;
            const locked = targetLocked(target, context);
            return (
              <tr key={i} className={i === index ? "is-selected" : undefined} data-target={targetKey(target)}>
                <td>
                  {indicatorName(target.indicator)} <code className="template-key">{target.indicator}</code>
                </td>
                <td>{target.year}</td>
                <td>
                  {scopeText(target.scope)} <OriginBadge origin={originOf(target)} />
                </td>
                <td className="num">{target.value}</td>
                <td>{profileText(target.profile)}</td>
                <td>{n > 0 ? <span className="designer-tab-count">{n}</span> : <span className="muted">–</span>}</td>
                <td>
                  {locked ? (
                    <span className="muted">{t("targets.readOnly")}</span>
                  ) : (
                    <button type="button" className="button small secondary" onClick={() => setSelected(i)}>
                      {t("targets.edit")}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </ListTable>
      </div>

      {index !== null && !targetLocked(pkg.targets[index], context) ? (
        <TargetForm
          key={index}
          index={index}
          editor={{ pkg, onChange, problems, context }}
          levels={levels}
          onDone={() => setSelected(null)}
          onRemove={() => {
            onChange({ ...pkg, targets: removeAt(pkg.targets, index) });
            setSelected(null);
          }}
        />
      ) : null}
    </div>
  );
}

function TargetForm({ index, editor, levels, onDone, onRemove }: { index: number; editor: EditorProps; levels: Level[]; onDone(): void; onRemove(): void }) {
  const t = useT();
  const { pkg, onChange, problems, context } = editor;
  const target = pkg.targets[index];
  const checks = targetChecks(pkg, index, context);
  const at = (name: string): Check[] => checks.filter((c) => c.at === name);
  const server = (path: string) => problemsUnder(problems, `/targets/${index}/${path}`);
  const id = (name: string) => `tgt-${index}-${name}`;
  const set = (patch: Partial<Target>) => onChange({ ...pkg, targets: replaceAt(pkg.targets, index, { ...target, ...patch }) });
  const p = target.profile;
  const [valuesText, setValuesText] = useState("values" in p ? p.values.join("; ") : "");
  const [badValues, setBadValues] = useState<string[]>([]);
  const orgs = context.orgUnits.filter(
    (u) =>
      target.scope.level !== "national" &&
      u.level === target.scope.level &&
      (context.mode !== "overlay" || scopeAllowed({ level: u.level as "district", org: u.code }, context)),
  );

  const setLevel = (level: Level) => {
    if (level === "national") return set({ scope: { level } });
    const first = context.orgUnits.find((u) => u.level === level && (context.mode !== "overlay" || scopeAllowed({ level, org: u.code }, context)));
    set({ scope: { level, org: first?.code ?? "" } });
  };
  const setProfileType = (type: TargetProfile["type"]) => {
    if (type === "flat" || type === "linear-cumulative") return set({ profile: { type } });
    const { values } = parseProfileValues(valuesText);
    set({ profile: { type, values } });
  };
  const setValues = (text: string) => {
    setValuesText(text);
    const parsed = parseProfileValues(text);
    setBadValues(parsed.bad);
    if (p.type === "quarterly" || p.type === "monthly") set({ profile: { type: p.type, values: parsed.values.slice(0, 12) } });
  };
  const scopeMessages = [...at("scope")];

  return (
    <section className="card ind-form" aria-labelledby={id("title")}>
      <h2 id={id("title")}>{t("targets.editTitle", { indicator: target.indicator, year: target.year })}</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor={id("indicator")}>{t("targets.indicator")}</label>
          <select id={id("indicator")} value={target.indicator} onChange={(e) => set({ indicator: e.target.value })}>
            {!pkg.indicators.some((i) => i.key === target.indicator) ? <option value={target.indicator}>{target.indicator}</option> : null}
            {pkg.indicators.map((i) => (
              <option key={i.key} value={i.key}>
                {i.name.id || i.key}
              </option>
            ))}
          </select>
          <Messages id={`${id("indicator")}-msg`} checks={at("indicator")} problems={server("indicator")} />
        </div>
        <div className="field">
          <label htmlFor={id("year")}>{t("targets.year")}</label>
          <NumberInput
            id={id("year")}
            value={target.year}
            onChange={(v) => v !== undefined && set({ year: v })}
            invalid={at("year").length > 0}
            describedBy={`${id("year")}-msg`}
          />
          <Messages id={`${id("year")}-msg`} checks={at("year")} problems={server("year")} />
        </div>
        <div className="field">
          <label htmlFor={id("value")}>{t("targets.valueAnnual")}</label>
          <NumberInput
            id={id("value")}
            value={target.value}
            onChange={(v) => v !== undefined && set({ value: v })}
            invalid={at("value").length > 0}
            describedBy={`${id("value")}-msg`}
          />
          <Messages id={`${id("value")}-msg`} checks={at("value")} problems={server("value")} />
        </div>
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={id("level")}>{t("targets.level")}</label>
          <select id={id("level")} value={target.scope.level} onChange={(e) => setLevel(e.target.value as Level)}>
            {levels.map((l) => (
              <option key={l} value={l}>
                {l === "national" ? t("targets.national") : t(`level.${l}`)}
              </option>
            ))}
          </select>
        </div>
        {target.scope.level !== "national" ? (
          <div className="field">
            <label htmlFor={id("org")}>{t("targets.org")}</label>
            <select
              id={id("org")}
              value={target.scope.org}
              onChange={(e) => set({ scope: { level: target.scope.level as "district", org: e.target.value } })}
              aria-invalid={scopeMessages.length > 0 || undefined}
              aria-describedby={`${id("scope")}-msg`}
            >
              {!orgs.some((u) => u.code === (target.scope as { org: string }).org) ? (
                <option value={target.scope.org}>{target.scope.org || t("targets.orgChoose")}</option>
              ) : null}
              {orgs.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name} ({u.code})
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <Messages id={`${id("scope")}-msg`} checks={scopeMessages} problems={server("scope")} />
      <div className="form-row">
        <div className="field">
          <label htmlFor={id("profile")}>{t("targets.profile")}</label>
          <select
            id={id("profile")}
            value={p.type}
            onChange={(e) => setProfileType(e.target.value as TargetProfile["type"])}
            aria-describedby={`${id("profile")}-help`}
          >
            <option value="flat">{t("targets.profileFlat")}</option>
            <option value="linear-cumulative">{t("targets.profileLinear")}</option>
            <option value="quarterly">{t("targets.profileQuarterly")}</option>
            <option value="monthly">{t("targets.profileMonthly")}</option>
          </select>
          <span className="help" id={`${id("profile")}-help`}>
            {t(
              p.type === "flat"
                ? "targets.profileFlatHelp"
                : p.type === "linear-cumulative"
                  ? "targets.profileLinearHelp"
                  : p.type === "quarterly"
                    ? "targets.profileQuarterlyHelp"
                    : "targets.profileMonthlyHelp",
            )}
          </span>
        </div>
        {p.type === "quarterly" || p.type === "monthly" ? (
          <div className="field">
            <label htmlFor={id("values")}>{p.type === "quarterly" ? t("targets.valuesQuarterly") : t("targets.valuesMonthly")}</label>
            <input
              id={id("values")}
              value={valuesText}
              onChange={(e) => setValues(e.target.value)}
              placeholder={p.type === "quarterly" ? "25; 50; 75; 100" : "8; 16; 25; 33; 41; 50; 58; 66; 75; 83; 91; 100"}
              aria-invalid={at("profile").length + badValues.length > 0 || undefined}
              aria-describedby={`${id("values")}-msg`}
            />
            {badValues.length > 0 ? <span className="field-error">{t("targets.valuesBad", { text: badValues.join(", ") })}</span> : null}
            <Messages id={`${id("values")}-msg`} checks={at("profile")} problems={server("profile")} />
          </div>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={id("source")}>{t("targets.source")}</label>
        <input id={id("source")} value={target.source} onChange={(e) => set({ source: e.target.value })} />
      </div>
      <div className="button-row">
        <button type="button" className="button secondary" onClick={onDone}>
          {t("targets.close")}
        </button>
        <button type="button" className="button small danger" onClick={onRemove}>
          {t("targets.remove")}
        </button>
      </div>
    </section>
  );
}
