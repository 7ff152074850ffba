/**
 * Shared types of the clustering metrics: options, results and the registry entry shape.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { Contingency } from "./contingency.ts";

/**
 * How a predicted label of -1 (noise / unassigned) is treated by the external metrics.
 *
 * - `"singletons"` (default, the usual convention in face clustering): every noise item is
 *   its own cluster of size 1, so noise never creates false-positive pairs.
 * - `"cluster"`: all noise items form one extra cluster together.
 */
export type NoiseMode = "singletons" | "cluster";

/** Options of the external (truth vs prediction) metrics. */
export interface ExternalOptions {
  /** Treatment of predicted -1 labels; default `"singletons"`. Truth must not contain -1. */
  noise?: NoiseMode;
}

/** Options of the internal (embeddings + labels) metrics. */
export interface InternalOptions {
  /**
   * If set and smaller than the number of non-noise items, the silhouette is estimated from
   * this many items drawn without replacement (see {@link InternalOptions.seed}).
   */
  sample?: number;
  /** Seed of the silhouette sample; default 0. */
  seed?: number;
  /**
   * A k-NN graph of the rows (the run's or the sweep's, lib/graph/knn.ts): past
   * {@link InternalOptions.exactMaxRows} faces the silhouette and Davies-Bouldin are estimated on it.
   */
  graph?: { n: number; k: number; indices: Int32Array };
  /**
   * Most faces for which silhouette and Davies-Bouldin are exact; default lib/scale/policy.ts's
   * SILHOUETTE_EXACT_MAX_ROWS (a test lowers it to check the estimates against the exact values).
   */
  exactMaxRows?: number;
}

/** An external metric: compares predicted labels with ground truth. */
export type ExternalFn = (truth: Int32Array, pred: Int32Array, opts?: ExternalOptions) => number;

/** An internal metric: scores labels against the embeddings alone. */
export type InternalFn = (x: Matrix, labels: Int32Array, opts?: InternalOptions) => number;

/** Fields every registry entry has. */
interface MetricSpecBase {
  /** Stable name, also the key used by `externalMetrics` / `internalMetrics`. */
  name: string;
  /** Whether a larger value means a better clustering (nominal for purely descriptive counts). */
  higherIsBetter: boolean;
  /** Closed range of possible values (`Infinity` for unbounded); NaN means undefined. */
  range: readonly [number, number];
  /** How items labelled -1 are treated. */
  noise: string;
  /** One line saying what the metric measures. */
  description: string;
}

/** Registry entry of an external metric. */
export interface ExternalMetricSpec extends MetricSpecBase {
  /** Discriminant. */
  kind: "external";
  /** The metric. */
  fn: ExternalFn;
  /** The same metric from an already built contingency table (to share one table). */
  fromTable: (t: Contingency) => number;
  /** Whether swapping truth and prediction leaves the value unchanged. */
  symmetric: boolean;
  /** Name of the metric whose value this one takes when truth and prediction are swapped. */
  swapsWith?: string;
}

/** Registry entry of an internal metric. */
export interface InternalMetricSpec extends MetricSpecBase {
  /** Discriminant. */
  kind: "internal";
  /** The metric. */
  fn: InternalFn;
}

/** Any registry entry. */
export type MetricSpec = ExternalMetricSpec | InternalMetricSpec;
