/**
 * UMAP layouts of face embeddings with umap-js, fed the exact k-NN graph (computed once with
 * onnxruntime, see lib/graph/knn.ts) instead of umap-js's own slow neighbour search, and a
 * seeded random source so that a seed reproduces the layout.
 * @module
 */
import { UMAP } from "umap-js";
import { prepareKnn } from "../graph/prepare_knn.ts";
import type { KnnGraph } from "../graph/knn.ts";
import type { Matrix } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";

/** Options of {@link umapLayout}. */
export interface UmapOptions {
  /** Neighbours per point, self excluded (default 15, clamped to rows - 2). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /** Seed of the random source (default 1). */
  seed?: number;
  /** Optimisation epochs (default: umap-js's choice, 200 to 500 depending on size). */
  nEpochs?: number;
  /** A precomputed k-NN graph of `x` with at least `nNeighbors` neighbours per row. */
  knn?: KnnGraph;
  /** Called with the epoch number now and then. */
  progress?: (epoch: number, of: number) => void;
}

/** A 2-D layout: `xy[2 * i]`, `xy[2 * i + 1]` are the coordinates of row `i`. */
export interface Layout {
  /** Interleaved coordinates. */
  xy: Float32Array;
  /** Number of points. */
  n: number;
}

/**
 * The k-NN graph in the shape umap-js expects: each row starts with the point itself at
 * distance 0 (umap-js's own search returns that, and its smoothing skips the first column),
 * followed by the `k` nearest others at cosine distance `1 - similarity`.
 */
export function umapNeighbours(g: KnnGraph, k: number): { indices: number[][]; distances: number[][] } {
  if (k > g.k) throw new RangeError(`umap: graph has ${g.k} neighbours per row, ${k} needed`);
  const indices: number[][] = new Array(g.n);
  const distances: number[][] = new Array(g.n);
  for (let i = 0; i < g.n; i++) {
    const idx = new Array<number>(k + 1);
    const dist = new Array<number>(k + 1);
    idx[0] = i;
    dist[0] = 0;
    for (let j = 0; j < k; j++) {
      idx[j + 1] = g.indices[i * g.k + j];
      dist[j + 1] = Math.max(0, 1 - g.sims[i * g.k + j]);
    }
    indices[i] = idx;
    distances[i] = dist;
  }
  return { indices, distances };
}

/**
 * Embeds the rows of `x` (L2-normalised) in 2-D with UMAP. Tiny inputs (under 4 rows) are
 * laid out on a line. Deterministic for a given seed and graph.
 */
export async function umapLayout(x: Matrix, opts: UmapOptions = {}): Promise<Layout> {
  const n = x.rows;
  const xy = new Float32Array(n * 2);
  if (n < 4) {
    for (let i = 0; i < n; i++) xy[2 * i] = i;
    return { xy, n };
  }
  const k = Math.max(2, Math.min(opts.nNeighbors ?? 15, n - 2));
  const g = opts.knn && opts.knn.k >= k ? opts.knn : await prepareKnn(x, k);
  const { indices, distances } = umapNeighbours(g, k);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: k + 1,
    minDist: opts.minDist ?? 0.1,
    random: seededRandom(opts.seed ?? 1),
    ...(opts.nEpochs ? { nEpochs: opts.nEpochs } : {}),
  });
  umap.setPrecomputedKNN(indices, distances);
  // umap-js only reads X's length once the neighbours are given: no need to copy the vectors.
  const stub: number[][] = Array.from({ length: n }, () => []);
  const epochs = umap.initializeFit(stub);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (opts.progress && (e % 20 === 0 || e === epochs - 1)) opts.progress(e + 1, epochs);
  }
  const emb = umap.getEmbedding();
  for (let i = 0; i < n; i++) {
    xy[2 * i] = emb[i][0];
    xy[2 * i + 1] = emb[i][1];
  }
  return { xy, n };
}
