/**
 * Formula editor: a one-line combobox (ARIA 1.2 pattern) that offers the package's field keys
 * and the functions allowed here as the admin types, and checks the formula on every keystroke
 * with the engine's own parser and checker, marking each error at its characters with the
 * engine's message. Used by calculated fields, indicator numerator/denominator and rule operands.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { FORMULA_ERROR_CODES, type FormulaContext } from "@engine";
import { useT } from "~/i18n/useT";
import type { DesignerProblem } from "~/contracts/designer";
import { applySuggestion, checkLive, segments, suggest, wordAt, type LiveFormulaError, type Suggestion } from "./indicators/formula-helpers";

export interface FormulaInputProps {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  fields: Array<{ key: string; type: string; label: string }>;
  expected?: "number" | "boolean";
  problems?: DesignerProblem[];
  /** "aggregate": indicator formulas (count_units, units()); "row": calculated fields and rules. */
  functions?: "row" | "aggregate";
  /** Optional: which row context the formula runs in (error wording); default "field". */
  context?: Exclude<FormulaContext, "indicator">;
  /** Optional: render without editing. */
  readOnly?: boolean;
  /** Optional: a help line under the input. */
  help?: string;
  /** Optional: an empty formula is allowed (e.g. an indicator without denominator). */
  optional?: boolean;
}

/** useLayoutEffect in the browser, useEffect on the server (where neither runs). */
const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/** Codes the editor recomputes live; server problems with these codes would only be stale copies. */
const LIVE_CODES: ReadonlySet<string> = new Set([...FORMULA_ERROR_CODES, "FORMULA_TYPE"]);

