/**
 * The k-NN graph of a matrix, computed when asked (nothing is remembered): exact with onnxruntime
 * ({@link knnGraph}), or, with `approximate`, an HNSW graph (usearch) for very large sets. The
 * caller keeps the graph and passes it on (to clusterers in `ClusterInput.graph`, to UMAP).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type KnnGraph, knnGraph, type KnnOptions } from "./knn.ts";
import { knnApprox } from "./knn_approx.ts";

/** Options of {@link prepareKnn}. */
export interface PrepareKnnOptions extends KnnOptions {
  /** An HNSW graph instead of the exact one. */
  approximate?: boolean;
}

/** The k-NN graph of `x` (k clamped to rows - 1). */
export async function prepareKnn(x: Matrix, k: number, opts: PrepareKnnOptions = {}): Promise<KnnGraph> {
  return opts.approximate ? knnApprox(x, k, { threads: opts.threads }) : await knnGraph(x, k, opts);
}
