/**
 * The size policy: one place that says, from the number of faces, which representation each stage
 * that needs neighbours may use. Every stage reads it (the default clustering's k-NN graph, the
 * sweep's dense methods, UMAP, the report's analysis, internal metrics, the scale benchmark), so a
 * threshold is changed here and nowhere else.
 *
 * - Up to {@link DENSE_MAX_ROWS} faces a dense n x n float32 matrix (4 n² bytes) stays under about
 *   1 GiB (16,384² x 4 B = 1 GiB): dense methods (agglomerative on the full distance matrix) and
 *   exact internal metrics are allowed. Past it only O(n k) structures are built.
 * - Up to {@link EXACT_KNN_MAX_ROWS} faces the k-NN graph is exact (blocked matrix products through
 *   ONNX Runtime: O(n² d) time but only a block of rows in memory). Past it the graph is approximate
 *   (the inverted file of lib/scale/knn_ivf.ts: O(n^1.5 d)); the exact graph's time grows with n²,
 *   and on this 2-core machine the IVF graph is faster well before 50,000 rows of 512 dimensions
 *   (figures in the README's "One machine at scale").
 * - UMAP runs umap-js on at most {@link UMAP_MAX_ROWS} points (a seeded sample); the others are
 *   placed from their k-NN graph neighbours (lib/viz/umap.ts).
 * - Internal metrics (silhouette) are exact up to {@link SILHOUETTE_EXACT_MAX_ROWS} and estimated
 *   on a seeded sample of {@link SILHOUETTE_SAMPLE} faces past it.
 * @module
 */

/** Most faces for which a dense n x n matrix is built (4 n² bytes: 16,384 rows = 1 GiB). */
export const DENSE_MAX_ROWS = 16_384;

/** Most faces for which the k-NN graph is computed exactly; past it, the IVF graph (lib/scale/knn_ivf.ts). */
export const EXACT_KNN_MAX_ROWS = 50_000;

/** Most points umap-js lays out itself; past it a sample, the rest placed from the graph. */
export const UMAP_MAX_ROWS = 20_000;

/** Most faces for which the silhouette is computed exactly (n x clusters x d work). */
export const SILHOUETTE_EXACT_MAX_ROWS = 20_000;

/** Faces scored by the sampled silhouette past {@link SILHOUETTE_EXACT_MAX_ROWS}. */
export const SILHOUETTE_SAMPLE = 2_000;

/** What a stage may use for `rows` faces. */
export interface ScalePlan {
  /** Faces. */
  rows: number;
  /** A dense n x n matrix is allowed. */
  dense: boolean;
  /** The k-NN graph is approximate (IVF) rather than exact. */
  approximateKnn: boolean;
  /** Points that umap-js lays out (the others placed from the graph). */
  umapSample: number;
  /** Faces scored by the silhouette (`rows` when exact). */
  silhouetteSample: number;
  /** Bytes a dense float32 n x n matrix would take. */
  denseBytes: number;
}

/** The plan for `rows` faces (see the module doc). */
export function scalePlan(rows: number): ScalePlan {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(`scalePlan: rows must be an integer >= 0, got ${rows}`);
  }
  return {
    rows,
    dense: rows <= DENSE_MAX_ROWS,
    approximateKnn: rows > EXACT_KNN_MAX_ROWS,
    umapSample: Math.min(rows, UMAP_MAX_ROWS),
    silhouetteSample: rows <= SILHOUETTE_EXACT_MAX_ROWS ? rows : SILHOUETTE_SAMPLE,
    denseBytes: 4 * rows * rows,
  };
}

/** Why a method that needs a dense matrix is not run on `rows` faces (undefined when it may run). */
export function denseRefusal(method: string, rows: number): string | undefined {
  if (rows <= DENSE_MAX_ROWS) return undefined;
  const gib = (4 * rows * rows / 2 ** 30).toFixed(1);
  return `${method} skipped: it needs the dense ${rows} x ${rows} distance matrix (${gib} GiB); ` +
    `past ${DENSE_MAX_ROWS} faces only k-NN graph methods run (lib/scale/policy.ts)`;
}