export function FormulaInput(props: FormulaInputProps) {
  const { id, label, value, onChange, fields, expected, problems = [], functions = "row" } = props;
  const t = useT();
  const locale = t.locale;
  const context: FormulaContext = functions === "aggregate" ? "indicator" : (props.context ?? "field");
  const listId = `${id}-list`;
  const errorsId = `${id}-errors`;
  const helpId = `${id}-help`;
  const uid = useId().replace(/:/g, "");
  const inputRef = useRef<HTMLInputElement>(null);
  const backdropRef = useRef<HTMLDivElement>(null);
  const pendingCaret = useRef<number | null>(null);
  const [caret, setCaret] = useState<number>(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [touched, setTouched] = useState(value !== "");

  const liveErrors: LiveFormulaError[] = useMemo(() => checkLive(value, { fields, expected, context, locale }), [value, fields, expected, context, locale]);
  // An untouched empty formula is not yet an error worth shouting about.
  const shownLive = (touched || value !== "") && !(props.optional && value.trim() === "") ? liveErrors : [];
  const otherProblems = problems.filter((p) => !p.code || !LIVE_CODES.has(p.code));
  const errors = [...shownLive, ...otherProblems.map((p) => ({ code: p.code ?? "", message: p.message, start: p.start ?? 0, end: p.end ?? 0 }))];

  const word = wordAt(value, caret);
  const items: Suggestion[] = useMemo(
    () => (word ? suggest(word.prefix, fields, context, locale) : suggest("", fields, context, locale, 50)),
    [word?.prefix, fields, context, locale], // eslint-disable-line react-hooks/exhaustive-deps -- suggestions change with the word's prefix, not with each caret move inside it
  );
  const expanded = open && items.length > 0 && !props.readOnly;
  const activeIndex = Math.min(active, Math.max(items.length - 1, 0));

  useIsomorphicLayoutEffect(() => {
    const input = inputRef.current;
    if (pendingCaret.current !== null && input) {
      input.setSelectionRange(pendingCaret.current, pendingCaret.current);
      setCaret(pendingCaret.current);
      pendingCaret.current = null;
    }
    syncScroll();
  });

  useEffect(() => {
    if (expanded) document.getElementById(`${uid}-opt-${activeIndex}`)?.scrollIntoView({ block: "nearest" });
  }, [expanded, activeIndex, uid]);

  function syncScroll() {
    if (inputRef.current && backdropRef.current) backdropRef.current.scrollLeft = inputRef.current.scrollLeft;
  }

  function readCaret() {
    const input = inputRef.current;
    if (input) setCaret(input.selectionStart ?? input.value.length);
    syncScroll();
  }

  function choose(item: Suggestion) {
    const range = word ?? { start: caret, end: caret };
    const next = applySuggestion(value, range, item);
    pendingCaret.current = next.caret;
    setOpen(false);
    onChange(next.value);
  }

  function replaceRange(start: number, end: number, text: string) {
    pendingCaret.current = start + text.length;
    onChange(value.slice(0, start) + text + value.slice(end));
    inputRef.current?.focus();
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!expanded) {
        setOpen(true);
        setActive(0);
        return;
      }
      const n = items.length;
      setActive((activeIndex + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if ((e.key === "Enter" || e.key === "Tab") && expanded) {
      e.preventDefault();
      choose(items[activeIndex]);
    } else if (e.key === "Enter") {
      // A formula is one line; Enter must never submit a surrounding form.
      e.preventDefault();
    } else if (e.key === "Escape" && expanded) {
      e.preventDefault();
      setOpen(false);
    } else if (e.key === " " && e.ctrlKey) {
      e.preventDefault();
      setOpen(true);
      setActive(0);
    }
  }

  const marks = segments(value, errors);
  const describedBy = [helpId, errors.length > 0 ? errorsId : ""].filter(Boolean).join(" ");

  return (
    <div className={`field fi${errors.length > 0 ? " fi-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <div className="fi-box">
        <div className="fi-backdrop" ref={backdropRef} aria-hidden="true">
          {marks.map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
        </div>
        <input
          ref={inputRef}
          id={id}
          className="fi-input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded ? `${uid}-opt-${activeIndex}` : undefined}
          aria-invalid={errors.length > 0}
          aria-describedby={describedBy}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          readOnly={props.readOnly}
          value={value}
          onChange={(e) => {
            setTouched(true);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            const w = wordAt(e.target.value, e.target.selectionStart ?? e.target.value.length);
            setOpen(Boolean(w));
            setActive(0);
            onChange(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") readCaret();
          }}
          onClick={readCaret}
          onSelect={readCaret}
          onScroll={syncScroll}
          onBlur={() => {
            setTouched(true);
            setOpen(false);
          }}
        />
      </div>
      <ul id={listId} role="listbox" aria-label={t("formula.suggestions", { label })} className="fi-list" hidden={!expanded}>
        {expanded &&
          items.map((item, i) => (
            <li
              key={`${item.kind}-${item.insert}`}
              id={`${uid}-opt-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={i === activeIndex ? "fi-option active" : "fi-option"}
              onMouseDown={(e) => {
                // Keep focus in the input; choose on mouse down before blur closes the list.
                e.preventDefault();
                choose(item);
              }}
            >
              <code>{item.label}</code>
              <span className="fi-kind">{t(item.kind === "field" ? "formula.kindField" : "formula.kindFunction")}</span>
              <span className="fi-detail">{item.detail}</span>
            </li>
          ))}
      </ul>
      <p id={helpId} className="help">
        {props.help ?? t(functions === "aggregate" ? "formula.helpAggregate" : "formula.helpRow")}
      </p>
      {errors.length > 0 && (
        <div id={errorsId} className="fi-errors" aria-live="polite">
          <code className="fi-excerpt" aria-hidden="true">
            {marks.map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
          </code>
          <ul>
            {errors.map((e, i) => (
              <li key={i} className="field-error" data-code={e.code} data-start={e.start} data-end={e.end}>
                <span className="fi-where">
                  {e.end > e.start
                    ? t("formula.at", { from: e.start + 1, to: e.end, text: value.slice(e.start, e.end).slice(0, 40) })
                    : t("formula.atEnd", { at: e.start + 1 })}
                </span>{" "}
                {e.message}
                {e.code ? <span className="fi-code"> ({e.code})</span> : null}
                {"suggestion" in e && e.suggestion ? (
                  <>
                    {" "}
                    <button type="button" className="link-button" onClick={() => replaceRange(e.start, e.end, (e as LiveFormulaError).suggestion!)}>
                      {t("formula.didYouMean", { key: (e as LiveFormulaError).suggestion! })}
                    </button>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
