/**
 * The sparse contingency table of two labelings, from which every external metric is computed
 * in time linear in the number of items and non-zero cells.
 * @module
 */
import type { NoiseMode } from "./types.ts";
import { checkExternal } from "./validate.ts";

/** Labels renumbered to `0..count-1`. */
export interface CompactLabels {
  /** Compact id of each item. */
  ids: Int32Array;
  /** Number of distinct ids. */
  count: number;
}

/**
 * Renumbers labels to `0..count-1` in order of first appearance. Items labelled -1 each get a
 * fresh id (`noise: "singletons"`) or share one id (`noise: "cluster"`).
 */
export function compactLabels(labels: Int32Array, noise: NoiseMode = "singletons"): CompactLabels {
  const ids = new Int32Array(labels.length);
  const seen = new Map<number, number>();
  let count = 0;
  let noiseId = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === -1) {
      if (noise === "singletons") ids[i] = count++;
      else {
        if (noiseId < 0) noiseId = count++;
        ids[i] = noiseId;
      }
      continue;
    }
    let id = seen.get(l);
    if (id === undefined) {
      id = count++;
      seen.set(l, id);
    }
    ids[i] = id;
  }
  return { ids, count };
}

/** Sparse contingency table: rows are truth classes, columns are predicted clusters. */
export interface Contingency {
  /** Number of items. */
  n: number;
  /** Number of truth classes. */
  rows: number;
  /** Number of predicted clusters (after the noise treatment). */
  cols: number;
  /** Size of each truth class. */
  rowSums: Float64Array;
  /** Size of each predicted cluster. */
  colSums: Float64Array;
  /** Row (truth class) of each non-zero cell. */
  cellRow: Int32Array;
  /** Column (predicted cluster) of each non-zero cell. */
  cellCol: Int32Array;
  /** Count of each non-zero cell (items in that class and that cluster). */
  cellCount: Float64Array;
}

/**
 * Builds the sparse contingency table of `truth` (rows) against `pred` (columns), in O(n).
 * Throws a RangeError on length mismatch, empty input, negative truth or pred below -1.
 *
 * @example
 * ```ts
 * const t = contingency(new Int32Array([0, 0, 1]), new Int32Array([5, 5, -1]));
 * // t.cols === 2 (cluster 5 and one singleton for the noise item)
 * ```
 */
export function contingency(
  truth: Int32Array,
  pred: Int32Array,
  noise: NoiseMode = "singletons",
): Contingency {
  checkExternal(truth, pred, "contingency");
  if (noise !== "singletons" && noise !== "cluster") {
    throw new RangeError(
      `contingency: noise must be "singletons" or "cluster", got ${JSON.stringify(noise)}`,
    );
  }
  const n = truth.length;
  const t = compactLabels(truth);
  const p = compactLabels(pred, noise);
  const rowSums = new Float64Array(t.count);
  const colSums = new Float64Array(p.count);
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = t.ids[i];
    const c = p.ids[i];
    rowSums[r]++;
    colSums[c]++;
    const key = r * p.count + c;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const cellRow = new Int32Array(cells.size);
  const cellCol = new Int32Array(cells.size);
  const cellCount = new Float64Array(cells.size);
  let j = 0;
  for (const [key, v] of cells) {
    const r = Math.floor(key / p.count);
    cellRow[j] = r;
    cellCol[j] = key - r * p.count;
    cellCount[j] = v;
    j++;
  }
  return { n, rows: t.count, cols: p.count, rowSums, colSums, cellRow, cellCol, cellCount };
}

/** Swaps the roles of truth and prediction in a table (rows become columns). */
export function transpose(t: Contingency): Contingency {
  return {
    n: t.n,
    rows: t.cols,
    cols: t.rows,
    rowSums: t.colSums,
    colSums: t.rowSums,
    cellRow: t.cellCol,
    cellCol: t.cellRow,
    cellCount: t.cellCount,
  };
}
