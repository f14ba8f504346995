/**
 * The designer page body shared by the package designer (/designer/:key/:version) and the overlay
 * designer (/designer/overlay/:district/:key). It owns the draft document (and, in overlay mode,
 * the set of hidden fields) in React state, renders the editors in tabs, lists the problems and
 * posts the document to the route's action. Nothing typed is lost: a refused save keeps the
 * document here, and leaving the page with unsaved changes asks first.
 */
import { useBeforeUnload, useBlocker, useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { TemplatePackage } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import type { DesignerContext, DesignerProblem } from "~/contracts/designer";
import { DesignerStateContext, type DesignerActionResult, type DesignerState } from "./state";
import { FormsEditor } from "./FormsEditor";
import { IndicatorsEditor } from "./IndicatorsEditor";
import { JsonView } from "./JsonView";
import { RulesEditor } from "./RulesEditor";
import { TargetsEditor } from "./TargetsEditor";
import { collectProblems, describePointer } from "./problems";

export interface DesignerShellProps {
  title: string;
  initial: TemplatePackage;
  context: DesignerContext;
  serverProblems: DesignerProblem[];
  revision: number;
  extraTabs?: Array<{ id: string; label: string; render: () => ReactNode }>;
  actionPath?: string;
  /** What the header says after the key instead of "v{version}" (the overlay designer: "Adaptasi v2 atas Nasional v1"). */
  versionLabel?: string;
}

/** Autosave waits this long after the last edit (a pause in typing), then saves the draft like "Simpan draf". */
export const AUTOSAVE_MS = 2500;

/** "14.05": the browser's own time of an autosave (not a server clock read, decision 020). */
function clockText(date: Date): string {
  return `${String(date.getHours()).padStart(2, "0")}.${String(date.getMinutes()).padStart(2, "0")}`;
}

type CoreTab = "forms" | "indicators" | "targets" | "rules" | "json";
const CORE_TABS: Array<{ id: CoreTab; label: MessageKey }> = [
  { id: "forms", label: "designer.tab.forms" },
  { id: "indicators", label: "designer.tab.indicators" },
  { id: "targets", label: "designer.tab.targets" },
  { id: "rules", label: "designer.tab.rules" },
  { id: "json", label: "designer.tab.json" },
];

/** The tab whose editor shows the element a pointer points at. */
export function tabOfPointer(pointer: string): CoreTab {
  const head = pointer.split("/")[1];
  if (head === "forms") return "forms";
  if (head === "indicators" || head === "groups") return "indicators";
  if (head === "targets") return "targets";
  if (head === "rules") return "rules";
  return "json";
}

export function DesignerShell({
  title,
  initial,
  context,
  serverProblems,
  revision: initialRevision,
  extraTabs = [],
  actionPath,
  versionLabel,
}: DesignerShellProps) {
  const t = useT();
  const saver = useFetcher<DesignerActionResult>();
  const checker = useFetcher<DesignerActionResult>();
  const [doc, setDoc] = useState<TemplatePackage>(initial);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set(context.hiddenFields ?? []));
  const [revision, setRevision] = useState(initialRevision);
  const [problems, setProblems] = useState<DesignerProblem[]>(serverProblems);
  const [message, setMessage] = useState<{ kind: "success" | "error" | "info"; text: string } | null>(null);
  const [tab, setTab] = useState<string>("forms");
  const [goTo, setGoTo] = useState<{ pointer: string; n: number } | undefined>(undefined);
  // Every edit bumps `edits`; a save that comes back clears "dirty" only if nothing changed since it left.
  const [edits, setEdits] = useState(0);
  const [savedEdits, setSavedEdits] = useState(0);
  const sentEdits = useRef(0);
  // Autosave: whether the save in flight was automatic, when the last one landed, and whether a
  // refusal stopped it (after "someone else saved", saving again would overwrite their revision).
  const autoSaving = useRef(false);
  const [autoSavedAt, setAutoSavedAt] = useState<string | null>(null);
  const [autoStopped, setAutoStopped] = useState(false);
  const pendingJson = useRef<TemplatePackage | null>(null);
  const dirty = edits !== savedEdits;
  const readOnly = context.readOnly;

  const onChange = useCallback((next: TemplatePackage) => {
    setDoc(next);
    setEdits((n) => n + 1);
  }, []);
  const onToggleHidden = useCallback((fieldKey: string, on: boolean) => {
    setHidden((prev) => {
      const next = new Set(prev);
      if (on) next.add(fieldKey);
      else next.delete(fieldKey);
      return next;
    });
    setEdits((n) => n + 1);
  }, []);

  const editorContext: DesignerContext = useMemo(
    () => (context.mode === "overlay" ? { ...context, hiddenFields: hidden, onToggleHidden } : context),
    [context, hidden, onToggleHidden],
  );
  // The one list every counter and the panel read (problems.ts).
  const allProblems = useMemo(() => collectProblems(doc, editorContext, problems, t.locale), [doc, editorContext, problems, t.locale]);

  const post = useCallback(
    (fetcher: typeof saver, intent: string, documentText: string, extra: Record<string, string> = {}) => {
      const form: Record<string, string> = { intent, document: documentText, revision: String(revision), ...extra };
      if (context.mode === "overlay") form.hidden = JSON.stringify([...hidden].sort());
      fetcher.submit(form, { method: "post", ...(actionPath ? { action: actionPath } : {}) });
    },
    [revision, hidden, context.mode, actionPath],
  );

  const save = useCallback(() => {
    autoSaving.current = false;
    sentEdits.current = edits;
    setMessage(null);
    post(saver, "save", JSON.stringify(doc, null, 2));
  }, [edits, doc, post, saver]);

  const check = useCallback(() => post(checker, "check", JSON.stringify(doc, null, 2)), [doc, post, checker]);

  /** JSON view: the text goes through the server gate; the editor state changes only when it parsed. */
  const applyJson = useCallback(
    (text: string, parsed: TemplatePackage | null) => {
      pendingJson.current = parsed;
      post(checker, "check", text);
    },
    [post, checker],
  );

  useEffect(() => {
    const data = saver.data;
    if (saver.state !== "idle" || !data) return;
    const automatic = autoSaving.current;
    autoSaving.current = false;
    setProblems(data.problems ?? []);
    if (data.ok && automatic) {
      setRevision(data.revision);
      setSavedEdits(sentEdits.current);
      setAutoSavedAt(clockText(new Date()));
    } else if (data.ok) {
      setAutoSavedAt(null);
      // Only a successful save moves the lock token: after a stale refusal, saving again must not overwrite the other save.
      setRevision(data.revision);
      setSavedEdits(sentEdits.current);
      // The route's own words when its count is the header's; otherwise the header's count (browser checks and server together).
      const count = collectProblems(doc, editorContext, data.problems ?? [], t.locale).length;
      const own = data.message && count === (data.problems ?? []).length ? data.message : null;
      setMessage({ kind: "success", text: own ?? (count > 0 ? t("designer.save.doneWithProblems", { count }) : t("designer.save.done")) });
    } else {
      setAutoStopped(true);
      setMessage({ kind: "error", text: data.message ?? t("designer.save.failed") });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- react to the fetcher's answer once; the state and t() are new objects each render
  }, [saver.state, saver.data]);

  useEffect(() => {
    const data = checker.data;
    if (checker.state !== "idle" || !data) return;
    setProblems(data.problems ?? []);
    const parsed = pendingJson.current;
    pendingJson.current = null;
    if (parsed && data.parsed !== false) {
      setDoc(parsed);
      setEdits((n) => n + 1);
      setMessage({ kind: "info", text: t("designer.json.applied") });
    } else if (data.parsed === false) {
      setMessage({ kind: "error", text: data.message ?? t("designer.json.notApplied") });
    } else if (data.ok) {
      const count = collectProblems(doc, editorContext, data.problems ?? [], t.locale).length;
      const own = data.message && count === (data.problems ?? []).length ? data.message : null;
      setMessage({ kind: "info", text: own ?? t("designer.checked", { count }) });
    } else if (data.message) {
      setMessage({ kind: "error", text: data.message });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- react to the fetcher's answer once; the state and t() are new objects each render
  }, [checker.state, checker.data]);

  // Autosave a pause after the last edit; never while a save runs, never after a refusal (the
  // server's revision check still guards every save: a stale one is refused, not written).
  useEffect(() => {
    if (readOnly || !dirty || autoStopped || saver.state !== "idle") return;
    const timer = window.setTimeout(() => {
      sentEdits.current = edits;
      autoSaving.current = true;
      post(saver, "save", JSON.stringify(doc, null, 2));
    }, AUTOSAVE_MS);
    return () => window.clearTimeout(timer);
  }, [readOnly, dirty, autoStopped, saver, edits, doc, post]);

  useBeforeUnload(
    useCallback(
      (event: BeforeUnloadEvent) => {
        if (!dirty || readOnly) return;
        event.preventDefault();
        event.returnValue = "";
      },
      [dirty, readOnly],
    ),
  );
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !readOnly && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(t("designer.leave.confirm"))) blocker.proceed();
    else blocker.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- ask once when navigation is blocked; the blocker is a new object each render
  }, [blocker.state]);

  const state: DesignerState = useMemo(
    () => ({ doc, dirty, revision, problems: allProblems, hidden, saving: saver.state !== "idle", save, check, setRevision, setProblems }),
    [doc, dirty, revision, allProblems, hidden, saver.state, save, check],
  );

  const tabs: Array<{ id: string; label: string }> = [
    ...CORE_TABS.map((x) => ({ id: x.id, label: t(x.label) })),
    ...extraTabs.map((x) => ({ id: x.id, label: x.label })),
  ];
  const countFor = (id: string) => allProblems.filter((p) => tabOfPointer(p.pointer) === id).length;
  const editorProps = { pkg: doc, onChange, problems: allProblems, context: editorContext, goTo };
  const openProblem = (pointer: string) => {
    setTab(tabOfPointer(pointer));
    setGoTo((prev) => ({ pointer, n: (prev?.n ?? 0) + 1 }));
  };

  return (
    <DesignerStateContext.Provider value={state}>
      <div className="designer">
        <div className="page-header designer-head">
          <div>
            <h1>{title}</h1>
            <p>
              <span className="template-key">{context.packageKey}</span> · {versionLabel ?? `v${context.version}`} ·{" "}
              <span className="badge draft">{readOnly ? t("designer.readOnly") : t("designer.draft")}</span>
            </p>
          </div>
        </div>

        <div className="designer-savebar" role="region" aria-label={t("designer.save.region")}>
          <span className={`designer-status${dirty ? " is-dirty" : ""}`} aria-live="polite">
            {saver.state !== "idle"
              ? t("designer.save.saving")
              : dirty
                ? t("designer.save.unsaved")
                : autoSavedAt
                  ? t("designer.save.autoSaved", { time: autoSavedAt })
                  : t("designer.save.clean")}
          </span>
          <span className="designer-problem-count" data-testid="problem-count">
            {t("designer.problems.count", { count: allProblems.length })}
          </span>
          {!readOnly ? (
            <>
              <button type="button" className="button secondary" onClick={check} disabled={checker.state !== "idle"}>
                {t("designer.check")}
              </button>
              <button type="button" className="button" onClick={save} disabled={saver.state !== "idle"}>
                {t("designer.save")}
              </button>
            </>
          ) : null}
        </div>
        {message ? (
          <div className={`alert ${message.kind}`} role={message.kind === "error" ? "alert" : "status"}>
            {message.text}
          </div>
        ) : null}

        <div className="designer-tabs" role="tablist" aria-label={t("designer.tabs")}>
          {tabs.map((x) => {
            const n = countFor(x.id);
            return (
              <button
                key={x.id}
                type="button"
                role="tab"
                id={`designer-tab-${x.id}`}
                aria-selected={tab === x.id}
                aria-controls={`designer-panel-${x.id}`}
                className={`designer-tab${tab === x.id ? " is-active" : ""}`}
                onClick={() => setTab(x.id)}
              >
                {x.label}
                {n > 0 ? <span className="designer-tab-count">{n}</span> : null}
              </button>
            );
          })}
        </div>

        <div className="designer-body">
          <div className="designer-panel" role="tabpanel" id={`designer-panel-${tab}`} aria-labelledby={`designer-tab-${tab}`}>
            {tab === "forms" ? <FormsEditor {...editorProps} /> : null}
            {tab === "indicators" ? <IndicatorsEditor {...editorProps} /> : null}
            {tab === "targets" ? <TargetsEditor {...editorProps} /> : null}
            {tab === "rules" ? <RulesEditor {...editorProps} /> : null}
            {tab === "json" ? <JsonView doc={doc} readOnly={readOnly} problems={allProblems} busy={checker.state !== "idle"} onApply={applyJson} /> : null}
            {extraTabs
              .filter((x) => x.id === tab)
              .map((x) => (
                <div key={x.id}>{x.render()}</div>
              ))}
          </div>

          <aside className="designer-problems card" aria-labelledby="designer-problems-title">
            <h2 id="designer-problems-title">{t("designer.problems.title")}</h2>
            {allProblems.length === 0 ? <p className="muted">{t("designer.problems.none")}</p> : null}
            {allProblems.length > 0 ? (
              <ul className="designer-problem-list" data-testid="problem-list">
                {allProblems.slice(0, 200).map((p, i) => {
                  const where = describePointer(doc, p.pointer, t, t.locale);
                  return (
                    <li key={`${p.pointer}|${i}`}>
                      <button
                        type="button"
                        className="link-button designer-problem-where"
                        onClick={() => openProblem(p.pointer)}
                        aria-label={t("designer.problems.goTo", { where })}
                      >
                        {where}
                      </button>{" "}
                      <span className="designer-problem-message">{p.message}</span>
                    </li>
                  );
                })}
              </ul>
            ) : null}
            {allProblems.length > 200 ? <p className="muted">{t("designer.problems.more", { count: allProblems.length - 200 })}</p> : null}
          </aside>
        </div>
      </div>
    </DesignerStateContext.Provider>
  );
}
