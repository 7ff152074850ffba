/**
 * Nearest-neighbour pull: a label-free refinement of the similarities that Chinese whispers
 * clusters. It raises Chinese whispers' BCubed F1 at most thresholds and flattens its curve above
 * the best one, but it does not help every development set at the automatic choice's pick (below).
 *
 * Each face whose nearest neighbour is clearly the same person (similarity at least a bar, in
 * {@link refine} the chosen threshold plus {@link DEFAULT_PULL_OFFSET}, same cluster in the labels given, not a cannot-link
 * partner) is replaced by the normalised sum of itself and that neighbour weighted by their
 * similarity: `x'_i = (x_i + s·x_j) / |x_i + s·x_j|`. Averaging two photos of one person cancels
 * part of what is particular to each photo (pose, light), so the pair moves towards the person's
 * other photos: a hard photo at similarity 0.48 to two photos that are 0.6 apart is at 0.53 to
 * their average. Faces without such a neighbour keep their vector. The k-NN graph keeps its
 * candidate pairs, re-scored with the new vectors and re-sorted (no new neighbour search), and
 * Chinese whispers runs again at the same threshold.
 *
 * Two ways to use it, measured with `deno run -A lib/bench/ceiling.ts --regimes` (README section
 * "Raising the ceiling"): {@link refine}, after the choice, at the chosen threshold; or
 * {@link pullGraph} before it, the choice's Chinese-whispers runs reading the pulled graph while its
 * precision estimate reads the raw vectors. The second lifts LFW from 0.9843 to 0.9851 and costs
 * pins 0.0011; neither helps every set.
 * @module
 */
import type { KnnGraph } from "../graph/knn.ts";
import type { Matrix } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";
import { getClusterer, runClusterer } from "./registry.ts";

/** Default margin above the clustering threshold that a nearest neighbour needs to pull a face. */
export const DEFAULT_PULL_OFFSET = 0.05;

/** What {@link pullVectors} returns. */
export interface Pulled {
  /** The refined vectors (L2-normalised rows; a copy, `x` is not changed). */
  x: Matrix;
  /** Rows that were pulled towards their nearest neighbour. */
  pulled: number;
}

/** Cannot-link partners of each row that has any (flat pairs in). */
function partnerSets(cannotLink: Int32Array | undefined): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  if (!cannotLink) return out;
  for (let p = 0; p + 1 < cannotLink.length; p += 2) {
    const a = cannotLink[p], b = cannotLink[p + 1];
    if (a === b) continue;
    for (const [u, v] of [[a, b], [b, a]]) {
      const s = out.get(u);
      if (s) s.add(v);
      else out.set(u, new Set([v]));
    }
  }
  return out;
}

function checkShapes(what: string, x: Matrix, graph: KnnGraph, labels?: Int32Array): void {
  if (graph.n !== x.rows) throw new RangeError(`${what}: graph has ${graph.n} rows, matrix ${x.rows}`);
  if (labels && labels.length !== x.rows) {
    throw new RangeError(`${what}: ${labels.length} labels for ${x.rows} rows`);
  }
}

/**
 * Pulls each row of `x` towards its nearest neighbour in `graph` (the k-NN graph of `x`, most
 * similar first) when their similarity is at least `minSim`, they share a label in `labels`
 * (when given; -1 shares with nothing) and they are not a `cannotLink` pair (flat pairs).
 */
export function pullVectors(
  x: Matrix,
  graph: KnnGraph,
  minSim: number,
  opts: { labels?: Int32Array; cannotLink?: Int32Array } = {},
): Pulled {
  checkShapes("pullVectors", x, graph, opts.labels);
  if (!Number.isFinite(minSim)) throw new RangeError(`pullVectors: minSim must be a number, got ${minSim}`);
  const n = x.rows, d = x.cols, k = graph.k, data = x.data, labels = opts.labels;
  const partners = partnerSets(opts.cannotLink);
  const out = new Float32Array(data);
  const v = new Float64Array(d);
  let pulled = 0;
  for (let i = 0; i < n && k > 0; i++) {
    const j = graph.indices[i * k], s = graph.sims[i * k];
    if (j < 0 || j === i || !(s >= minSim)) continue;
    if (labels && (labels[i] < 0 || labels[i] !== labels[j])) continue;
    if (partners.get(i)?.has(j)) continue;
    let norm = 0;
    for (let c = 0, oi = i * d, oj = j * d; c < d; c++) {
      v[c] = data[oi + c] + s * data[oj + c];
      norm += v[c] * v[c];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) continue;
    for (let c = 0, oi = i * d; c < d; c++) out[oi + c] = v[c] / norm;
    pulled++;
  }
  return { x: { rows: n, cols: d, data: out }, pulled };
}

