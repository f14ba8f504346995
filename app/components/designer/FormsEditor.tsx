/**
 * Form builder: the package's forms, their sections and fields (palette, properties, show-if,
 * formulas), reordering by drag and by keyboard, inline checks as the admin types, and a live
 * preview drawn exactly as the Puskesmas operator will see it.
 */
import { useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Field, Form, TemplatePackage } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerProblem, EditorProps } from "~/contracts/designer";
import { messagesAt } from "./forms/checks";
import {
  addField,
  addForm,
  addSection,
  findField,
  moveFieldTo,
  moveSection,
  newField,
  PALETTE,
  removeField,
  removeForm,
  removeSection,
  renameFieldKey,
  stepField,
  updateField,
  updateForm,
  updateSection,
  type FieldPos,
  type PaletteKind,
} from "./forms/doc";
import { FieldEditor } from "./forms/FieldEditor";
import { focusSoon, pointerTarget } from "./goto";
import { FormPreview } from "./forms/FormPreview";
import { FieldMessages } from "./forms/inputs";
import { ReportingSettings } from "./forms/ReportingSettings";
import { keyAfterRelabel, takenKeys } from "./forms/keys";
import { LOCAL_PREFIX } from "@engine";

type Drag = { kind: "field"; key: string } | { kind: "section"; index: number };
type Focus = { id: string; fallback?: string };

