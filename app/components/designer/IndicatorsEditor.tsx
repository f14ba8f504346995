/**
 * Indicator editor: the package's indicators as a list, one of them edited at a time (name, key,
 * group, cluster, numerator/denominator formulas with autocomplete and live errors, display,
 * bands, completeness, weight) with a preview on real submissions. In overlay mode national
 * indicators are read-only except their bands; local ones (lokal_) are fully editable.
 */
import { useMemo, useRef, useState } from "react";
import { ListTable } from "./ListTable";
import type { Indicator, TemplatePackage } from "@engine";
import { useT } from "~/i18n/useT";
import { problemsUnder, type EditorProps } from "~/contracts/designer";
import { useGoTo } from "./goto";
import { FormulaInput } from "./FormulaInput";
import { isValidKey, LOCAL_PREFIX } from "@engine";
import {
  indicatorChecks,
  indicatorFields,
  isNationalIn,
  keyAfterRename,
  fieldKeys,
  newIndicator,
  removeAt,
  replaceAt,
  slugKey,
  uniqueKey,
  type Check,
} from "./indicators/checks";
import { IndicatorPreview } from "./indicators/IndicatorPreview";
import { Messages, NumberInput, OriginBadge } from "./indicators/ui";

const CLUSTERS = ["1", "2", "3", "4", "lintas"] as const;
const DEFAULT_BANDS = { green: 100, yellow: 80 };

