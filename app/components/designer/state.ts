/**
 * What the designer shell shares with panels it does not render itself (the publish panel of
 * the package designer, extra tabs of the overlay designer): the document being edited, whether
 * it has unsaved changes, the lock revision and the latest problems.
 */
import { createContext, useContext } from "react";
import type { TemplatePackage } from "@engine";
import type { DesignerProblem } from "~/contracts/designer";

/** What a designer route's action answers to a save or a check (the page shell reads it). */
export interface DesignerActionResult {
  ok: boolean;
  problems: DesignerProblem[];
  revision: number;
  message?: string;
  /** false when the posted text was not a JSON object within the size cap (nothing was applied). */
  parsed?: boolean;
}

export interface DesignerState {
  doc: TemplatePackage;
  dirty: boolean;
  revision: number;
  problems: readonly DesignerProblem[];
  /** Overlay mode: the hidden optional fields. */
  hidden: ReadonlySet<string>;
  saving: boolean;
  save: () => void;
  check: () => void;
  /** For panels that post their own intents (publish) and get a new revision or problems back. */
  setRevision: (revision: number) => void;
  setProblems: (problems: DesignerProblem[]) => void;
}

export const DesignerStateContext = createContext<DesignerState | null>(null);

/** The state of the enclosing DesignerShell; throws outside one (a programming error). */
export function useDesignerState(): DesignerState {
  const state = useContext(DesignerStateContext);
  if (!state) throw new Error("useDesignerState outside DesignerShell");
  return state;
}