/**
 * `graph`'s candidate pairs re-scored with the rows of `x` (dot products) and re-sorted, most
 * similar first; missing entries (index -1) stay last with similarity -Infinity.
 */
export function rescoreGraph(x: Matrix, graph: KnnGraph): KnnGraph {
  checkShapes("rescoreGraph", x, graph);
  const { n, k } = graph, d = x.cols, data = x.data;
  const indices = new Int32Array(n * k), sims = new Float32Array(n * k);
  const rowSims = new Float64Array(k);
  const order = new Int32Array(k);
  const byRank = (a: number, b: number) => rowSims[b] - rowSims[a] || a - b;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let t = 0; t < k; t++) {
      const j = graph.indices[o + t];
      order[t] = t;
      if (j < 0) {
        rowSims[t] = -Infinity;
        continue;
      }
      let s = 0;
      for (let c = 0, oi = i * d, oj = j * d; c < d; c++) s += data[oi + c] * data[oj + c];
      rowSims[t] = s;
    }
    order.sort(byRank);
    for (let t = 0; t < k; t++) {
      indices[o + t] = graph.indices[o + order[t]];
      sims[o + t] = rowSims[order[t]];
    }
  }
  return { n, k, indices, sims };
}

/**
 * The k-NN graph of the pulled vectors: {@link pullVectors} at `minSim` (no labels; cannot-link
 * pairs are not pulled together), then {@link rescoreGraph}. For a clustering that reads only the
 * graph (Chinese whispers), e.g. `chooseClustering(x, { graph: pullGraph(x, g, 0.6) })`.
 */
export function pullGraph(x: Matrix, graph: KnnGraph, minSim: number, cannotLink?: Int32Array): KnnGraph {
  return rescoreGraph(pullVectors(x, graph, minSim, { cannotLink }).x, graph);
}

/** Options of {@link refine}. */
export interface PullRefineOptions {
  /** The similarity threshold of Chinese whispers that produced `labels` (and is used again). */
  threshold: number;
  /** A nearest neighbour pulls a face at similarity >= threshold + offset (default {@link DEFAULT_PULL_OFFSET}). */
  offset?: number;
  /** k of Chinese whispers' graph (default 64; at most the graph's k). */
  neighbours?: number;
  /** Chinese whispers' passes (default 20). */
  iterations?: number;
  /** Seed of Chinese whispers' visiting order (default 1, as the automatic choice). */
  seed?: number;
  /** Pairs that must not share a cluster (flat); never pulled together either. */
  cannotLink?: Int32Array;
  /** Pairs that must share a cluster (flat). */
  mustLink?: Int32Array;
  /**
   * Start Chinese whispers from `labels` (default true; as the choice's warm-started runs do),
   * or from every face in its own class.
   */
  warmStart?: boolean;
}

/**
 * Refines a Chinese-whispers clustering `labels` of `x` (made at `opts.threshold` on `graph`,
 * the k-NN graph of `x`): pulls faces towards a clearly close nearest neighbour of their own
 * cluster ({@link pullVectors}), re-scores the graph ({@link rescoreGraph}) and clusters again
 * at the same threshold, starting from `labels`. Returns one label per row (0-based, no noise).
 */
export async function refine(
  x: Matrix,
  labels: Int32Array,
  graph: KnnGraph,
  opts: PullRefineOptions,
): Promise<Int32Array> {
  checkShapes("refine", x, graph, labels);
  if (!Number.isFinite(opts.threshold)) throw new RangeError(`refine: threshold must be a number`);
  if (x.rows === 0) return new Int32Array(0);
  const offset = opts.offset ?? DEFAULT_PULL_OFFSET;
  const pulled = pullVectors(x, graph, opts.threshold + offset, { labels, cannotLink: opts.cannotLink });
  const g = rescoreGraph(pulled.x, graph);
  const params = {
    neighbours: Math.min(opts.neighbours ?? 64, graph.k),
    threshold: opts.threshold,
    iterations: opts.iterations ?? 20,
    weighting: "sim",
  };
  const { labels: out } = await runClusterer(
    getClusterer("chinese-whispers"),
    {
      x: pulled.x,
      graph: g,
      cannotLink: opts.cannotLink,
      mustLink: opts.mustLink,
      initialLabels: opts.warmStart === false ? undefined : labels,
    },
    params,
    { random: seededRandom(opts.seed ?? 1) },
  );
  return out;
}