export function FormsEditor({ pkg, onChange, problems, context, goTo }: EditorProps) {
  const t = useT();
  const [formIndex, setFormIndex] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [newTitle, setNewTitle] = useState("");
  const [newPeriod, setNewPeriod] = useState<Form["periodType"]>("month");
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const uids = useRef(new Map<string, string>());
  const nextUid = useRef(0);
  const pendingFocus = useRef<Focus | null>(null);
  const drag = useRef<Drag | null>(null);
  const readOnly = context.readOnly;
  const overlay = context.mode === "overlay";
  const prefix = overlay ? LOCAL_PREFIX : "";

  // Choice values published with their field stay frozen: the ones present when the page opened.
  const [frozenChoices] = useState(() => {
    const out = new Map<string, Set<string>>();
    for (const form of pkg.forms)
      for (const s of form.sections)
        for (const f of s.fields) if (context.published[f.key] && f.choices) out.set(f.key, new Set(f.choices.map((c) => c.value)));
    return out;
  });

  // The shell's one list (problems.ts) already holds these editors' checks: counting it alone keeps the chips equal to the header.
  const allProblems = problems;
  const fi = Math.min(formIndex, Math.max(pkg.forms.length - 1, 0));
  const form = pkg.forms[fi] as Form | undefined;
  // A link of the problem panel: open the form, select the field, focus its label (goto.ts).
  useEffect(() => {
    if (!goTo) return;
    const form = pointerTarget(goTo.pointer, "forms");
    if (!form || !pkg.forms[form.index]) return;
    setFormIndex(form.index);
    const m = /^\/forms\/\d+(?:\/sections\/(\d+)(?:\/fields\/(\d+))?)?/.exec(goTo.pointer);
    const section = m?.[1] !== undefined ? pkg.forms[form.index].sections[Number(m[1])] : undefined;
    const field = section && m?.[2] !== undefined ? section.fields[Number(m[2])] : undefined;
    if (field) {
      setSelected(field.key);
      focusSoon([`fb-${uidOf(field.key)}-label`]);
    } else focusSoon(section ? [`fb-s-${section.key}-title`, "fb-form-title"] : ["fb-form-title"]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- act once per choice in the panel (n); pkg and uidOf are read at that moment
  }, [goTo?.n]);
  const hiddenList = useMemo(() => [...(context.hiddenFields ?? [])], [context.hiddenFields]);
  const rendered = new Set<string>();

  useEffect(() => {
    const focus = pendingFocus.current;
    if (!focus) return;
    pendingFocus.current = null;
    const el = document.getElementById(focus.id) as HTMLElement | null;
    const target = el && !(el as HTMLButtonElement).disabled ? el : focus.fallback ? document.getElementById(focus.fallback) : null;
    target?.focus();
  });

  const uidOf = (key: string): string => {
    let uid = uids.current.get(key);
    if (!uid) {
      uid = `f${nextUid.current++}`;
      uids.current.set(key, uid);
    }
    return uid;
  };
  const originOf = (key: string) => context.origins?.fields[key];
  // A field added since the last save has no origin yet: its lokal_ key says it is local.
  const isNational = (key: string) => overlay && (originOf(key) ?? (key.startsWith(LOCAL_PREFIX) ? "local" : "national")) !== "local";
  // A form added since the last save has no origin yet either: in an adaptation its lokal_ key makes it local.
  const formLocal = (key: string) => (context.origins?.forms[key] ?? (key.startsWith(LOCAL_PREFIX) ? "local" : "national")) === "local";
  const sectionNational = (sectionKey: string) =>
    overlay && form !== undefined && (context.origins?.sections[`${form.key}/${sectionKey}`] ?? (formLocal(form.key) ? "local" : "national")) !== "local";

  const setKey = (pos: FieldPos, key: string) => {
    const old = pkg.forms[pos.form].sections[pos.section].fields[pos.index].key;
    const uid = uidOf(old);
    uids.current.delete(old);
    uids.current.set(key, uid);
    if (selected === old) setSelected(key);
    onChange(renameFieldKey(pkg, pos, key));
  };

  const setLabel = (pos: FieldPos, label: string) => {
    const field = pkg.forms[pos.form].sections[pos.section].fields[pos.index];
    const key = isNational(field.key) ? field.key : keyAfterRelabel(field, label, takenKeys(pkg), context.published[field.key] !== undefined, prefix);
    let next = updateField(pkg, pos, (f) => ({ ...f, label: { ...f.label, id: label } }));
    if (key !== field.key) {
      const uid = uidOf(field.key);
      uids.current.delete(field.key);
      uids.current.set(key, uid);
      if (selected === field.key) setSelected(key);
      next = renameFieldKey(next, pos, key);
    }
    onChange(next);
  };

  const addNewField = (si: number, kind: PaletteKind) => {
    const field = newField(pkg, kind, t(`formbuilder.newLabel.${kind}` as MessageKey), prefix);
    const { pkg: next } = addField(pkg, fi, si, field);
    setSelected(field.key);
    pendingFocus.current = { id: `fb-${uidOf(field.key)}-label` };
    setAnnouncement(t("formbuilder.added", { label: field.label.id }));
    onChange(next);
  };

  const stepFieldBy = (key: string, delta: -1 | 1) => {
    const pos = findField(pkg, key);
    if (!pos) return;
    const moved = stepField(pkg, pos, delta);
    if (!moved) return;
    const uid = uidOf(key);
    const which = delta === -1 ? "up" : "down";
    pendingFocus.current = { id: `fb-${uid}-${which}`, fallback: `fb-${uid}-${which === "up" ? "down" : "up"}` };
    announceField(moved.pkg, key);
    onChange(moved.pkg);
  };

  const announceField = (next: TemplatePackage, key: string) => {
    const pos = findField(next, key);
    if (!pos) return;
    const section = next.forms[pos.form].sections[pos.section];
    const field = section.fields[pos.index];
    setAnnouncement(
      t("formbuilder.moved", {
        label: field.label.id || field.key,
        position: pos.index + 1,
        total: section.fields.length,
        section: section.title.id || section.key,
      }),
    );
  };

  const stepSection = (si: number, delta: -1 | 1) => {
    if (!form) return;
    const to = si + delta;
    if (to < 0 || to >= form.sections.length) return;
    const key = form.sections[si].key;
    pendingFocus.current = { id: `fb-s-${key}-${delta === -1 ? "up" : "down"}`, fallback: `fb-s-${key}-${delta === -1 ? "down" : "up"}` };
    setAnnouncement(t("formbuilder.sectionMoved", { title: form.sections[si].title.id || key, position: to + 1, total: form.sections.length }));
    onChange(moveSection(pkg, fi, si, to));
  };

  const onDragStart = (e: DragEvent, value: Drag) => {
    drag.current = value;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", value.kind === "field" ? value.key : String(value.index));
  };
  const allowDrop = (kind: Drag["kind"]) => (e: DragEvent) => {
    if (drag.current?.kind === kind) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
    }
  };
  const dropField = (e: DragEvent, si: number, index: number) => {
    const d = drag.current;
    if (d?.kind !== "field") return;
    e.preventDefault();
    e.stopPropagation();
    drag.current = null;
    const from = findField(pkg, d.key);
    if (!from || from.form !== fi) return;
    const next = moveFieldTo(pkg, from, { section: si, index });
    announceField(next, d.key);
    onChange(next);
  };
  const dropSection = (e: DragEvent, si: number) => {
    const d = drag.current;
    if (d?.kind !== "section" || !form) return;
    e.preventDefault();
    drag.current = null;
    if (d.index === si) return;
    setAnnouncement(t("formbuilder.sectionMoved", { title: form.sections[d.index].title.id, position: si + 1, total: form.sections.length }));
    onChange(moveSection(pkg, fi, d.index, si));
  };

  const createForm = () => {
    const title = newTitle.trim();
    if (!title) return;
    const { pkg: next, index } = addForm(pkg, title, newPeriod, t("formbuilder.section.defaultTitle"), prefix);
    setFormIndex(index);
    setNewTitle("");
    setSelected(null);
    setAnnouncement(t("formbuilder.form.added", { title }));
    onChange(next);
  };

  return (
    <div className="fb">
      <p className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </p>
      <nav className="fb-forms card" aria-labelledby="fb-forms-title">
        <h2 id="fb-forms-title">{t("formbuilder.forms.title")}</h2>
        {pkg.forms.length === 0 ? <p className="muted">{t("formbuilder.forms.none")}</p> : null}
        <ul className="fb-form-list">
          {pkg.forms.map((f, i) => {
            const count = allProblems.filter((p) => p.pointer.startsWith(`/forms/${i}/`) || p.pointer === `/forms/${i}`).length;
            return (
              <li key={i}>
                <button
                  type="button"
                  className={`fb-form-button${i === fi ? " is-active" : ""}`}
                  aria-current={i === fi ? "true" : undefined}
                  onClick={() => {
                    setFormIndex(i);
                    setSelected(null);
                  }}
                >
                  {f.title.id || f.key}
                  {count > 0 ? <span className="fb-count">{t("formbuilder.problemCount", { count })}</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
        {/* An adaptation adds local forms (lokal_ keys) beside the national ones; sections only inside its own forms. */}
        {!readOnly ? (
          <div className="fb-add-form">
            {overlay ? <p className="muted">{t("overlayForms.addHint")}</p> : null}
            <div className="field">
              <label htmlFor="fb-new-form-title">{t("formbuilder.form.newTitle")}</label>
              <input
                id="fb-new-form-title"
                type="text"
                maxLength={2000}
                value={newTitle}
                onChange={(e) => setNewTitle(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    createForm();
                  }
                }}
              />
            </div>
            <div className="field">
              <label htmlFor="fb-new-form-period">{t("formbuilder.form.period")}</label>
              <select id="fb-new-form-period" value={newPeriod} onChange={(e) => setNewPeriod(e.target.value as Form["periodType"])}>
                {(["month", "quarter", "year"] as const).map((p) => (
                  <option key={p} value={p}>
                    {t(`formbuilder.period.${p}` as MessageKey)}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="button" disabled={!newTitle.trim()} onClick={createForm}>
              {t("formbuilder.form.add")}
            </button>
          </div>
        ) : null}
      </nav>

      {form ? (
        <div className="fb-layout">
          <div className="fb-builder">
            <FormHeader
              form={form}
              fi={fi}
              problems={allProblems}
              readOnly={readOnly}
              national={overlay && !formLocal(form.key)}
              overlay={overlay}
              groups={context.groups ?? []}
              confirming={confirmDelete === fi}
              onConfirm={(yes) => setConfirmDelete(yes ? fi : null)}
              onChange={(next) => onChange(updateForm(pkg, fi, () => next))}
              onDelete={() => {
                setConfirmDelete(null);
                setFormIndex(Math.max(0, fi - 1));
                setAnnouncement(t("formbuilder.form.deleted", { title: form.title.id || form.key }));
                onChange(removeForm(pkg, fi));
              }}
            />
            {form.sections.map((section, si) => {
              const sp = `/forms/${fi}/sections/${si}`;
              const titleMsgs = messagesAt(allProblems, `${sp}/title`);
              const ownMsgs = [...messagesAt(allProblems, `${sp}/fields`, true), ...messagesAt(allProblems, `${sp}/key`), ...messagesAt(allProblems, sp, true)];
              const lockedSection = readOnly || sectionNational(section.key);
              const title = section.title.id || section.key;
              const sid = `fb-s-${section.key}`;
              return (
                <section
                  key={`${si}:${section.key}`}
                  className="fb-section card"
                  aria-labelledby={`${sid}-heading`}
                  onDragOver={(e) => {
                    allowDrop("section")(e);
                    allowDrop("field")(e);
                  }}
                  onDrop={(e) => (drag.current?.kind === "section" ? dropSection(e, si) : dropField(e, si, section.fields.length))}
                >
                  <div className="fb-section-head">
                    {!lockedSection ? (
                      <span
                        className="fb-handle"
                        draggable
                        onDragStart={(e) => onDragStart(e, { kind: "section", index: si })}
                        aria-hidden="true"
                        title={t("formbuilder.dragHint")}
                      >
                        ⠿
                      </span>
                    ) : null}
                    <h3 id={`${sid}-heading`} className="fb-section-heading">
                      {t("formbuilder.section.heading", { n: si + 1, title })}
                    </h3>
                    <div className="fb-tools">
                      <button
                        type="button"
                        id={`${sid}-up`}
                        className="button small secondary"
                        disabled={lockedSection || si === 0}
                        aria-label={t("formbuilder.section.up", { title })}
                        onClick={() => stepSection(si, -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        id={`${sid}-down`}
                        className="button small secondary"
                        disabled={lockedSection || si === form.sections.length - 1}
                        aria-label={t("formbuilder.section.down", { title })}
                        onClick={() => stepSection(si, 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        disabled={lockedSection || form.sections.length === 1}
                        aria-label={t("formbuilder.section.delete", { title })}
                        title={form.sections.length === 1 ? t("formbuilder.section.lastOne") : undefined}
                        onClick={() => {
                          setAnnouncement(t("formbuilder.section.deleted", { title }));
                          onChange(removeSection(pkg, fi, si));
                        }}
                      >
                        {t("formbuilder.remove")}
                      </button>
                    </div>
                  </div>
                  <div className="field">
                    <label htmlFor={`${sid}-title`}>{t("formbuilder.section.title")}</label>
                    <input
                      id={`${sid}-title`}
                      type="text"
                      maxLength={2000}
                      value={section.title.id}
                      disabled={readOnly}
                      aria-invalid={titleMsgs.length > 0 || undefined}
                      aria-describedby={titleMsgs.length ? `${sid}-title-msg` : undefined}
                      onChange={(e) => onChange(updateSection(pkg, fi, si, (s) => ({ ...s, title: { ...s.title, id: e.target.value } })))}
                    />
                    <FieldMessages id={`${sid}-title-msg`} messages={titleMsgs} />
                  </div>
                  <FieldMessages id={`${sid}-msg`} messages={ownMsgs} />
                  <ol className="fb-fields" aria-label={t("formbuilder.section.fields", { title })}>
                    {section.fields.map((field, k) => {
                      const pos = { form: fi, section: si, index: k };
                      const pointer = `${sp}/fields/${k}`;
                      const uid = uidOf(field.key);
                      // Two fields typed with the same key share a uid until the admin fixes it (the check says so).
                      const reactKey = rendered.has(uid) ? `${uid}-${si}-${k}` : uid;
                      rendered.add(uid);
                      const label = field.label.id || field.key;
                      const open = selected === field.key;
                      const count = allProblems.filter((p) => p.pointer === pointer || p.pointer.startsWith(pointer + "/")).length;
                      const national = isNational(field.key);
                      const flat = form.sections.flatMap((s) => s.fields);
                      const flatIndex = flat.indexOf(field);
                      const kind = field.calculate !== undefined ? "calculated" : field.type;
                      return (
                        <li
                          key={reactKey}
                          className={`fb-field${open ? " is-open" : ""}${count ? " has-problems" : ""}`}
                          data-field-key={field.key}
                          onDragOver={allowDrop("field")}
                          onDrop={(e) => dropField(e, si, k)}
                        >
                          <div className="fb-field-head">
                            {!readOnly && !national ? (
                              <span
                                className="fb-handle"
                                draggable
                                onDragStart={(e) => onDragStart(e, { kind: "field", key: field.key })}
                                aria-hidden="true"
                                title={t("formbuilder.dragHint")}
                              >
                                ⠿
                              </span>
                            ) : null}
                            <button
                              type="button"
                              id={`fb-${uid}-toggle`}
                              className="link-button fb-field-name"
                              aria-expanded={open}
                              onClick={() => setSelected(open ? null : field.key)}
                            >
                              {label}
                            </button>
                            <span className="badge">{t(`formbuilder.type.${kind}` as MessageKey)}</span>
                            {field.showIf ? <span className="badge">{t("formbuilder.badge.showIf")}</span> : null}
                            {overlay ? (
                              <span className={`badge origin-${originOf(field.key) ?? "local"}`}>
                                {t(national ? "formbuilder.badge.national" : "formbuilder.badge.local")}
                              </span>
                            ) : null}
                            {context.hiddenFields?.has(field.key) ? <span className="badge hidden-badge">{t("formbuilder.badge.hidden")}</span> : null}
                            <code className="fb-key">{field.key}</code>
                            {count > 0 ? <span className="fb-count">{t("formbuilder.problemCount", { count })}</span> : null}
                            <span className="fb-tools">
                              <button
                                type="button"
                                id={`fb-${uid}-up`}
                                className="button small secondary"
                                disabled={readOnly || national || flatIndex === 0}
                                aria-label={t("formbuilder.field.up", { label })}
                                onClick={() => stepFieldBy(field.key, -1)}
                              >
                                ↑
                              </button>
                              <button
                                type="button"
                                id={`fb-${uid}-down`}
                                className="button small secondary"
                                disabled={readOnly || national || flatIndex === flat.length - 1}
                                aria-label={t("formbuilder.field.down", { label })}
                                onClick={() => stepFieldBy(field.key, 1)}
                              >
                                ↓
                              </button>
                              <button
                                type="button"
                                className="button small danger"
                                disabled={readOnly || national}
                                aria-label={t("formbuilder.field.delete", { label })}
                                onClick={() => {
                                  if (selected === field.key) setSelected(null);
                                  setAnnouncement(t("formbuilder.field.deleted", { label }));
                                  pendingFocus.current = { id: `${sid}-title` };
                                  onChange(removeField(pkg, pos));
                                }}
                              >
                                {t("formbuilder.remove")}
                              </button>
                            </span>
                          </div>
                          {open ? (
                            <FieldEditor
                              uid={uid}
                              field={field}
                              pointer={pointer}
                              problems={allProblems}
                              published={context.published[field.key]}
                              national={national}
                              readOnly={readOnly}
                              earlier={flat.slice(0, flatIndex)}
                              formFields={flat}
                              frozenChoices={frozenChoices.get(field.key) ?? EMPTY}
                              hidden={context.hiddenFields?.has(field.key)}
                              onToggleHidden={context.onToggleHidden && national ? (h) => context.onToggleHidden?.(field.key, h) : undefined}
                              onField={(next: Field) => onChange(updateField(pkg, pos, () => next))}
                              onLabel={(l) => setLabel(pos, l)}
                              onKey={(key) => setKey(pos, key)}
                            />
                          ) : null}
                        </li>
                      );
                    })}
                  </ol>
                  {section.fields.length === 0 ? <p className="muted fb-drop-hint">{t("formbuilder.section.empty")}</p> : null}
                  {!readOnly ? (
                    <div className="fb-palette" role="group" aria-label={t("formbuilder.palette.label", { title })}>
                      <span className="fb-palette-title">{t("formbuilder.palette.title")}</span>
                      {PALETTE.map((kind) => (
                        <button
                          key={kind}
                          type="button"
                          className="button small secondary"
                          onClick={() => addNewField(si, kind)}
                          aria-label={t("formbuilder.palette.add", { type: t(`formbuilder.type.${kind}` as MessageKey), title })}
                        >
                          + {t(`formbuilder.type.${kind}` as MessageKey)}
                        </button>
                      ))}
                    </div>
                  ) : null}
                </section>
              );
            })}
            {!readOnly && (!overlay || formLocal(form.key)) ? <AddSection onAdd={(title) => onChange(addSection(pkg, fi, title, prefix))} /> : null}
          </div>
          <FormPreview key={fi} form={form} hiddenFields={hiddenList} />
        </div>
      ) : null}
    </div>
  );
}

const EMPTY: ReadonlySet<string> = new Set();

function FormHeader(props: {
  form: Form;
  fi: number;
  problems: readonly DesignerProblem[];
  readOnly: boolean;
  national: boolean;
  /** Overlay mode: who reports a national form is the national package's (decision 036); a local form sets its own (decision 038). */
  overlay: boolean;
  groups: ReadonlyArray<{ key: string; name: string; owner: string }>;
  confirming: boolean;
  onConfirm(yes: boolean): void;
  onChange(next: Form): void;
  onDelete(): void;
}) {
  const { form, fi, problems, readOnly } = props;
  const t = useT();
  const fp = `/forms/${fi}`;
  const titleMsgs = messagesAt(problems, `${fp}/title`);
  const otherMsgs = [...messagesAt(problems, `${fp}/key`), ...messagesAt(problems, `${fp}/periodType`), ...messagesAt(problems, fp, true)];
  return (
    <div className="fb-form-head card">
      <h2 className="fb-form-title">
        {t("formbuilder.form.heading", { title: form.title.id || form.key })} <code className="fb-key">{form.key}</code>
      </h2>
      <div className="fb-row">
        <div className="field">
          <label htmlFor="fb-form-title">{t("formbuilder.form.title")}</label>
          <input
            id="fb-form-title"
            type="text"
            maxLength={2000}
            value={form.title.id}
            disabled={readOnly}
            aria-invalid={titleMsgs.length > 0 || undefined}
            aria-describedby={titleMsgs.length ? "fb-form-title-msg" : undefined}
            onChange={(e) => props.onChange({ ...form, title: { ...form.title, id: e.target.value } })}
          />
          <FieldMessages id="fb-form-title-msg" messages={titleMsgs} />
        </div>
        <div className="field">
          <label htmlFor="fb-form-title-en">{t("formbuilder.form.titleEn")}</label>
          <input
            id="fb-form-title-en"
            type="text"
            maxLength={2000}
            value={form.title.en ?? ""}
            disabled={readOnly}
            onChange={(e) => props.onChange({ ...form, title: e.target.value ? { ...form.title, en: e.target.value } : { id: form.title.id } })}
          />
        </div>
        <div className="field">
          <label htmlFor="fb-form-period">{t("formbuilder.form.period")}</label>
          <select
            id="fb-form-period"
            value={form.periodType}
            disabled={readOnly || props.national}
            onChange={(e) => props.onChange({ ...form, periodType: e.target.value as Form["periodType"] })}
          >
            {(["month", "quarter", "year"] as const).map((p) => (
              <option key={p} value={p}>
                {t(`formbuilder.period.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!props.national ? (
        <ReportingSettings form={form} fi={fi} problems={problems} readOnly={readOnly} groups={props.groups} onChange={props.onChange} />
      ) : null}
      <FieldMessages id="fb-form-msg" messages={otherMsgs} />
      {!readOnly && !props.national ? (
        props.confirming ? (
          <div className="button-row" role="group" aria-label={t("formbuilder.form.confirmDelete", { title: form.title.id || form.key })}>
            <span>{t("formbuilder.form.confirmDelete", { title: form.title.id || form.key })}</span>
            <button type="button" className="button small danger" onClick={props.onDelete}>
              {t("formbuilder.form.deleteYes")}
            </button>
            <button type="button" className="button small secondary" onClick={() => props.onConfirm(false)}>
              {t("formbuilder.cancel")}
            </button>
          </div>
        ) : (
          <button type="button" className="button small secondary" onClick={() => props.onConfirm(true)}>
            {t("formbuilder.form.delete")}
          </button>
        )
      ) : null}
    </div>
  );
}

function AddSection({ onAdd }: { onAdd(title: string): void }) {
  const t = useT();
  const [title, setTitle] = useState("");
  const add = () => {
    if (!title.trim()) return;
    onAdd(title.trim());
    setTitle("");
  };
  return (
    <div className="fb-add-section fb-inline">
      <label htmlFor="fb-new-section">{t("formbuilder.section.newTitle")}</label>
      <input
        id="fb-new-section"
        type="text"
        maxLength={2000}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          }
        }}
      />
      <button type="button" className="button small" disabled={!title.trim()} onClick={add}>
        {t("formbuilder.section.add")}
      </button>
    </div>
  );
}
