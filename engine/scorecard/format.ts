/** Numbers as the scorecard shows them (display only; the engine computes unrounded). */

/** Rounds for display only; the engine never rounds stored or compared numbers. */
export function roundForDisplay(x: number, decimals: number): number {
  const f = 10 ** Math.max(0, Math.min(10, Math.trunc(decimals)));
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

/** A number formatted the Indonesian way ("1.234,5"); "–" for no value. */
export function formatNumberId(x: number | null | undefined, decimals = 1): string {
  if (x == null || !Number.isFinite(x)) return "–";
  const d = Math.max(0, Math.min(10, Math.trunc(decimals)));
  const fixed = Math.abs(roundForDisplay(x, d)).toFixed(d);
  const [int, frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const sign = roundForDisplay(x, d) < 0 ? "-" : "";
  return frac ? `${sign}${grouped},${frac}` : `${sign}${grouped}`;
}
