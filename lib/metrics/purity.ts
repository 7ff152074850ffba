/**
 * Purity and inverse purity.
 * @module
 */
import { type Contingency, contingency, transpose } from "./contingency.ts";
import type { ExternalOptions } from "./types.ts";

/**
 * Purity from a table: the share of items that belong to the majority truth class of their
 * predicted cluster, `(1/n) * sum_cluster max_class n(class, cluster)`.
 */
export function purityFromTable(t: Contingency): number {
  const best = new Float64Array(t.cols);
  for (let j = 0; j < t.cellCount.length; j++) {
    const c = t.cellCol[j];
    if (t.cellCount[j] > best[c]) best[c] = t.cellCount[j];
  }
  let s = 0;
  for (let c = 0; c < t.cols; c++) s += best[c];
  return s / t.n;
}

/** Inverse purity from a table: purity with truth and prediction swapped. */
export function inversePurityFromTable(t: Contingency): number {
  return purityFromTable(transpose(t));
}

/**
 * Purity in [0, 1], higher is better: how much each predicted cluster holds one identity.
 * All singletons give 1, so read it with {@link inversePurity}.
 *
 * @example
 * ```ts
 * purity(new Int32Array([0, 0, 1, 1]), new Int32Array([0, 0, 0, 1])); // 0.75
 * ```
 */
export function purity(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return purityFromTable(contingency(truth, pred, opts.noise));
}

/**
 * Inverse purity in [0, 1], higher is better: the share of items in the predicted cluster
 * that holds most of their truth class. One cluster for everything gives 1.
 */
export function inversePurity(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return inversePurityFromTable(contingency(truth, pred, opts.noise));
}
