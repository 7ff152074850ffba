/**
 * One-call summaries: all external or all internal metrics as a name -> value record.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { clusterCounts, noiseShareOf, singletonShareOf } from "./clusters.ts";
import { calinskiHarabasz } from "./calinski_harabasz.ts";
import { contingency } from "./contingency.ts";
import { daviesBouldin, daviesBouldinGraph, daviesBouldinSampled } from "./davies_bouldin.ts";
import { EXTERNAL_METRICS } from "./registry.ts";
import { silhouette, silhouetteSampled, silhouetteSampledGraph } from "./silhouette.ts";
import { SILHOUETTE_EXACT_MAX_ROWS, SILHOUETTE_SAMPLE } from "../scale/policy.ts";
import type { ExternalOptions, InternalOptions } from "./types.ts";
import { checkInternal } from "./validate.ts";

/**
 * Every external metric from one shared contingency table (O(n)). Keys: purity,
 * inversePurity, pairwiseP, pairwiseR, pairwiseF1, bcubedP, bcubedR, bcubedF1, nmi, ari,
 * homogeneity, completeness, vMeasure. Predicted -1 are singletons unless `opts.noise` is
 * `"cluster"`. Throws a RangeError on length mismatch or empty input.
 *
 * @example
 * ```ts
 * const m = externalMetrics(new Int32Array([0, 0, 1]), new Int32Array([4, 4, -1]));
 * m.pairwiseF1; // 1
 * ```
 */
export function externalMetrics(
  truth: Int32Array,
  pred: Int32Array,
  opts: ExternalOptions = {},
): Record<string, number> {
  const t = contingency(truth, pred, opts.noise ?? "singletons");
  const out: Record<string, number> = {};
  for (const spec of EXTERNAL_METRICS) out[spec.name] = spec.fromTable(t);
  return out;
}

/**
 * Every internal metric. Keys: silhouette (cosine; exact, or sampled when `opts.sample` is
 * below the number of non-noise items), silhouetteStdErr (its standard error, 0 when exact),
 * daviesBouldin, calinskiHarabasz, clusters and seenOnce (by the one definition of a cluster,
 * {@link clusterCounts}: groups of at least 2 items; items alone), singletonShare, noiseShare. Noise (-1) is
 * excluded from silhouette, Davies-Bouldin and Calinski-Harabasz, which are NaN unless
 * 2 <= clusters <= non-noise items - 1.
 *
 * Past `opts.exactMaxRows` faces (default lib/scale/policy.ts's SILHOUETTE_EXACT_MAX_ROWS, 20,000)
 * silhouette and Davies-Bouldin are estimates, and three keys say how they were made:
 * silhouetteSample (faces scored, `opts.sample` or the policy's SILHOUETTE_SAMPLE),
 * daviesBouldinStdErr and daviesBouldinClusters (clusters whose worst ratio was computed).
 * With `opts.graph` (the k-NN graph of `x`): {@link silhouetteSampledGraph} and
 * {@link daviesBouldinGraph}, O(n k d); without: {@link silhouetteSampled} and
 * {@link daviesBouldinSampled} (that many clusters against all), O(sample x clusters x d).
 * Calinski-Harabasz stays exact (O(n d)).
 *
 * @example
 * ```ts
 * const m = internalMetrics(x, labels, { sample: 2000, seed: 1 });
 * ```
 */
export function internalMetrics(
  x: Matrix,
  labels: Int32Array,
  opts: InternalOptions = {},
): Record<string, number> {
  checkInternal(x, labels, "internalMetrics");
  const counts = clusterCounts(labels);
  const rest = {
    calinskiHarabasz: calinskiHarabasz(x, labels),
    clusters: counts.clusters,
    seenOnce: counts.seenOnce,
    singletonShare: singletonShareOf(labels),
    noiseShare: noiseShareOf(labels),
  };
  if (x.rows > (opts.exactMaxRows ?? SILHOUETTE_EXACT_MAX_ROWS)) {
    return { ...estimatedMetrics(x, labels, opts), ...rest };
  }
  let sil: number;
  let silErr = 0;
  if (opts.sample !== undefined) {
    const est = silhouetteSampled(x, labels, opts.sample, opts.seed ?? 0);
    sil = est.value;
    silErr = est.standardError;
  } else {
    sil = silhouette(x, labels);
  }
  return { silhouette: sil, silhouetteStdErr: silErr, daviesBouldin: daviesBouldin(x, labels), ...rest };
}

/** Silhouette and Davies-Bouldin past the exact size (see {@link internalMetrics}). */
function estimatedMetrics(x: Matrix, labels: Int32Array, opts: InternalOptions): Record<string, number> {
  const sample = opts.sample ?? SILHOUETTE_SAMPLE;
  const seed = opts.seed ?? 0;
  const g = opts.graph;
  if (g && g.n !== x.rows) {
    throw new RangeError(`internalMetrics: graph of ${g.n} rows, ${x.rows} items`);
  }
  const sil = g
    ? silhouetteSampledGraph(x, labels, g, sample, seed)
    : silhouetteSampled(x, labels, sample, seed);
  const db = g ? daviesBouldinGraph(x, labels, g) : daviesBouldinSampled(x, labels, sample, seed);
  return {
    silhouette: sil.value,
    silhouetteStdErr: sil.standardError,
    silhouetteSample: sil.sampleSize,
    daviesBouldin: db.value,
    daviesBouldinStdErr: db.standardError,
    daviesBouldinClusters: db.scored,
  };
}
