/**
 * One k-NN graph per embedding matrix, computed once and shared by every method, UMAP and
 * the metrics. The sweep runner computes it with onnxruntime ({@link knnGraph}, async) and
 * registers it here; synchronous clusterers then read it. Without a registered graph of
 * sufficient k, a brute-force JavaScript graph is computed (fine for small inputs).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { knnBruteForce, type KnnGraph, knnGraph, type KnnOptions, truncateKnn } from "./knn.ts";
import { knnApprox } from "./knn_approx.ts";

const cache = new WeakMap<Float32Array, KnnGraph>();

/** Registers `g` as the k-NN graph of `x` (keyed by `x.data`). */
export function rememberKnn(x: Matrix, g: KnnGraph): void {
  if (g.n !== x.rows) throw new RangeError(`rememberKnn: graph has ${g.n} rows, matrix ${x.rows}`);
  const old = cache.get(x.data);
  if (!old || old.k < g.k) cache.set(x.data, g);
}

/**
 * Computes and registers the graph of `x` unless one with >= k exists: exact with
 * onnxruntime, or, with `approximate`, an HNSW graph (usearch) for very large sets.
 */
export async function prepareKnn(
  x: Matrix,
  k: number,
  opts?: KnnOptions & { approximate?: boolean },
): Promise<KnnGraph> {
  const old = cache.get(x.data);
  const want = Math.min(k, Math.max(0, x.rows - 1));
  if (old && old.k >= want) return old;
  const g = opts?.approximate ? knnApprox(x, k, { threads: opts.threads }) : await knnGraph(x, k, opts);
  rememberKnn(x, g);
  return g;
}

/**
 * The k-NN graph of `x` with exactly `min(k, rows-1)` neighbours per row: from the
 * cache when possible (truncated), else brute force (and cached).
 */
export function neighbours(x: Matrix, k: number): KnnGraph {
  const want = Math.min(k, Math.max(0, x.rows - 1));
  let g = cache.get(x.data);
  if (!g || g.k < want) {
    g = knnBruteForce(x, want);
    rememberKnn(x, g);
  }
  return g.k === want ? g : truncateKnn(g, want);
}
