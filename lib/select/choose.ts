/**
 * The default clustering, chosen from the run's own embeddings (no labels).
 *
 * Chinese whispers on the k-NN graph, at the lowest similarity threshold of a grid (the most
 * merging) whose clusters stay coherent: estimated BCubed precision (lib/select/estimated_precision.ts),
 * relative to that of the strictest threshold, of at least {@link DEFAULT_MIN_PRECISION}. The
 * estimate's levels: different people's from random pairs (lib/select/pair_stats.ts), one person's
 * from the strictest run's own clusters (lib/select/genuine_level.ts), and the level at which a face
 * counts fully as its cluster's person between them, rising with the number of faces
 * (lib/select/member_level.ts). The grid is searched by bisection (precision falls as the threshold
 * falls), each run warm-started from the labels of the loosest run that passed so far (a stricter
 * threshold's clusters are the looser one's building blocks), so that a few short runs are made and
 * the slow, chained ones at the bottom of the grid mostly not. The chosen run's labels are the
 * answer. The bar was set on the development sets (LFW, pins and subsamples of both) and synthetic
 * sets of 16,000 to 300,000 faces; figures in /work/notes/README-choice.md.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import { ivfGraph } from "../scale/knn_ivf.ts";
import { scalePlan } from "../scale/policy.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import { seededRandom } from "../util/random.ts";
import { estimatedPrecisionOf } from "./estimated_precision.ts";
import { genuineLevel } from "./genuine_level.ts";
import { memberMeans } from "./member_means.ts";
import { memberLevel, memberShare } from "./member_level.ts";
import { type PairStats, pairStats } from "./pair_stats.ts";

/** Options of {@link chooseClustering}. */
export interface ChooseOptions {
  /** Similarity thresholds of Chinese whispers to scan (any order). */
  thresholds?: readonly number[];
  /** Smallest estimated BCubed precision accepted. */
  minPrecision?: number;
  /** k of the k-NN graph (default {@link choiceNeighbours} of the number of faces). */
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

/** Faces from which the choice reads 32 neighbours per face instead of 64. */
export const FEWER_NEIGHBOURS_FROM = 50_000;

/**
 * Default k of the choice's graph: 64, and 32 from {@link FEWER_NEIGHBOURS_FROM} faces (Chinese
 * whispers reads the first k of each row, so a run costs about half; figures in
 * /work/notes/README-choice.md).
 */
export function choiceNeighbours(n: number): number {
  return n >= FEWER_NEIGHBOURS_FROM ? 32 : 64;
}

/** The similarity levels the choice rests on. */
export interface ChoiceStats extends PairStats {
  /**
   * Mean similarity of one person's photos: from the strictest run's clusters
   * (lib/select/genuine_level.ts), or the random pairs' excess when that run left every face alone.
   */
  genuine: number;
  /** Where `genuine` comes from. */
  genuineFrom: "strictest clusters" | "random pairs";
  /** Faces in clusters of two or more in the strictest run (what `genuine` rests on). */
  genuineFaces: number;
  /** The random pairs' excess over the mirrored impostor distribution (biased low, and more so with n). */
  excessGenuine: number;
  /** Share of the way from impostor to genuine at which a face counts fully (lib/select/member_level.ts). */
  memberShare: number;
  /** That level: the mean similarity to its cluster at which a face counts fully as its cluster's person. */
  member: number;
}

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
    stats: ChoiceStats;
    minPrecision: number;
    /**
     * Per threshold scanned (strict to loose): estimated precision relative to the strictest
     * threshold's, raw, clusters, and the seconds of its Chinese-whispers run.
     */
    scanned: {
      threshold: number;
      estimatedPrecision: number;
      raw: number;
      clusters: number;
      seconds: number;
    }[];
    seconds: number;
  };
}

