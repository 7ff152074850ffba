/**
 * The default clustering, chosen from the run's own embeddings (no labels).
 *
 * Chinese whispers on the k-NN graph, at the lowest similarity threshold of a grid (the most
 * merging) whose clusters stay coherent: estimated BCubed precision (lib/select/estimated_precision.ts),
 * relative to that of the strictest threshold, of at least {@link DEFAULT_MIN_PRECISION}. The grid
 * is searched by bisection (precision falls as the threshold falls), so that a few runs are made
 * and the slow, chained ones at the bottom of the grid mostly not. The bar was set on the development sets (LFW, pins and
 * subsamples of both; figures in the README's section on the default clustering).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import { ivfGraph } from "../scale/knn_ivf.ts";
import { scalePlan } from "../scale/policy.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import { seededRandom } from "../util/random.ts";
import { estimatedPrecision } from "./estimated_precision.ts";
import { type PairStats, pairStats } from "./pair_stats.ts";

/** Options of {@link chooseClustering}. */
export interface ChooseOptions {
  /** Similarity thresholds of Chinese whispers to scan (any order). */
  thresholds?: readonly number[];
  /** Smallest estimated BCubed precision accepted. */
  minPrecision?: number;
  /** k of the k-NN graph. */
  neighbours?: number;
  /** Photo of each row (faces of one photo are not paired when estimating similarities). */
  imageOf?: ArrayLike<number>;
  /** Faces that must not share a cluster (flat pairs). */
  cannotLink?: Int32Array;
  /** Faces that must share a cluster (flat pairs), e.g. from review decisions. */
  mustLink?: Int32Array;
  /** The k-NN graph of `x` when already computed (used when it has at least `neighbours`). */
  graph?: KnnGraph;
}

/** Default grid of similarity thresholds. */
export const DEFAULT_THRESHOLDS: readonly number[] = Array.from(
  { length: 13 },
  (_, i) => +(0.3 + 0.025 * i).toFixed(3),
);

/** Default smallest estimated precision. */
export const DEFAULT_MIN_PRECISION = 0.988;

/** The choice, with its evidence. */
export interface Choice {
  /** Registered method. */
  method: string;
  /** Its parameters. */
  params: Record<string, unknown>;
  /** Labels of the chosen run. */
  labels: Int32Array;
  /** One line saying what was chosen and why. */
  summary: string;
  /** What it rests on. */
  evidence: {
    rule: string;
    stats: PairStats;
    minPrecision: number;
    /** Per threshold scanned: estimated precision relative to the strictest threshold's, raw, clusters. */
    scanned: { threshold: number; estimatedPrecision: number; raw: number; clusters: number }[];
    seconds: number;
  };
}

/** Picks the default clustering of `x` (see the module doc). */
export async function chooseClustering(x: Matrix, opts: ChooseOptions = {}): Promise<Choice> {
  const t0 = performance.now();
  const neighbours = opts.neighbours ?? 64;
  const minPrecision = opts.minPrecision ?? DEFAULT_MIN_PRECISION;
  const grid = [...(opts.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => b - a);
  if (grid.length === 0) throw new RangeError("chooseClustering: no thresholds to scan");
  const stats = pairStats(x, { imageOf: opts.imageOf });
  // One k-NN graph for every threshold tried.
  const given = opts.graph && opts.graph.n === x.rows && opts.graph.k >= Math.min(neighbours, x.rows - 1);
  // Past the exact-graph size of lib/scale/policy.ts, the IVF graph (lib/scale/knn_ivf.ts).
  const graph = given
    ? opts.graph
    : x.rows <= 1
    ? undefined
    : scalePlan(x.rows).approximateKnn
    ? (await ivfGraph(x, neighbours)).graph
    : await prepareKnn(x, neighbours);
  const cw = getClusterer("chinese-whispers");
  const scanned: Choice["evidence"]["scanned"] = [];
  let strictest = 1;
  const runs = new Map<number, { params: Record<string, unknown>; labels: Int32Array; p: number }>();
  const input = { x, graph, cannotLink: opts.cannotLink, mustLink: opts.mustLink };
  const evaluate = async (k: number) => {
    const hit = runs.get(k);
    if (hit) return hit;
    const params = { neighbours, threshold: grid[k], iterations: 20, weighting: "sim" };
    const { labels } = x.rows > 0
      ? await runClusterer(cw, input, params, { random: seededRandom(1) })
      : { labels: new Int32Array(0) };
    // Relative to the strictest threshold's, which is nearly pure on every set measured: a set whose
    // people vary a lot in how alike their photos are scores below 1 even when clustered perfectly.
    const raw = estimatedPrecision(x, labels, stats);
    if (k === 0) strictest = raw > 0 ? raw : 1;
    const p = raw / strictest;
    let clusters = 0;
    for (const l of labels) if (l + 1 > clusters) clusters = l + 1;
    scanned.push({ threshold: grid[k], estimatedPrecision: +p.toFixed(4), raw: +raw.toFixed(4), clusters });
    const run = { params, labels, p };
    runs.set(k, run);
    return run;
  };
  // Precision falls as the threshold falls: binary search for the loosest threshold that passes
  // (the strictest passes by definition), a handful of runs instead of the whole grid.
  await evaluate(0);
  let lo = 0, hi = grid.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await evaluate(mid)).p >= minPrecision) lo = mid;
    else hi = mid;
  }
  scanned.sort((a, b) => b.threshold - a.threshold);
  const pick = runs.get(lo)!;
  const at = scanned.find((s) => s.threshold === pick.params.threshold)!;
  const next = scanned[scanned.indexOf(at) + 1];
  const rule = `Chinese whispers at the lowest similarity threshold of ${grid.at(-1)}..${grid[0]} whose ` +
    `estimated BCubed precision (relative to the strictest threshold's) is >= ${minPrecision}`;
  return {
    method: cw.name,
    params: pick.params,
    labels: pick.labels,
    summary: `chinese-whispers, threshold ${pick.params.threshold} (similarity), chosen from the data: ` +
      `estimated BCubed precision ${at.estimatedPrecision} >= ${minPrecision}` +
      (next ? `, next lower ${next.threshold} gave ${next.estimatedPrecision}` : "") +
      `; different people ~${stats.impostor.toFixed(3)}, one person ~${
        stats.genuine.toFixed(3)
      } mean similarity`,
    evidence: { rule, stats, minPrecision, scanned, seconds: (performance.now() - t0) / 1000 },
  };
}
