/**
 * One sweep run from start to scores: prepare shared data, cluster (timed), then every
 * external metric (when labels are known) and every internal metric.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { externalMetrics, internalMetrics } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import type { DistanceMatrix } from "../graph/distance_matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import type { RunSpec } from "./config.ts";
import { type FaceMeta, labelIds } from "../store/embedding_set.ts";
import type { RunRow } from "./selection.ts";

/** What every run of one sweep shares. */
export interface SweepData {
  /** Embeddings. */
  x: Matrix;
  /**
   * True labels, when known; -1 for faces that are not scored (every face of a photo but its
   * labelled one, see {@link labelledTruth}).
   */
  truth?: Int32Array;
  /** Cannot-link pairs (flat). */
  cannotLink?: Int32Array;
  /** Must-link pairs (flat). */
  mustLink?: Int32Array;
  /** Rows sampled for the silhouette. */
  sample: number;
  /** The k-NN graph every graph run reads (computed once, `prepareInputs` in lib/cluster/prepare.ts). */
  graph?: KnnGraph;
  /** The dense distances exact agglomerative runs read (computed once). */
  distances?: DistanceMatrix;
}

/** Runs and scores one run; failures become a row with `error` set and empty labels. */
export async function evaluateRun(
  data: SweepData,
  run: RunSpec,
): Promise<{ row: RunRow; labels: Int32Array }> {
  const base = { id: run.id, method: run.method, params: run.params, seed: run.seed };
  try {
    const t0 = performance.now();
    const { labels, violationsFixed } = await runClusterer(
      getClusterer(run.method),
      {
        x: data.x,
        cannotLink: data.cannotLink,
        mustLink: data.mustLink,
        graph: data.graph,
        distances: data.distances,
      },
      run.params,
      { random: seededRandom(run.seed) },
    );
    const timeMs = performance.now() - t0;
    const metrics: Record<string, number> = { violationsFixed };
    if (data.truth) Object.assign(metrics, scoredMetrics(data.truth, labels));
    // Past lib/scale/policy.ts's SILHOUETTE_EXACT_MAX_ROWS the internal metrics read the shared graph.
    Object.assign(
      metrics,
      internalMetrics(data.x, labels, { sample: data.sample, seed: run.seed, graph: data.graph }),
    );
    return { row: { ...base, timeMs, metrics }, labels };
  } catch (e) {
    const error = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { row: { ...base, timeMs: NaN, metrics: {}, error }, labels: new Int32Array(0) };
  }
}

/**
 * The labelled face of each photo: the one with the largest box (the first on ties; the first
 * when no face has a box). A photo's label names one person; its other faces are bystanders.
 * Photos are told apart by path (byte-identical copies at two paths are two photos).
 */
export function labelledFaces(faces: readonly FaceMeta[]): Int32Array {
  const best = new Map<string, number>();
  const area = (f: FaceMeta) => (f.box ? f.box[2] * f.box[3] : 0);
  faces.forEach((f, i) => {
    const b = best.get(f.path);
    if (b === undefined || area(f) > area(faces[b])) best.set(f.path, i);
  });
  return Int32Array.from([...best.values()].sort((a, b) => a - b));
}

/**
 * True label ids with only each photo's labelled face scored (others -1), or undefined when a
 * labelled face has no label.
 */
export function labelledTruth(faces: readonly FaceMeta[]): Int32Array | undefined {
  const rows = labelledFaces(faces);
  const ids = labelIds(Array.from(rows, (r) => faces[r]));
  if (!ids) return undefined;
  const truth = new Int32Array(faces.length).fill(-1);
  rows.forEach((r, k) => truth[r] = ids[k]);
  return truth;
}

/** External metrics over the scored rows (`truth` >= 0) only; every face was clustered. */
export function scoredMetrics(truth: Int32Array, labels: Int32Array): Record<string, number> {
  if (truth.length !== labels.length) {
    throw new RangeError(`scoredMetrics: ${truth.length} truth labels for ${labels.length} faces`);
  }
  const rows: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] >= 0) rows.push(i);
  if (rows.length === truth.length) return externalMetrics(truth, labels);
  // Noise (-1) stays noise; the metrics treat it as they do for all rows.
  return externalMetrics(Int32Array.from(rows, (i) => truth[i]), Int32Array.from(rows, (i) => labels[i]));
}
