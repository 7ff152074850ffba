/**
 * "Did you mean": the closest known word to a misspelt one.
 * @module
 */

/**
 * The Levenshtein distance between `a` and `b` (insertions, deletions and substitutions),
 * with a swap of two neighbouring letters counted as one edit.
 *
 * @example
 * ```ts
 * editDistance("treshold", "threshold"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known word closest to `word`, if it is close enough to be a likely misspelling (at most
 * a third of its letters, and at least one, edited; or `word` is a prefix of exactly one).
 *
 * @example
 * ```ts
 * closest("linkge", ["linkage", "labels"]); // "linkage"
 * ```
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const words = [...known];
  let best: string | undefined, bestD = Infinity;
  for (const k of words) {
    const dist = editDistance(word.toLowerCase(), k.toLowerCase());
    if (dist < bestD) best = k, bestD = dist;
  }
  if (best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3))) return best;
  const prefixed = word.length >= 2 ? words.filter((k) => k.startsWith(word)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