export function IndicatorsEditor({ pkg, onChange, problems, context, goTo }: EditorProps) {
  const t = useT();
  const [selected, setSelected] = useState<number | null>(pkg.indicators.length > 0 ? 0 : null);
  const [filter, setFilter] = useState("");
  useGoTo(
    goTo,
    "indicators",
    (i) => {
      setFilter("");
      setSelected(i);
    },
    (i, prop) => `ind-${i}-${prop}`,
  );
  // Keys added in this session: only those may still change (a saved key may already be published).
  const added = useRef(new Set<string>());
  const fields = useMemo(() => indicatorFields(pkg), [pkg.forms]); // eslint-disable-line react-hooks/exhaustive-deps -- the fields depend on the forms only; every other edit of the package would recompute them
  const index = selected !== null && selected < pkg.indicators.length ? selected : null;

  const setIndicator = (i: number, next: Indicator) => onChange({ ...pkg, indicators: replaceAt(pkg.indicators, i, next) });
  const add = () => {
    const ind = newIndicator(pkg, context);
    added.current.add(ind.key);
    onChange({ ...pkg, indicators: [...pkg.indicators, ind] });
    setSelected(pkg.indicators.length);
  };
  const remove = (i: number) => {
    if (!window.confirm(t("indicators.removeConfirm", { key: pkg.indicators[i].key }))) return;
    onChange({ ...pkg, indicators: removeAt(pkg.indicators, i) });
    setSelected(null);
  };

  const needle = filter.trim().toLowerCase();
  const shown = pkg.indicators
    .map((ind, i) => ({ ind, i }))
    .filter(({ ind }) => !needle || ind.key.includes(needle) || ind.name.id.toLowerCase().includes(needle) || ind.group.includes(needle));
  const problemCount = (i: number) => problemsUnder(problems, `/indicators/${i}`).length;

  return (
    <div className="ind-editor">
      <div className="ind-toolbar">
        <div className="field ind-filter">
          <label htmlFor="ind-filter">{t("indicators.filter")}</label>
          <input id="ind-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        {!context.readOnly ? (
          <button type="button" className="button" onClick={add}>
            {t("indicators.add")}
          </button>
        ) : null}
      </div>
      {pkg.indicators.length === 0 ? <p className="empty">{t("indicators.empty")}</p> : null}
      {pkg.indicators.length > 0 ? (
        <div className="table-wrap ind-list">
          <ListTable
            caption={t("indicators.caption")}
            columns={[t("indicators.name"), t("indicators.key"), t("indicators.group"), t("indicators.problems")]}
            actions={t("indicators.actions")}
          >
            {shown.map(({ ind, i }) => {
              const n = problemCount(i);
              return (
                <tr key={i} className={i === index ? "is-selected" : undefined} aria-current={i === index ? "true" : undefined}>
                  <td>
                    {ind.name.id || <span className="muted">{t("indicators.unnamed")}</span>}{" "}
                    <OriginBadge
                      origin={
                        context.origins?.indicators[ind.key] ??
                        (context.mode === "overlay" ? (isNationalIn(context, ind.key) ? "national" : "local") : undefined)
                      }
                    />
                  </td>
                  <td>
                    <code>{ind.key}</code>
                  </td>
                  <td>{pkg.groups.find((g) => g.key === ind.group)?.name.id ?? ind.group}</td>
                  <td>{n > 0 ? <span className="designer-tab-count">{n}</span> : <span className="muted">–</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => setSelected(i)}
                      aria-label={t("indicators.editNamed", { name: ind.name.id || ind.key })}
                    >
                      {t("indicators.edit")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </ListTable>
        </div>
      ) : null}
      {index !== null ? (
        <IndicatorForm
          key={index}
          pkg={pkg}
          index={index}
          fields={fields}
          keyEditable={
            !context.readOnly && (added.current.has(pkg.indicators[index].key) || context.version <= 1) && !isNationalIn(context, pkg.indicators[index].key)
          }
          onChangeIndicator={(next) => {
            const before = pkg.indicators[index].key;
            if (next.key === before) return setIndicator(index, next);
            if (added.current.has(before)) added.current.add(next.key);
            // An unpublished key may still change: its targets follow it.
            onChange({
              ...pkg,
              indicators: replaceAt(pkg.indicators, index, next),
              targets: pkg.targets.map((x) => (x.indicator === before ? { ...x, indicator: next.key } : x)),
            });
          }}
          onChangePackage={onChange}
          onRemove={() => remove(index)}
          editor={{ problems, context }}
        />
      ) : null}
    </div>
  );
}

interface FormProps {
  pkg: TemplatePackage;
  index: number;
  fields: ReturnType<typeof indicatorFields>;
  keyEditable: boolean;
  onChangeIndicator(next: Indicator): void;
  onChangePackage(next: TemplatePackage): void;
  onRemove(): void;
  editor: Pick<EditorProps, "problems" | "context">;
}

function IndicatorForm({ pkg, index, fields, keyEditable, onChangeIndicator, onChangePackage, onRemove, editor }: FormProps) {
  const t = useT();
  const { context, problems } = editor;
  const ind = pkg.indicators[index];
  const base = `/indicators/${index}`;
  const national = isNationalIn(context, ind.key);
  // Overlay mode: a national indicator only takes new bands.
  const locked = context.readOnly || national;
  const bandsLocked = context.readOnly;
  const checks = indicatorChecks(pkg, index, context);
  const at = (name: string): Check[] => checks.filter((c) => c.at === name);
  const server = (path: string) => problemsUnder(problems, `${base}/${path}`);
  const [newGroup, setNewGroup] = useState<{ open: boolean; name: string }>({ open: false, name: "" });
  const id = (name: string) => `ind-${index}-${name}`;
  const set = (patch: Partial<Indicator>) => onChangeIndicator({ ...ind, ...patch });
  const unset = (name: keyof Indicator) => {
    const { [name]: _drop, ...rest } = ind;
    onChangeIndicator(rest as Indicator);
  };
  const setOptional = <K extends keyof Indicator>(name: K, value: Indicator[K] | undefined) =>
    value === undefined ? unset(name) : set({ [name]: value } as Partial<Indicator>);
  const described = (name: string, has: boolean) => (has ? `${id(name)}-msg` : undefined);

  const taken = new Set([...pkg.indicators.map((i) => i.key), ...fieldKeys(pkg)]);
  const prefix = context.mode === "overlay" ? LOCAL_PREFIX : "";
  const rename = (name: string) => {
    const key = keyEditable ? keyAfterRename(ind.key, ind.name.id, name, taken, prefix) : ind.key;
    set({ name: { ...ind.name, id: name }, key });
  };
  const addGroup = () => {
    const name = newGroup.name.trim();
    if (!name) return;
    const key = uniqueKey(prefix + slugKey(name, "kelompok"), new Set(pkg.groups.map((g) => g.key)));
    onChangePackage({
      ...pkg,
      groups: [...pkg.groups, { key, name: { id: name } }],
      indicators: replaceAt(pkg.indicators, index, { ...ind, group: key }),
    });
    setNewGroup({ open: false, name: "" });
  };
  const bands = ind.bands ?? DEFAULT_BANDS;
  const text = (v: string | undefined) => v ?? "";

  return (
    <section className="card ind-form" aria-labelledby={id("title")}>
      <div className="ind-form-head">
        <h2 id={id("title")}>
          {ind.name.id || t("indicators.unnamed")} <code className="template-key">{ind.key}</code>
        </h2>
        {!locked ? (
          <button type="button" className="button small danger" onClick={onRemove}>
            {t("indicators.remove")}
          </button>
        ) : null}
      </div>
      {national ? <p className="alert info">{t("indicators.nationalLocked")}</p> : null}

      <fieldset className="ind-group" disabled={locked}>
        <legend>{t("indicators.identity")}</legend>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("name")}>{t("indicators.nameId")}</label>
            <input
              id={id("name")}
              value={ind.name.id}
              onChange={(e) => rename(e.target.value)}
              aria-invalid={at("name").length > 0 || undefined}
              aria-describedby={described("name", at("name").length + server("name").length > 0)}
            />
            <Messages id={`${id("name")}-msg`} checks={at("name")} problems={server("name")} />
          </div>
          <div className="field">
            <label htmlFor={id("name-en")}>{t("indicators.nameEn")}</label>
            <input
              id={id("name-en")}
              value={text(ind.name.en)}
              onChange={(e) => {
                const { en: _en, ...rest } = ind.name;
                set({ name: e.target.value ? { ...rest, en: e.target.value } : rest });
              }}
            />
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("key")}>{t("indicators.key")}</label>
            <input
              id={id("key")}
              className="mono"
              value={ind.key}
              readOnly={!keyEditable}
              onChange={(e) => set({ key: e.target.value.trim() })}
              aria-invalid={at("key").length > 0 || undefined}
              aria-describedby={`${id("key")}-help${at("key").length + server("key").length > 0 ? ` ${id("key")}-msg` : ""}`}
            />
            <span className="help" id={`${id("key")}-help`}>
              {keyEditable ? t("indicators.keyHelp") : t("indicators.keyFrozen")}
            </span>
            <Messages id={`${id("key")}-msg`} checks={at("key")} problems={server("key")} />
          </div>
          <div className="field">
            <label htmlFor={id("group")}>{t("indicators.group")}</label>
            <select
              id={id("group")}
              value={pkg.groups.some((g) => g.key === ind.group) ? ind.group : ""}
              onChange={(e) => (e.target.value === "__new" ? setNewGroup({ open: true, name: "" }) : set({ group: e.target.value }))}
              aria-invalid={at("group").length > 0 || undefined}
              aria-describedby={described("group", at("group").length + server("group").length > 0)}
            >
              {!pkg.groups.some((g) => g.key === ind.group) ? <option value="">{t("indicators.groupChoose")}</option> : null}
              {pkg.groups.map((g) => (
                <option key={g.key} value={g.key}>
                  {g.name.id} ({g.key})
                </option>
              ))}
              {/* An overlay has no operation that adds a group: local indicators use the package's groups. */}
              {context.mode !== "overlay" ? <option value="__new">{t("indicators.groupNew")}</option> : null}
            </select>
            <Messages id={`${id("group")}-msg`} checks={at("group")} problems={server("group")} />
            {newGroup.open ? (
              <div className="ind-newgroup">
                <label htmlFor={id("newgroup")}>{t("indicators.groupNewName")}</label>
                <input
                  id={id("newgroup")}
                  value={newGroup.name}
                  autoFocus
                  onChange={(e) => setNewGroup({ open: true, name: e.target.value })}
                  onKeyDown={(e) => {
                    if (e.key !== "Enter") return;
                    e.preventDefault();
                    addGroup();
                  }}
                  // A name typed and left (Tab, a click elsewhere) creates the group: only "Batal" leaves it uncreated.
                  onBlur={(e) => {
                    // Tab lands on "Tambah kelompok", which then leaves with the form (React re-renders before the click).
                    if ((e.relatedTarget as HTMLElement | null)?.dataset.cancelGroup === undefined) addGroup();
                  }}
                />
                <button type="button" className="button small" onClick={addGroup} disabled={!newGroup.name.trim()}>
                  {t("indicators.groupAdd")}
                </button>
                <button type="button" className="button small secondary" data-cancel-group="" onClick={() => setNewGroup({ open: false, name: "" })}>
                  {t("indicators.cancel")}
                </button>
              </div>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={id("cluster")}>{t("indicators.cluster")}</label>
            <select
              id={id("cluster")}
              value={ind.cluster ?? ""}
              onChange={(e) => setOptional("cluster", (e.target.value || undefined) as Indicator["cluster"])}
            >
              <option value="">{t("indicators.clusterNone")}</option>
              {CLUSTERS.map((c) => (
                <option key={c} value={c}>
                  {c === "lintas" ? t("indicators.clusterCross") : t("indicators.clusterN", { n: c })}
                </option>
              ))}
            </select>
          </div>
        </div>
      </fieldset>

      <fieldset className="ind-group" disabled={locked}>
        <legend>{t("indicators.formulas")}</legend>
        <p className="muted">{t("indicators.formulasHelp")}</p>
        <FormulaInput
          id={id("numerator")}
          label={t("indicators.numerator")}
          value={ind.numerator}
          onChange={(v) => set({ numerator: v })}
          fields={fields}
          expected="number"
          functions="aggregate"
          problems={server("numerator").filter((p) => p.code !== "UNITS_WITHOUT_COUNT")}
          readOnly={locked}
        />
        <Messages id={`${id("numerator")}-units`} checks={at("numerator")} />
        <FormulaInput
          id={id("denominator")}
          label={t("indicators.denominator")}
          value={ind.denominator ?? ""}
          onChange={(v) => (v === "" ? unset("denominator") : set({ denominator: v }))}
          fields={fields}
          expected="number"
          functions="aggregate"
          problems={server("denominator").filter((p) => p.code !== "UNITS_WITHOUT_COUNT")}
          readOnly={locked}
          help={t("indicators.denominatorHelp")}
          optional
        />
        <Messages id={`${id("denominator")}-units`} checks={at("denominator")} />
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("factor")}>{t("indicators.factor")}</label>
            <NumberInput
              id={id("factor")}
              value={ind.factor}
              onChange={(v) => setOptional("factor", v)}
              invalid={at("factor").length > 0}
              describedBy={`${id("factor")}-msg`}
              placeholder="1"
            />
            <span className="help">{t("indicators.factorHelp")}</span>
            <Messages id={`${id("factor")}-msg`} checks={at("factor")} problems={server("factor")} />
          </div>
          <div className="field">
            <label htmlFor={id("unit")}>{t("indicators.unit")}</label>
            <input id={id("unit")} value={text(ind.unit)} onChange={(e) => setOptional("unit", e.target.value || undefined)} />
          </div>
          <div className="field">
            <label htmlFor={id("decimals")}>{t("indicators.decimals")}</label>
            <NumberInput
              id={id("decimals")}
              value={ind.decimals}
              onChange={(v) => setOptional("decimals", v)}
              invalid={at("decimals").length > 0}
              describedBy={`${id("decimals")}-msg`}
              placeholder="1"
            />
            <Messages id={`${id("decimals")}-msg`} checks={at("decimals")} problems={server("decimals")} />
          </div>
          <div className="field">
            <label htmlFor={id("direction")}>{t("indicators.direction")}</label>
            <select id={id("direction")} value={ind.direction ?? "higher"} onChange={(e) => set({ direction: e.target.value as Indicator["direction"] })}>
              <option value="higher">{t("indicators.directionHigher")}</option>
              <option value="lower">{t("indicators.directionLower")}</option>
            </select>
          </div>
        </div>
        <div className="field ind-check">
          <label>
            <input type="checkbox" checked={ind.ytd === true} onChange={(e) => setOptional("ytd", e.target.checked ? true : undefined)} /> {t("indicators.ytd")}
          </label>
          <span className="help">{t("indicators.ytdHelp")}</span>
        </div>
      </fieldset>

      <fieldset className="ind-group" disabled={bandsLocked}>
        <legend>{t("indicators.bands")}</legend>
        <p className="muted">{t("indicators.bandsHelp")}</p>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("green")}>{t("indicators.green")}</label>
            <NumberInput
              id={id("green")}
              value={bands.green}
              onChange={(v) => v !== undefined && set({ bands: { ...bands, green: v } })}
              invalid={at("bands").length > 0}
              describedBy={`${id("bands")}-msg`}
            />
          </div>
          <div className="field">
            <label htmlFor={id("yellow")}>{t("indicators.yellow")}</label>
            <NumberInput
              id={id("yellow")}
              value={bands.yellow}
              onChange={(v) => v !== undefined && set({ bands: { ...bands, yellow: v } })}
              invalid={at("bands").length > 0}
              describedBy={`${id("bands")}-msg`}
            />
          </div>
        </div>
        <Messages id={`${id("bands")}-msg`} checks={at("bands")} problems={server("bands")} />
        {ind.bands && !bandsLocked ? (
          <button type="button" className="link-button" onClick={() => unset("bands")}>
            {t("indicators.bandsDefault")}
          </button>
        ) : null}
      </fieldset>

      <fieldset className="ind-group" disabled={locked}>
        <legend>{t("indicators.more")}</legend>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id("completeness")}>{t("indicators.minCompleteness")}</label>
            <NumberInput
              id={id("completeness")}
              value={ind.minCompleteness}
              onChange={(v) => setOptional("minCompleteness", v)}
              invalid={at("minCompleteness").length > 0}
              describedBy={`${id("completeness")}-msg`}
              placeholder="0,9"
            />
            <span className="help">{t("indicators.minCompletenessHelp")}</span>
            <Messages id={`${id("completeness")}-msg`} checks={at("minCompleteness")} problems={server("minCompleteness")} />
          </div>
          <div className="field">
            <label htmlFor={id("weight")}>{t("indicators.weight")}</label>
            <NumberInput
              id={id("weight")}
              value={ind.weight}
              onChange={(v) => setOptional("weight", v)}
              invalid={at("weight").length > 0}
              describedBy={`${id("weight")}-msg`}
              placeholder="1"
            />
            <Messages id={`${id("weight")}-msg`} checks={at("weight")} problems={server("weight")} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={id("description")}>{t("indicators.description")}</label>
          <textarea
            id={id("description")}
            rows={2}
            value={text(ind.description?.id)}
            onChange={(e) => setOptional("description", e.target.value ? { ...(ind.description ?? {}), id: e.target.value } : undefined)}
          />
        </div>
        <div className="field">
          <label htmlFor={id("source")}>{t("indicators.source")}</label>
          <input id={id("source")} value={ind.source} onChange={(e) => set({ source: e.target.value })} aria-describedby={`${id("source")}-help`} />
          <span className="help" id={`${id("source")}-help`}>
            {t("indicators.sourceHelp")}
          </span>
          <Messages id={`${id("source")}-msg`} checks={at("source")} problems={server("source")} />
        </div>
      </fieldset>

      {isValidKey(ind.key) ? <IndicatorPreview pkg={pkg} index={index} /> : null}
    </section>
  );
}
