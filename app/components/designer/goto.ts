/**
 * The problem panel's links (DesignerShell): an editor given `goTo` selects the element the
 * pointer names and moves the focus to its input, so the admin lands where the fix is typed.
 */
import { useEffect } from "react";

/** `/indicators/3/group/id` with list "indicators" → { index: 3, prop: "group" }. */
export function pointerTarget(pointer: string, list: string): { index: number; prop: string | undefined } | null {
  const parts = pointer.split("/");
  if (parts[1] !== list || !/^\d+$/.test(parts[2] ?? "")) return null;
  return { index: Number(parts[2]), prop: parts[3] };
}

/** Focuses the first existing element of `ids` after React painted the selection (or the first `fallback` match). */
export function focusSoon(ids: readonly string[], fallback?: string): void {
  window.setTimeout(() => {
    const el =
      ids.map((id) => document.getElementById(id)).find((x): x is HTMLElement => x !== null) ??
      (fallback ? document.querySelector<HTMLElement>(fallback) : null);
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }, 30);
}

/** Selects item `index` of `list` on each new `goTo` and focuses `idOf(index, prop)`. */
export function useGoTo(
  goTo: { pointer: string; n: number } | undefined,
  list: string,
  select: (index: number) => void,
  idOf: (index: number, prop: string) => string,
): void {
  useEffect(() => {
    if (!goTo) return;
    const target = pointerTarget(goTo.pointer, list);
    if (!target) return;
    select(target.index);
    focusSoon(target.prop ? [idOf(target.index, target.prop), idOf(target.index, "name"), idOf(target.index, "key")] : [idOf(target.index, "name")]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- act once per choice in the panel (n), not when the callbacks are recreated
  }, [goTo?.n]);
}
