/**
 * BCubed precision of a clustering estimated without labels.
 *
 * For a face i in cluster C, its mean similarity to the other members is about
 * `p·genuine + (1 - p)·impostor`, where p is the share of C that is i's person (its BCubed
 * precision): so p = (mean - impostor) / (genuine - impostor), clipped to [0, 1]. The estimate is
 * the mean of `(1 + p·(|C| - 1)) / |C|` over all faces. It rests on means, not on tails: it needs
 * no model of how often two different people look alike, and it falls steeply when clusters chain
 * different people together. It does not see a lone look-alike joined to a small cluster.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { PairStats } from "./pair_stats.ts";

/** Estimated BCubed precision of `labels` (-1 = unassigned, counted as a singleton). */
export function estimatedPrecision(x: Matrix, labels: Int32Array, stats: PairStats): number {
  const n = x.rows, d = x.cols, data = x.data;
  if (labels.length !== n) throw new RangeError(`estimatedPrecision: ${labels.length} labels for ${n} rows`);
  if (n === 0) return 1;
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const sums = new Float64Array(k * d);
  const count = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l < 0) continue;
    count[l]++;
    for (let c = 0, o = l * d, oi = i * d; c < d; c++) sums[o + c] += data[oi + c];
  }
  const span = stats.genuine - stats.impostor;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    const m = l < 0 ? 1 : count[l];
    if (m <= 1) {
      total += 1;
      continue;
    }
    let s = 0, self = 0;
    for (let c = 0, o = l * d, oi = i * d; c < d; c++) {
      s += data[oi + c] * sums[o + c];
      self += data[oi + c] * data[oi + c];
    }
    const mean = (s - self) / (m - 1);
    const p = span > 0 ? Math.min(1, Math.max(0, (mean - stats.impostor) / span)) : 0;
    total += (1 + p * (m - 1)) / m;
  }
  return total / n;
}
