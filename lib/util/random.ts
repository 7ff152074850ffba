/**
 * A small seeded pseudo-random generator (mulberry32), so that a seed reproduces a run.
 * @module
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * Returns a seeded generator of uniform numbers in [0, 1).
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const x = random();
 * ```
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `order` (a typed or plain array) in place (Fisher-Yates, drawing from `random`) and returns it. */
export function shuffleInPlace<A extends Int32Array | unknown[]>(order: A, random: Random): A {
  const o = order as unknown as unknown[];
  for (let i = o.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = o[i];
    o[i] = o[j];
    o[j] = t;
  }
  return order;
}

/** `count` distinct indices below `n` in a seeded random order (all of them when count >= n). */
export function sampleIndices(n: number, count: number, seed: number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(n, Math.max(0, count));
  const random = seededRandom(seed);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, m);
}
