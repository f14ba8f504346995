/**
 * The contract between the designer page (app/routes/designer.*) and its editors
 * (forms, indicators, targets, rules). The page owns the draft document in React state and
 * saves it to the server; each editor receives the whole package and hands back a new one.
 *
 * Editors never mutate `pkg`: they call `onChange(next)` with a structurally shared copy.
 * Editors run in the browser: import engine code from "@engine", never from "@engine/server"
 * (which pulls Ajv into the bundle).
 */
import type { Field, TemplatePackage } from "@engine";
import type { Locale } from "~/i18n/catalog";

/** A problem found in the draft, located by a JSON pointer into the package document. */
export interface DesignerProblem {
  /** JSON pointer into the package, e.g. "/forms/0/sections/1/fields/3/label/id". "" = whole document. */
  pointer: string;
  /** Bahasa Indonesia (or the user's locale): what is wrong and how to fix it. */
  message: string;
  /** Stable code from the engine (formula errors, package semantics), when there is one. */
  code?: string;
  /** Character range inside a formula string, for inline formula errors. */
  start?: number;
  end?: number;
  /** "client": found by the browser's checks as the admin types (app/components/designer/problems.ts); else the server's. */
  origin?: "client";
}

/** Where an element of the document comes from, in overlay mode. */
export type DesignerOrigin = "national" | "local" | "overridden";

/**
 * "package": a national (or any owned) package draft; everything is editable except what
 * publishing has frozen (see `published`).
 * "overlay": a district adapting a national version; the page shows the effective package
 * (base + the district's changes). National elements are locked except the operations an
 * overlay allows: relabel (forms, sections, fields, indicators), hide optional fields, bands
 * of indicators, targets at the district's own scopes; local elements (key prefix "lokal_")
 * are fully editable. The page turns the edited document back into overlay operations.
 */
export type DesignerMode = "package" | "overlay";

export interface PublishedFieldInfo {
  type: Field["type"];
  /** Label (id) it had when last published: a key keeps its meaning forever. */
  label: string;
}

export interface DesignerContext {
  mode: DesignerMode;
  locale: Locale;
  /** True when the user may not edit (e.g. looking at a published version): render read-only. */
  readOnly: boolean;
  /**
   * Field keys that appeared in any published version of this package: their key can no
   * longer be edited and their type can no longer change (publishing would be refused).
   */
  published: Readonly<Record<string, PublishedFieldInfo>>;
  /** Overlay mode only: origin per element; keys as in engine/overlay.ts OverlayOrigins. */
  origins?: {
    forms: Readonly<Record<string, DesignerOrigin>>;
    /** Keyed `form/section`. */
    sections: Readonly<Record<string, DesignerOrigin>>;
    fields: Readonly<Record<string, DesignerOrigin>>;
    indicators: Readonly<Record<string, DesignerOrigin>>;
    rules: Readonly<Record<string, DesignerOrigin>>;
    /** Keyed by engine targetKey(): `indicator|year|level|org`. */
    targets: Readonly<Record<string, DesignerOrigin>>;
  };
  /** Overlay mode only: optional national fields the district hides (field keys). */
  hiddenFields?: ReadonlySet<string>;
  /** Overlay mode only: toggles hiding of an optional national field. */
  onToggleHidden?: (fieldKey: string, hidden: boolean) => void;
  /** Overlay mode only: the district's org code (targets may only use it or its Puskesmas). */
  districtCode?: string;
  /** Org units the user may set targets for: code, name, level (for the targets editor's scope picker). */
  orgUnits: ReadonlyArray<{ code: string; name: string; level: "national" | "province" | "district" | "puskesmas" }>;
  /** The year on the server's clock: the targets editor's default year. */
  currentYear: number;
  /** Package mode: the groups the admin may read, for a form's "applies to" (decision 036). */
  groups?: ReadonlyArray<{ key: string; name: string; owner: string }>;
  /** Package key and draft version, for resource routes (previews). */
  packageKey: string;
  version: number;
}

export interface EditorProps {
  pkg: TemplatePackage;
  onChange: (next: TemplatePackage) => void;
  /** All problems of the draft (server-side validation plus client-side checks); filter by pointer prefix. */
  problems: readonly DesignerProblem[];
  context: DesignerContext;
  /** The place the admin chose in the problem list: the editor selects the element at `pointer` (`n` changes on each choice). */
  goTo?: { pointer: string; n: number };
}

/** Problems whose pointer lies at or under `prefix`. */
export function problemsUnder(problems: readonly DesignerProblem[], prefix: string): DesignerProblem[] {
  return problems.filter((p) => p.pointer === prefix || p.pointer.startsWith(prefix + "/"));
}
