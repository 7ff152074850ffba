/**
 * What the exploration report says of the clustering's quality: the metrics in words (against
 * the true identities when known, and from the embeddings alone), the counts by the one
 * definition of a cluster (lib/metrics/clusters.ts), and the overview's figures (cluster sizes,
 * similarity histograms with the merge threshold).
 * @module
 */
import { externalMetrics, getMetric, internalMetrics } from "../../metrics/mod.ts";
import { type ClusterCounts, clusterCounts } from "../../metrics/clusters.ts";
import { clusterSizeFigure } from "../../viz/cluster_sizes.ts";
import { samplePairs, similarityFigure } from "../../viz/similarity.ts";
import type { KnnGraph } from "../../graph/knn.ts";
import { SILHOUETTE_EXACT_MAX_ROWS } from "../../scale/policy.ts";
import type { RunData } from "../run_data.ts";
import type { MetricRow, SiteModel } from "./model.ts";
import { metricWords } from "./words.ts";

/** Faces sampled for the silhouette up to the exact size (past it, the policy's SILHOUETTE_SAMPLE). */
const SITE_SILHOUETTE_SAMPLE = 500;

function metricRows(values: Record<string, number>, names: readonly string[], minSize: number): MetricRow[] {
  return names.filter((n) => n in values).map((name) => {
    const spec = getMetric(name);
    return {
      name,
      ...metricWords(name, minSize),
      value: values[name],
      description: spec.description,
      higherIsBetter: spec.higherIsBetter,
    };
  });
}

/**
 * The metric tables of the overview and the counts of clusters, faces seen once and unassigned.
 * Past lib/scale/policy.ts's SILHOUETTE_EXACT_MAX_ROWS faces the silhouette and Davies-Bouldin are
 * estimated on `graph` (the report's k-NN graph; see internalMetrics), and the rows say how.
 */
export function siteScores(
  run: RunData,
  seed: number,
  graph?: KnnGraph,
): { external: MetricRow[]; internal: MetricRow[]; counts: ClusterCounts } {
  const n = run.faces.length;
  const external = run.truth && n > 0
    ? metricRows(externalMetrics(run.truth, run.clusters), [
      "bcubedF1",
      "bcubedP",
      "bcubedR",
      "pairwiseF1",
      "pairwiseP",
      "pairwiseR",
      "ari",
      "nmi",
      "purity",
      "inversePurity",
    ], run.minClusterSize)
    : [];
  const large = n > SILHOUETTE_EXACT_MAX_ROWS;
  const values = n > 0
    ? internalMetrics(run.x, run.clusters, {
      sample: large ? undefined : SITE_SILHOUETTE_SAMPLE,
      seed,
      graph,
    })
    : {};
  const internal = n > 0
    ? metricRows(values, [
      "silhouette",
      "daviesBouldin",
      "calinskiHarabasz",
      "clusters",
      // Shown clusters have at least minClusterSize faces: with 2 or more no face is alone in one.
      ...(run.minClusterSize < 2 ? ["singletonShare"] : []),
      "noiseShare",
    ], run.minClusterSize)
    : [];
  // One definition of a cluster (lib/metrics/clusters.ts), on the raw labels: the sweep's,
  // the run's and this report's counts agree (people of a review always count).
  const counts = clusterCounts(run.raw, { minSize: run.minClusterSize, keep: run.peopleLabels });
  const clusterRow = internal.find((r) => r.name === "clusters");
  if (clusterRow) clusterRow.value = counts.clusters;
  const sil = internal.find((r) => r.name === "silhouette");
  const err = Number.isFinite(values.silhouetteStdErr)
    ? ` (standard error ${values.silhouetteStdErr.toFixed(3)})`
    : "";
  if (sil && large) {
    const scored = values.silhouetteSample;
    sil.description = `mean silhouette, cosine distance, estimated from ${scored} sampled faces${err}` +
      (graph
        ? ", the nearest other cluster looked for among the clusters of their k-NN graph neighbours"
        : "");
    sil.explain += ` Estimated from ${scored} sampled faces${err}.`;
  } else if (sil && n > SITE_SILHOUETTE_SAMPLE) {
    sil.description =
      `mean silhouette, cosine distance, estimated from ${SITE_SILHOUETTE_SAMPLE} sampled faces${err}`;
    sil.explain += ` Estimated from ${SITE_SILHOUETTE_SAMPLE} sampled faces.`;
  }
  const db = internal.find((r) => r.name === "daviesBouldin");
  if (db && large) {
    db.description = graph
      ? `Davies-Bouldin index, Euclidean, estimated past ${SILHOUETTE_EXACT_MAX_ROWS} faces: each cluster's worst ` +
        `ratio over the clusters its faces' k-NN graph neighbours belong to (${values.daviesBouldinClusters} ` +
        `clusters scored; at most the exact value)`
      : `Davies-Bouldin index, Euclidean, estimated from ${values.daviesBouldinClusters} sampled clusters ` +
        `(standard error ${values.daviesBouldinStdErr.toFixed(3)})`;
    db.explain += " Estimated (a large set): see its definition.";
  }
  return { external, internal, counts };
}

/** The overview's figures: faces by cluster size, similarity of face pairs (by cluster, by person). */
export function siteFigures(run: RunData, seed: number, pairs: number): SiteModel["figures"] {
  // The merge threshold as a similarity: agglomerative methods stop at a distance, Chinese whispers
  // (the default chosen from the data) keeps edges above a similarity.
  const t = run.meta.params.threshold;
  const threshold = typeof t !== "number" || run.meta.params.rerank
    ? undefined
    : run.meta.method === "agglomerative" || run.meta.method === "graph-agglomerative"
    ? 1 - t
    : run.meta.method === "chinese-whispers"
    ? t
    : undefined;
  return {
    sizes: clusterSizeFigure(run.clusters),
    simClusters: similarityFigure(samplePairs(run.x, run.clusters, pairs, seed), {
      threshold,
      thresholdLabel: "merge threshold",
    }),
    simPeople: run.truth
      ? similarityFigure(samplePairs(run.x, run.truth, pairs, seed), {
        names: ["same person", "different people"],
        threshold,
        thresholdLabel: "merge threshold",
      })
      : undefined,
  };
}
