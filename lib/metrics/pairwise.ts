/**
 * Pairwise precision, recall and F1: over unordered pairs of distinct items, a pair is
 * predicted positive when both items share a predicted cluster and truly positive when both
 * share a truth class. Counted from the contingency table, never by enumerating pairs.
 * @module
 */
import { type Contingency, contingency } from "./contingency.ts";
import type { ExternalOptions } from "./types.ts";

/** Pair counts of a table. */
export interface PairCounts {
  /** Pairs in the same class and the same cluster. */
  bothSame: number;
  /** Pairs in the same predicted cluster. */
  predSame: number;
  /** Pairs in the same truth class. */
  truthSame: number;
  /** All unordered pairs, `n(n-1)/2`. */
  total: number;
}

function choose2Sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * (v[i] - 1) / 2;
  return s;
}

/** Counts the pairs of a table in O(cells + classes + clusters). */
export function pairCounts(t: Contingency): PairCounts {
  return {
    bothSame: choose2Sum(t.cellCount),
    predSame: choose2Sum(t.colSums),
    truthSame: choose2Sum(t.rowSums),
    total: t.n * (t.n - 1) / 2,
  };
}

/** Pairwise precision from a table; 1 when no pair is predicted together (nothing claimed). */
export function pairwisePrecisionFromTable(t: Contingency): number {
  const c = pairCounts(t);
  return c.predSame === 0 ? 1 : c.bothSame / c.predSame;
}

/** Pairwise recall from a table; 1 when no two items share a truth class (nothing to find). */
export function pairwiseRecallFromTable(t: Contingency): number {
  const c = pairCounts(t);
  return c.truthSame === 0 ? 1 : c.bothSame / c.truthSame;
}

/** Pairwise F1 from a table: harmonic mean of precision and recall (0 when both are 0). */
export function pairwiseF1FromTable(t: Contingency): number {
  const p = pairwisePrecisionFromTable(t);
  const r = pairwiseRecallFromTable(t);
  return p + r === 0 ? 0 : 2 * p * r / (p + r);
}

/**
 * Pairwise precision in [0, 1]: of the pairs put together, the share that are one identity.
 * Defined as 1 when the prediction puts no two items together.
 *
 * @example
 * ```ts
 * pairwisePrecision(new Int32Array([0, 0, 1]), new Int32Array([0, 0, 0])); // 1/3
 * ```
 */
export function pairwisePrecision(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return pairwisePrecisionFromTable(contingency(truth, pred, opts.noise));
}

/**
 * Pairwise recall in [0, 1]: of the same-identity pairs, the share put together.
 * Defined as 1 when truth has no two items of one identity.
 */
export function pairwiseRecall(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return pairwiseRecallFromTable(contingency(truth, pred, opts.noise));
}

/** Pairwise F1 in [0, 1]: harmonic mean of pairwise precision and recall. */
export function pairwiseF1(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return pairwiseF1FromTable(contingency(truth, pred, opts.noise));
}
