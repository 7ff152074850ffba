/**
 * Metrics that score face clusterings: external (against ground-truth identities) and internal
 * (from the embeddings alone), a registry describing each, and two one-call summaries.
 *
 * Labels are Int32Array, one per face, -1 = noise / unassigned. External metrics treat each
 * predicted -1 as its own singleton cluster by default (`{ noise: "cluster" }` lumps them);
 * internal metrics exclude noise from silhouette, Davies-Bouldin and Calinski-Harabasz.
 *
 * @example
 * ```ts
 * import { externalMetrics, internalMetrics } from "./lib/metrics/mod.ts";
 * const ext = externalMetrics(truth, pred); // { purity, pairwiseF1, bcubedF1, nmi, ari, ... }
 * const int = internalMetrics(x, pred, { sample: 5000, seed: 1 });
 * ```
 * @module
 */
export * from "./types.ts";
export * from "./validate.ts";
export * from "./contingency.ts";
export * from "./purity.ts";
export * from "./pairwise.ts";
export * from "./bcubed.ts";
export * from "./information.ts";
export * from "./ari.ts";
export * from "./clusters.ts";
export * from "./silhouette.ts";
export * from "./davies_bouldin.ts";
export * from "./calinski_harabasz.ts";
export * from "./registry.ts";
export * from "./summary.ts";
