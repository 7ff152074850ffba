/**
 * BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009): per-item
 * precision and recall averaged over items, computed from the contingency table.
 * @module
 */
import { type Contingency, contingency } from "./contingency.ts";
import type { ExternalOptions } from "./types.ts";

/**
 * BCubed precision from a table: mean over items of the share of the item's predicted cluster
 * that shares its truth class (itself included), `(1/n) sum n_ij^2 / |cluster_j|`.
 */
export function bcubedPrecisionFromTable(t: Contingency): number {
  let s = 0;
  for (let j = 0; j < t.cellCount.length; j++) {
    const v = t.cellCount[j];
    s += v * v / t.colSums[t.cellCol[j]];
  }
  return s / t.n;
}

/**
 * BCubed recall from a table: mean over items of the share of the item's truth class that is in
 * its predicted cluster, `(1/n) sum n_ij^2 / |class_i|`.
 */
export function bcubedRecallFromTable(t: Contingency): number {
  let s = 0;
  for (let j = 0; j < t.cellCount.length; j++) {
    const v = t.cellCount[j];
    s += v * v / t.rowSums[t.cellRow[j]];
  }
  return s / t.n;
}

/** BCubed F1 from a table: harmonic mean of BCubed precision and recall. */
export function bcubedF1FromTable(t: Contingency): number {
  const p = bcubedPrecisionFromTable(t);
  const r = bcubedRecallFromTable(t);
  return p + r === 0 ? 0 : 2 * p * r / (p + r);
}

/**
 * BCubed precision in (0, 1], higher is better.
 *
 * @example
 * ```ts
 * bcubedPrecision(new Int32Array([0, 0, 1]), new Int32Array([0, 0, 0])); // (2/3+2/3+1/3)/3
 * ```
 */
export function bcubedPrecision(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return bcubedPrecisionFromTable(contingency(truth, pred, opts.noise));
}

/** BCubed recall in (0, 1], higher is better. */
export function bcubedRecall(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return bcubedRecallFromTable(contingency(truth, pred, opts.noise));
}

/** BCubed F1 in (0, 1], higher is better: harmonic mean of BCubed precision and recall. */
export function bcubedF1(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return bcubedF1FromTable(contingency(truth, pred, opts.noise));
}
