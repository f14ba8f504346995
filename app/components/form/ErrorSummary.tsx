/**
 * The error summary of the fill page, in the GOV.UK Design System pattern: a box at the top
 * titled "Ada masalah", focused (and so scrolled into view) when a refused save comes back, each
 * problem a link that moves focus to its field. Without it, a refused "Kirim" left the reader at
 * the bottom of a long form with nothing visibly changed.
 */
import { useEffect, useRef } from "react";
import { useT } from "~/i18n/useT";

export interface SummaryProblem {
  severity: "error" | "warning";
  fields: string[];
  message: string;
}

export interface SummaryResult {
  /** Every problem of the refused save: errors first, in the order of the form's fields, then warnings. */
  problems: SummaryProblem[];
}

/** The id of a field's block on the page (SectionsTemplate draws it). */
export const fieldBlockId = (key: string) => `field-${key}`;

/** Messages per field: every error problem at each field it concerns (a broken rule at all of its fields). */
export function fieldMessagesOf(problems: readonly SummaryProblem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    if (p.severity !== "error") continue;
    for (const f of p.fields) {
      const list = (out[f] ??= []);
      if (!list.includes(p.message)) list.push(p.message);
    }
  }
  return out;
}

/** Moves focus to the first control of a field (an input, a radio, a checkbox) and brings it into view. */
export function focusField(key: string): boolean {
  const block = document.getElementById(fieldBlockId(key));
  const control = block?.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea, button");
  if (!block || !control) return false;
  control.focus({ preventScroll: true });
  block.scrollIntoView({ block: "center" });
  return true;
}

export function ErrorSummary({ result, fieldKeys }: { result: SummaryResult; fieldKeys: ReadonlySet<string> }) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const problems = result.problems;
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.filter((p) => p.severity === "warning");

  useEffect(() => {
    box.current?.focus({ preventScroll: true });
    box.current?.scrollIntoView({ block: "start" });
  }, [result]);

  if (problems.length === 0) return null;
  const item = (p: SummaryProblem, i: number) => {
    const target = p.fields.find((f) => fieldKeys.has(f));
    return (
      <li key={`${i}:${p.message}`}>
        {target ? (
          <a
            href={`#${fieldBlockId(target)}`}
            onClick={(e) => {
              if (focusField(target)) e.preventDefault();
            }}
          >
            {p.message}
          </a>
        ) : (
          p.message
        )}
      </li>
    );
  };
  return (
    <div className="error-summary" ref={box} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{errors.length > 0 ? t("entry.summary.title") : t("entry.summary.warningsOnly")}</h2>
      {errors.length > 0 ? (
        <>
          <p>{t("entry.summary.intro")}</p>
          <ul className="error-summary-list">{errors.map(item)}</ul>
        </>
      ) : null}
      {warnings.length > 0 ? (
        <>
          {errors.length > 0 ? <h3>{t("entry.summary.warningsTitle")}</h3> : null}
          <p>{t("entry.summary.warningsIntro")}</p>
          <ul className="error-summary-list warnings">
            {warnings.map(item)}
            <li>
              <a
                href="#confirm-warnings"
                onClick={(e) => {
                  const box = document.getElementById("confirmWarnings");
                  if (!box) return;
                  e.preventDefault();
                  box.focus({ preventScroll: true });
                  box.scrollIntoView({ block: "center" });
                }}
              >
                {t("entry.summary.confirmLink")}
              </a>
            </li>
          </ul>
        </>
      ) : null}
    </div>
  );
}
