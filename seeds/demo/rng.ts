/**
 * Randomness and month arithmetic shared by the demo generators (seeds/demo/generate.ts and
 * seeds/demo/village.ts): a seeded PRNG per purpose, and month indexes (year*12 + month-1).
 */
// ------------------------------------------------------------------ randomness

/** mulberry32: small, fast, good enough for demo data. */
export function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  next(): number;
  between(lo: number, hi: number): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function makeRng(seed: number, key: string): Rng {
  const next = mulberry32(hash(`${seed}|${key}`));
  const rng: Rng = {
    next,
    between: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo + 1) * next()),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
  return rng;
}

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const pad2 = (n: number) => String(n).padStart(2, "0");

// ------------------------------------------------------------------ periods (month index = year*12 + month-1)

export const monthIdx = (year: number, month: number) => year * 12 + month - 1;
export const yearOf = (idx: number) => Math.floor(idx / 12);
export const monthOf = (idx: number) => (idx % 12) + 1;
export const monthPeriod = (idx: number) => `${yearOf(idx)}-${pad2(monthOf(idx))}`;
