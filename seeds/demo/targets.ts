/**
 * Targets for the years a demo runs through. The seed documents carry targets for the years they
 * were written for (2025–2026); a demo seeded later would show "no target yet" everywhere. Like
 * an admin's "copy last year's targets" in the designer, each indicator × scope's newest target
 * is copied to every later year up to `throughYear`, with its source saying so. Only the demo's
 * copy of the documents changes; the files in seeds/ stay as written. Pure.
 */
import type { DistrictOverlay, Target } from "../../engine/documents";

const scopeKey = (t: Target) => `${t.indicator}|${t.scope.level}|${"org" in t.scope ? t.scope.org : ""}`;

/** Copies of the newest target of each indicator × scope for the years after it, up to `throughYear`. */
export function carriedForward(targets: readonly Target[], throughYear: number): Target[] {
  const newest = new Map<string, Target>();
  for (const t of targets) {
    const k = scopeKey(t);
    const seen = newest.get(k);
    if (!seen || t.year > seen.year) newest.set(k, t);
  }
  const out: Target[] = [];
  for (const t of newest.values()) {
    for (let year = t.year + 1; year <= throughYear; year++) {
      const note = `disalin dari target ${t.year} untuk demo`;
      out.push({ ...t, year, source: t.source ? `${t.source} (${note})` : note });
    }
  }
  return out;
}

/** A package document with its targets carried forward to `throughYear`. */
export function withTargetsThrough<P extends { targets: Target[] }>(pkg: P, throughYear: number): P {
  if (!Array.isArray(pkg.targets)) return pkg;
  const extra = carriedForward(pkg.targets, throughYear);
  return extra.length === 0 ? pkg : { ...pkg, targets: [...pkg.targets, ...extra] };
}

/** An overlay with its setTarget operations carried forward to `throughYear`. */
export function overlayWithTargetsThrough(overlay: DistrictOverlay, throughYear: number): DistrictOverlay {
  const own = overlay.operations.flatMap((op) => (op.op === "setTarget" ? [op.target as Target] : []));
  const extra = carriedForward(own, throughYear);
  if (extra.length === 0) return overlay;
  return { ...overlay, operations: [...overlay.operations, ...extra.map((target) => ({ op: "setTarget" as const, target }))] };
}
