/**
 * The registry of every metric, with its direction, range and noise treatment.
 * @module
 */
import { ari, ariFromTable } from "./ari.ts";
import {
  bcubedF1,
  bcubedF1FromTable,
  bcubedPrecision,
  bcubedPrecisionFromTable,
  bcubedRecall,
  bcubedRecallFromTable,
} from "./bcubed.ts";
import { calinskiHarabasz } from "./calinski_harabasz.ts";
import { clusterCount, noiseShare, singletonShare } from "./clusters.ts";
import { daviesBouldin } from "./davies_bouldin.ts";
import {
  completeness,
  completenessFromTable,
  homogeneity,
  homogeneityFromTable,
  nmi,
  nmiFromTable,
  vMeasure,
  vMeasureFromTable,
} from "./information.ts";
import {
  pairwiseF1,
  pairwiseF1FromTable,
  pairwisePrecision,
  pairwisePrecisionFromTable,
  pairwiseRecall,
  pairwiseRecallFromTable,
} from "./pairwise.ts";
import { inversePurity, inversePurityFromTable, purity, purityFromTable } from "./purity.ts";
import { silhouette } from "./silhouette.ts";
import type { ExternalMetricSpec, InternalMetricSpec, MetricSpec } from "./types.ts";

/** How the external metrics treat predicted noise. */
export const EXTERNAL_NOISE =
  'pred -1: each item its own singleton cluster (default, noise: "singletons") or all noise ' +
  'one cluster (noise: "cluster"); truth must not contain -1';

const EXCLUDED = "items labelled -1 are excluded (neither scored nor part of any cluster)";

/** External metrics (truth, pred), in the order `externalMetrics` reports them. */
export const EXTERNAL_METRICS: readonly ExternalMetricSpec[] = [
  {
    name: "purity",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "share of items in the majority identity of their predicted cluster",
    fn: purity,
    fromTable: purityFromTable,
    symmetric: false,
    swapsWith: "inversePurity",
  },
  {
    name: "inversePurity",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "share of items in the predicted cluster holding most of their identity",
    fn: inversePurity,
    fromTable: inversePurityFromTable,
    symmetric: false,
    swapsWith: "purity",
  },
  {
    name: "pairwiseP",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "of the item pairs put together, the share of one identity (1 if none put together)",
    fn: pairwisePrecision,
    fromTable: pairwisePrecisionFromTable,
    symmetric: false,
    swapsWith: "pairwiseR",
  },
  {
    name: "pairwiseR",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "of the same-identity item pairs, the share put together (1 if there are none)",
    fn: pairwiseRecall,
    fromTable: pairwiseRecallFromTable,
    symmetric: false,
    swapsWith: "pairwiseP",
  },
  {
    name: "pairwiseF1",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "harmonic mean of pairwise precision and recall",
    fn: pairwiseF1,
    fromTable: pairwiseF1FromTable,
    symmetric: true,
  },
  {
    name: "bcubedP",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "mean over items of the share of their predicted cluster with their identity",
    fn: bcubedPrecision,
    fromTable: bcubedPrecisionFromTable,
    symmetric: false,
    swapsWith: "bcubedR",
  },
  {
    name: "bcubedR",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "mean over items of the share of their identity in their predicted cluster",
    fn: bcubedRecall,
    fromTable: bcubedRecallFromTable,
    symmetric: false,
    swapsWith: "bcubedP",
  },
  {
    name: "bcubedF1",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "harmonic mean of BCubed precision and recall",
    fn: bcubedF1,
    fromTable: bcubedF1FromTable,
    symmetric: true,
  },
  {
    name: "nmi",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "normalised mutual information, arithmetic-mean normalisation (sklearn default)",
    fn: nmi,
    fromTable: nmiFromTable,
    symmetric: true,
  },
  {
    name: "ari",
    kind: "external",
    higherIsBetter: true,
    range: [-0.5, 1],
    noise: EXTERNAL_NOISE,
    description: "adjusted Rand index (about 0 for random labelings)",
    fn: ari,
    fromTable: ariFromTable,
    symmetric: true,
  },
  {
    name: "homogeneity",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "each predicted cluster holds a single identity (MI / H(truth))",
    fn: homogeneity,
    fromTable: homogeneityFromTable,
    symmetric: false,
    swapsWith: "completeness",
  },
  {
    name: "completeness",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "each identity sits in a single predicted cluster (MI / H(pred))",
    fn: completeness,
    fromTable: completenessFromTable,
    symmetric: false,
    swapsWith: "homogeneity",
  },
  {
    name: "vMeasure",
    kind: "external",
    higherIsBetter: true,
    range: [0, 1],
    noise: EXTERNAL_NOISE,
    description: "harmonic mean of homogeneity and completeness",
    fn: vMeasure,
    fromTable: vMeasureFromTable,
    symmetric: true,
  },
];

/** Internal metrics (embeddings, labels), in the order `internalMetrics` reports them. */
export const INTERNAL_METRICS: readonly InternalMetricSpec[] = [
  {
    name: "silhouette",
    kind: "internal",
    higherIsBetter: true,
    range: [-1, 1],
    noise: EXCLUDED,
    description:
      "mean silhouette, cosine distance; exact up to 20,000 faces, past that estimated on a seeded sample (internalMetrics, lib/scale/policy.ts); NaN unless 2 <= clusters <= items - 1",
    fn: silhouette,
  },
  {
    name: "daviesBouldin",
    kind: "internal",
    higherIsBetter: false,
    range: [0, Infinity],
    noise: EXCLUDED,
    description:
      "Davies-Bouldin index, Euclidean; exact up to 20,000 faces, past that each cluster's worst ratio over the clusters near it in the k-NN graph (internalMetrics, lib/scale/policy.ts); NaN unless 2 <= clusters <= items - 1",
    fn: daviesBouldin,
  },
  {
    name: "calinskiHarabasz",
    kind: "internal",
    higherIsBetter: true,
    range: [0, Infinity],
    noise: EXCLUDED,
    description: "Calinski-Harabasz variance ratio; NaN unless 2 <= clusters <= items - 1",
    fn: calinskiHarabasz,
  },
  {
    name: "clusters",
    kind: "internal",
    higherIsBetter: false,
    range: [0, Infinity],
    noise: "-1 is not a cluster",
    description:
      "number of clusters: labels with at least 2 items (an item alone is seen once, not a cluster; descriptive, direction nominal)",
    fn: clusterCount,
  },
  {
    name: "singletonShare",
    kind: "internal",
    higherIsBetter: false,
    range: [0, 1],
    noise: "noise items are not counted as singletons; denominator is all items",
    description: "share of all items alone in a non-noise cluster of size 1",
    fn: singletonShare,
  },
  {
    name: "noiseShare",
    kind: "internal",
    higherIsBetter: false,
    range: [0, 1],
    noise: "counts the items labelled -1",
    description: "share of all items labelled -1",
    fn: noiseShare,
  },
];

/** Every metric, external then internal. */
export const METRICS: readonly MetricSpec[] = [...EXTERNAL_METRICS, ...INTERNAL_METRICS];

/** Looks a metric up by name; throws a RangeError listing the known names if absent. */
export function getMetric(name: string): MetricSpec {
  const m = METRICS.find((s) => s.name === name);
  if (!m) throw new RangeError(`unknown metric "${name}" (known: ${METRICS.map((s) => s.name).join(", ")})`);
  return m;
}
