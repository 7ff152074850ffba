/**
 * Reading what a clusterer was given: the k-NN graph at the size it needs, the distance matrix.
 * Either may be missing when a clusterer is run directly (tests, notebooks): it is then computed
 * here for small inputs (in plain JavaScript), and refused with a clear error for large ones, where the caller must
 * compute it once (`prepareInputs` in prepare.ts) instead of every run doing it again.
 * @module
 */
import { cosineDistancesJs, type DistanceMatrix } from "../graph/distance_matrix.ts";
import { knnBruteForce, type KnnGraph, truncateKnn } from "../graph/knn.ts";
import type { ClusterInput } from "./types.ts";
import { denseRefusal } from "../scale/policy.ts";

/** Most rows for which a missing graph or distance matrix is computed on the spot. */
export const MAX_ROWS_UNPREPARED = 5000;

function refuse(what: string, name: string, rows: number): never {
  throw new RangeError(
    `${name}: ${what} not given for ${rows} rows (computed on the spot only up to ${MAX_ROWS_UNPREPARED}); ` +
      `compute it once with prepareInputs (lib/cluster/prepare.ts) and pass it in the input`,
  );
}

/**
 * The k-NN graph of `input.x` with exactly `min(k, rows-1)` neighbours per row: `input.graph`
 * (its first neighbours when it has more), or, for small inputs without one, brute force.
 */
export function graphOf(input: ClusterInput, k: number, name = "clusterer"): KnnGraph {
  const x = input.x;
  const want = Math.min(k, Math.max(0, x.rows - 1));
  const g = input.graph;
  if (g && g.n !== x.rows) {
    throw new RangeError(`${name}: the k-NN graph has ${g.n} rows, the input ${x.rows}`);
  }
  if (!g || g.k < want) {
    if (x.rows > MAX_ROWS_UNPREPARED) {
      refuse(g ? `a k-NN graph of k >= ${want} (got ${g.k})` : `the k-NN graph (k = ${want})`, name, x.rows);
    }
    return knnBruteForce(x, want);
  }
  return g.k === want ? g : truncateKnn(g, want);
}

/**
 * The cosine distances of `input.x`: `input.distances`, or, for small inputs without them,
 * computed in JavaScript. Read-only: copy before changing.
 */
export function distancesOf(input: ClusterInput, name = "clusterer"): DistanceMatrix {
  const x = input.x, d = input.distances;
  if (d) {
    if (d.n !== x.rows) {
      throw new RangeError(`${name}: the distance matrix has ${d.n} rows, the input ${x.rows}`);
    }
    return d;
  }
  const tooLarge = denseRefusal(name, x.rows);
  if (tooLarge) throw new RangeError(tooLarge);
  if (x.rows > MAX_ROWS_UNPREPARED) refuse("the distance matrix", name, x.rows);
  return { n: x.rows, data: cosineDistancesJs(x) };
}
