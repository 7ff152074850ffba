/**
 * Adjusted Rand index (Hubert & Arabie 1985), computed as scikit-learn does from the pair
 * confusion counts derived from the contingency table.
 * @module
 */
import { type Contingency, contingency } from "./contingency.ts";
import type { ExternalOptions } from "./types.ts";

/** ARI from a table; 1 when the two labelings agree on every pair (including trivial cases). */
export function ariFromTable(t: Contingency): number {
  const n = t.n;
  let sumSq = 0;
  for (let j = 0; j < t.cellCount.length; j++) sumSq += t.cellCount[j] * t.cellCount[j];
  let rowSq = 0;
  for (let i = 0; i < t.rows; i++) rowSq += t.rowSums[i] * t.rowSums[i];
  let colSq = 0;
  for (let i = 0; i < t.cols; i++) colSq += t.colSums[i] * t.colSums[i];
  // Ordered pair counts, as sklearn.metrics.pair_confusion_matrix.
  const tp = sumSq - n;
  const fp = colSq - sumSq;
  const fn = rowSq - sumSq;
  const tn = n * n - fp - fn - sumSq;
  if (fn === 0 && fp === 0) return 1;
  return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

/**
 * Adjusted Rand index in [-0.5, 1], higher is better, symmetric; about 0 for random labelings.
 *
 * @example
 * ```ts
 * ari(new Int32Array([0, 0, 1, 1]), new Int32Array([0, 0, 1, 1])); // 1
 * ```
 */
export function ari(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return ariFromTable(contingency(truth, pred, opts.noise));
}
