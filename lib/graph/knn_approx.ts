/**
 * Approximate k-nearest-neighbour graph for very large sets, with an HNSW index from the
 * `usearch` npm package (cosine metric, multi-threaded native code). Same shape as the
 * exact {@link knnGraph}; use {@link knnRecall} to measure it against the exact graph.
 * @module
 */
import usearch from "usearch";
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "./knn.ts";

/** Options of {@link knnApprox}. */
export interface KnnApproxOptions {
  /** HNSW graph degree (default 32). */
  connectivity?: number;
  /** Candidate list size while building (default 128). */
  expansionAdd?: number;
  /** Candidate list size while searching (default 2 x (k + 1), at least 64). */
  expansionSearch?: number;
  /** Threads (default 0: all cores). */
  threads?: number;
}

/** Approximate k-NN graph (self excluded, most similar first; missing slots are -1). */
export function knnApprox(x: Matrix, k: number, opts: KnnApproxOptions = {}): KnnGraph {
  const n = x.rows, d = x.cols;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`knnApprox: k must be an integer >= 1, got ${k}`);
  k = Math.min(k, Math.max(0, n - 1));
  const indices = new Int32Array(n * k).fill(-1);
  const sims = new Float32Array(n * k).fill(-Infinity);
  if (n === 0 || k === 0) return { n, k, indices, sims };
  const index = new usearch.Index({
    dimensions: d,
    metric: "cos" as never,
    quantization: "f32" as never,
    connectivity: opts.connectivity ?? 32,
    expansion_add: opts.expansionAdd ?? 128,
    expansion_search: opts.expansionSearch ?? Math.max(64, 2 * (k + 1)),
    multi: false,
  });
  const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
  index.add(keys, x.data, opts.threads ?? 0);
  const kk = Math.min(k + 1, n);
  // One query row gives Matches (no counts), several give BatchMatches.
  const res = index.search(x.data, kk, opts.threads ?? 0) as unknown as {
    keys: BigUint64Array;
    distances: Float32Array;
    counts?: BigUint64Array;
  };
  for (let i = 0; i < n; i++) {
    let out = i * k;
    const end = out + k;
    const found = res.counts ? Number(res.counts[i]) : res.keys.length;
    for (let j = 0; j < found && out < end; j++) {
      const t = Number(res.keys[i * kk + j]);
      if (t === i) continue;
      indices[out] = t;
      sims[out++] = 1 - res.distances[i * kk + j];
    }
  }
  return { n, k, indices, sims };
}

/** Share of the exact graph's neighbour slots that `approx` also holds (row by row). */
export function knnRecall(exact: KnnGraph, approx: KnnGraph): number {
  const k = Math.min(exact.k, approx.k);
  let hit = 0;
  for (let i = 0; i < exact.n; i++) {
    const got = new Set(approx.indices.subarray(i * approx.k, i * approx.k + k));
    for (let t = 0; t < k; t++) if (got.has(exact.indices[i * exact.k + t])) hit++;
  }
  return exact.n * k === 0 ? 1 : hit / (exact.n * k);
}
