/**
 * Information-theoretic metrics (natural log, as scikit-learn): normalised mutual information
 * with arithmetic-mean normalisation, homogeneity, completeness and V-measure.
 * @module
 */
import { type Contingency, contingency } from "./contingency.ts";
import type { ExternalOptions } from "./types.ts";

/** Entropy (nats) of a labeling given its cluster sizes; 0 for a single cluster. */
export function entropyOfSizes(sizes: Float64Array, n: number): number {
  if (sizes.length <= 1) return 0;
  let h = 0;
  const logN = Math.log(n);
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s > 0) h -= (s / n) * (Math.log(s) - logN);
  }
  return h;
}

/** Mutual information (nats) of a table, clipped at 0 like scikit-learn. */
export function mutualInfoFromTable(t: Contingency): number {
  if (t.rows === 1 || t.cols === 1) return 0;
  const n = t.n;
  const logN = Math.log(n);
  let mi = 0;
  for (let j = 0; j < t.cellCount.length; j++) {
    const v = t.cellCount[j];
    const term = (v / n) *
      (Math.log(v) + logN - Math.log(t.rowSums[t.cellRow[j]]) - Math.log(t.colSums[t.cellCol[j]]));
    if (Math.abs(term) >= Number.EPSILON) mi += term;
  }
  return Math.max(mi, 0);
}

const clip01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * NMI from a table, `MI / ((H(truth) + H(pred)) / 2)`, with scikit-learn's conventions:
 * 1 when both labelings are a single cluster, 0 when the mutual information is 0.
 */
export function nmiFromTable(t: Contingency): number {
  if (t.rows === 1 && t.cols === 1) return 1;
  const mi = mutualInfoFromTable(t);
  if (mi === 0) return 0;
  const h = (entropyOfSizes(t.rowSums, t.n) + entropyOfSizes(t.colSums, t.n)) / 2;
  return clip01(mi / h);
}

/** Homogeneity from a table: `MI / H(truth)`, 1 when truth is a single class. */
export function homogeneityFromTable(t: Contingency): number {
  const h = entropyOfSizes(t.rowSums, t.n);
  return h === 0 ? 1 : clip01(mutualInfoFromTable(t) / h);
}

/** Completeness from a table: `MI / H(pred)`, 1 when the prediction is a single cluster. */
export function completenessFromTable(t: Contingency): number {
  const h = entropyOfSizes(t.colSums, t.n);
  return h === 0 ? 1 : clip01(mutualInfoFromTable(t) / h);
}

/** V-measure from a table: harmonic mean of homogeneity and completeness (0 when both are 0). */
export function vMeasureFromTable(t: Contingency): number {
  const h = homogeneityFromTable(t);
  const c = completenessFromTable(t);
  return h + c === 0 ? 0 : 2 * h * c / (h + c);
}

/**
 * Normalised mutual information in [0, 1], higher is better, symmetric; arithmetic-mean
 * normalisation (scikit-learn's default `average_method="arithmetic"`).
 *
 * @example
 * ```ts
 * nmi(new Int32Array([0, 0, 1, 1]), new Int32Array([1, 1, 0, 0])); // 1
 * ```
 */
export function nmi(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return nmiFromTable(contingency(truth, pred, opts.noise));
}

/** Homogeneity in [0, 1]: each predicted cluster holds members of a single class. */
export function homogeneity(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return homogeneityFromTable(contingency(truth, pred, opts.noise));
}

/** Completeness in [0, 1]: all members of a class are in one predicted cluster. */
export function completeness(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return completenessFromTable(contingency(truth, pred, opts.noise));
}

/** V-measure in [0, 1] (beta = 1): harmonic mean of homogeneity and completeness; symmetric. */
export function vMeasure(truth: Int32Array, pred: Int32Array, opts: ExternalOptions = {}): number {
  return vMeasureFromTable(contingency(truth, pred, opts.noise));
}
