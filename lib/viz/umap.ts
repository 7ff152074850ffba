/**
 * UMAP layouts of face embeddings with umap-js, fed the exact k-NN graph (computed once with
 * onnxruntime, see lib/graph/knn.ts) instead of umap-js's own slow neighbour search, and a
 * seeded random source so that a seed reproduces the layout.
 *
 * Past lib/scale/policy.ts's UMAP_MAX_ROWS points, umap-js lays out a seeded sample of that many
 * (with the sample's own k-NN graph) and every other point is placed from the full k-NN graph
 * ({@link placeFromGraph}): at the similarity-weighted mean of its already placed neighbours, in
 * rounds outward from the sample. Memory and time then grow with n k, not with umap-js's arrays
 * of arrays over every point.
 * @module
 */
import { UMAP } from "umap-js";
import { prepareKnn } from "../graph/prepare_knn.ts";
import type { KnnGraph } from "../graph/knn.ts";
import type { Matrix } from "../matrix.ts";
import { type Random, seededRandom } from "../util/random.ts";
import { scalePlan, UMAP_MAX_ROWS } from "../scale/policy.ts";
import { ivfGraph } from "../scale/knn_ivf.ts";

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
  /** Most points umap-js lays out itself (default UMAP_MAX_ROWS); the others are placed from the graph. */
  maxRows?: number;
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
  const max = opts.maxRows ?? UMAP_MAX_ROWS;
  if (n <= max) return await umapAll(x, opts);
  // A seeded sample through umap-js, the rest placed from the full graph.
  const random = seededRandom((opts.seed ?? 1) + 7);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (n - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sample = order.slice(0, max).sort();
  const d = x.cols, data = new Float32Array(max * d);
  sample.forEach((r, t) => data.set(x.data.subarray(r * d, (r + 1) * d), t * d));
  const { knn: _full, ...rest } = opts;
  const inner = await umapAll({ data, rows: max, cols: d }, rest);
  const k = Math.max(2, Math.min(opts.nNeighbors ?? 15, n - 2));
  const g = opts.knn && opts.knn.n === n
    ? opts.knn
    : scalePlan(n).approximateKnn
    ? (await ivfGraph(x, k)).graph
    : await prepareKnn(x, k);
  const xy = new Float32Array(n * 2);
  const placed = new Uint8Array(n);
  sample.forEach((r, t) => {
    xy[2 * r] = inner.xy[2 * t];
    xy[2 * r + 1] = inner.xy[2 * t + 1];
    placed[r] = 1;
  });
  placeFromGraph(g, xy, placed, random);
  return { xy, n };
}

/**
 * Places the rows of `g` not yet `placed` (1 = placed): in rounds, each row with placed neighbours
 * goes to the similarity-weighted mean of their positions plus a small seeded jitter (a hundredth
 * of the placed points' spread); rows the graph never reaches go near a random placed point.
 * Updates `xy` and `placed`; returns the rounds taken.
 */
export function placeFromGraph(g: KnnGraph, xy: Float32Array, placed: Uint8Array, random: Random): number {
  const n = g.n;
  let sx = 0, sy = 0, m = 0;
  for (let i = 0; i < n; i++) if (placed[i]) sx += xy[2 * i], sy += xy[2 * i + 1], m++;
  if (m === 0) return 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    if (placed[i]) spread += Math.hypot(xy[2 * i] - sx / m, xy[2 * i + 1] - sy / m);
  }
  const jitter = (spread / m || 1) / 100;
  let rounds = 0;
  for (let changed = true; changed;) {
    changed = false;
    rounds++;
    const now: number[] = [];
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      let w = 0, px = 0, py = 0;
      for (let t = 0; t < g.k; t++) {
        const j = g.indices[i * g.k + t];
        if (j < 0 || !placed[j]) continue;
        const s = Math.max(g.sims[i * g.k + t], 1e-3);
        w += s, px += s * xy[2 * j], py += s * xy[2 * j + 1];
      }
      if (w === 0) continue;
      xy[2 * i] = px / w + jitter * (random() - 0.5);
      xy[2 * i + 1] = py / w + jitter * (random() - 0.5);
      now.push(i);
    }
    for (const i of now) placed[i] = 1;
    changed = now.length > 0;
  }
  const anchors: number[] = [];
  for (let i = 0; i < n; i++) if (placed[i]) anchors.push(i);
  for (let i = 0; i < n; i++) {
    if (placed[i]) continue;
    const a = anchors[Math.floor(random() * anchors.length)];
    xy[2 * i] = xy[2 * a] + 10 * jitter * (random() - 0.5);
    xy[2 * i + 1] = xy[2 * a + 1] + 10 * jitter * (random() - 0.5);
    placed[i] = 1;
  }
  return rounds;
}

/** umap-js over every row of `x`. */
async function umapAll(x: Matrix, opts: UmapOptions): Promise<Layout> {
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