/** Picks the default clustering of `x` (see the module doc). */
export async function chooseClustering(x: Matrix, opts: ChooseOptions = {}): Promise<Choice> {
  const t0 = performance.now();
  const n = x.rows;
  const neighbours = opts.neighbours ?? choiceNeighbours(n);
  const minPrecision = opts.minPrecision ?? DEFAULT_MIN_PRECISION;
  const grid = [...(opts.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => b - a);
  if (grid.length === 0) throw new RangeError("chooseClustering: no thresholds to scan");
  const pairs = pairStats(x, { imageOf: opts.imageOf });
  // One k-NN graph for every threshold tried.
  const given = opts.graph && opts.graph.n === n && opts.graph.k >= Math.min(neighbours, n - 1);
  // Past the exact-graph size of lib/scale/policy.ts, the IVF graph (lib/scale/knn_ivf.ts).
  const graph = given
    ? opts.graph
    : n <= 1
    ? undefined
    : scalePlan(n).approximateKnn
    ? (await ivfGraph(x, neighbours)).graph
    : await prepareKnn(x, neighbours);
  const cw = getClusterer("chinese-whispers");
  const scanned: Choice["evidence"]["scanned"] = [];
  let strictest = 1;
  let stats: ChoiceStats | undefined;
  const runs = new Map<number, { params: Record<string, unknown>; labels: Int32Array; p: number }>();
  const evaluate = async (k: number, from?: Int32Array) => {
    const hit = runs.get(k);
    if (hit) return hit;
    const params = { neighbours, threshold: grid[k], iterations: 20, weighting: "sim" };
    const tr = performance.now();
    const input = { x, graph, cannotLink: opts.cannotLink, mustLink: opts.mustLink, initialLabels: from };
    const { labels } = n > 0
      ? await runClusterer(cw, input, params, { random: seededRandom(1) })
      : { labels: new Int32Array(0) };
    const seconds = (performance.now() - tr) / 1000;
    const means = memberMeans(x, labels);
    if (!stats) {
      // The strictest run, nearly pure at every size measured, gives one person's level.
      const g = genuineLevel(means);
      const fromClusters = g.faces > 0 && g.genuine > pairs.impostor;
      const genuine = fromClusters ? g.genuine : pairs.genuine;
      const share = memberShare(n);
      stats = {
        ...pairs,
        genuine,
        genuineFrom: fromClusters ? "strictest clusters" : "random pairs",
        genuineFaces: g.faces,
        excessGenuine: pairs.genuine,
        memberShare: share,
        member: memberLevel(pairs.impostor, genuine, n),
      };
    }
    // Relative to the strictest threshold's, which is nearly pure on every set measured: a set whose
    // people vary a lot in how alike their photos are scores below 1 even when clustered perfectly.
    const raw = estimatedPrecisionOf(means, stats);
    if (k === 0) strictest = raw > 0 ? raw : 1;
    const p = raw / strictest;
    let clusters = 0;
    for (const l of labels) if (l + 1 > clusters) clusters = l + 1;
    scanned.push({
      threshold: grid[k],
      estimatedPrecision: +p.toFixed(4),
      raw: +raw.toFixed(4),
      clusters,
      seconds: +seconds.toFixed(2),
    });
    const run = { params, labels, p };
    runs.set(k, run);
    return run;
  };
  // Precision falls as the threshold falls: binary search for the loosest threshold that passes
  // (the strictest passes by definition), a handful of runs instead of the whole grid. Each run
  // starts from the labels of the loosest run that passed so far, a stricter threshold's.
  await evaluate(0);
  let lo = 0, hi = grid.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await evaluate(mid, runs.get(lo)!.labels)).p >= minPrecision) lo = mid;
    else hi = mid;
  }
  scanned.sort((a, b) => b.threshold - a.threshold);
  const pick = runs.get(lo)!;
  const at = scanned.find((s) => s.threshold === pick.params.threshold)!;
  const next = scanned[scanned.indexOf(at) + 1];
  const st = stats!;
  const rule = `Chinese whispers at the lowest similarity threshold of ${grid.at(-1)}..${grid[0]} whose ` +
    `estimated BCubed precision (relative to the strictest threshold's) is >= ${minPrecision}; a face ` +
    `counts fully as its cluster's person from a mean similarity to it of impostor + ${
      st.memberShare.toFixed(3)
    } x (genuine - impostor) (the share grows with the number of faces)`;
  return {
    method: cw.name,
    params: pick.params,
    labels: pick.labels,
    summary: `chinese-whispers, threshold ${pick.params.threshold} (similarity), chosen from the data: ` +
      `estimated BCubed precision ${at.estimatedPrecision} >= ${minPrecision}` +
      (next ? `, next lower ${next.threshold} gave ${next.estimatedPrecision}` : "") +
      `; different people ~${st.impostor.toFixed(3)}, one person ~${st.genuine.toFixed(3)} mean similarity ` +
      `(${st.genuineFrom}), counted as one person from ~${st.member.toFixed(3)}`,
    evidence: { rule, stats: st, minPrecision, scanned, seconds: (performance.now() - t0) / 1000 },
  };
}
