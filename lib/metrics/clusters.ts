/**
 * Cluster bookkeeping for the internal metrics (noise excluded) and the descriptive counts:
 * number of clusters, singleton share and noise share; and the one definition of a cluster
 * that every place counting clusters uses ({@link clusterCounts}, {@link CLUSTER_WORDS}): a
 * cluster is a group of at least {@link CLUSTER_MIN_FACES} faces; a face alone under its label
 * is "seen once", not a cluster.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { checkInternal } from "./validate.ts";

/** Labels renumbered to `0..k-1` with noise (-1) kept as -1, plus cluster sizes. */
export interface EncodedClusters {
  /** Compact cluster id per item, or -1 for noise. */
  ids: Int32Array;
  /** Size of each cluster. */
  sizes: Int32Array;
  /** Number of (non-noise) clusters. */
  k: number;
  /** Number of non-noise items. */
  kept: number;
}

/** Renumbers non-noise labels to `0..k-1` in order of first appearance; -1 stays -1. */
export function encodeClusters(labels: Int32Array): EncodedClusters {
  const ids = new Int32Array(labels.length);
  const seen = new Map<number, number>();
  const sizes: number[] = [];
  let kept = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === -1) {
      ids[i] = -1;
      continue;
    }
    let id = seen.get(l);
    if (id === undefined) {
      id = sizes.length;
      seen.set(l, id);
      sizes.push(0);
    }
    sizes[id]++;
    ids[i] = id;
    kept++;
  }
  return { ids, sizes: Int32Array.from(sizes), k: sizes.length, kept };
}

/** Mean of each cluster's rows (noise excluded), as a `k x cols` Float64Array. */
export function clusterMeans(x: Matrix, enc: EncodedClusters): Float64Array {
  const d = x.cols;
  const means = new Float64Array(enc.k * d);
  for (let i = 0; i < x.rows; i++) {
    const c = enc.ids[i];
    if (c < 0) continue;
    const o = i * d;
    const m = c * d;
    for (let j = 0; j < d; j++) means[m + j] += x.data[o + j];
  }
  for (let c = 0; c < enc.k; c++) {
    const inv = 1 / enc.sizes[c];
    for (let j = 0; j < d; j++) means[c * d + j] *= inv;
  }
  return means;
}

/**
 * Whether a clustering is in the domain of silhouette / Davies-Bouldin / Calinski-Harabasz,
 * as scikit-learn requires: 2 <= clusters <= items - 1 (noise excluded).
 */
export function inInternalDomain(enc: EncodedClusters): boolean {
  return enc.k >= 2 && enc.k <= enc.kept - 1;
}

/** Fewest faces a cluster has: a face alone is a person seen once, not a group. */
export const CLUSTER_MIN_FACES = 2;

/** How a set of labels counts, by the one definition of a cluster. */
export interface ClusterCounts {
  /** Groups of at least `minSize` faces (and the labels always kept). */
  clusters: number;
  /** Faces in those clusters. */
  inClusters: number;
  /** Faces alone under their label (a label of one face, not kept). */
  seenOnce: number;
  /** Faces in no cluster: those seen once, noise (-1) and faces of groups under `minSize`. */
  unassigned: number;
  /** The smallest cluster counted. */
  minSize: number;
}

/**
 * Counts clusters by the one definition: a label (>= 0) with at least `minSize` faces
 * (default {@link CLUSTER_MIN_FACES}) is a cluster, as is a label below `keep` (the people of a
 * review, always shown); every other face is unassigned, and those alone under their label are
 * also counted as seen once. The sweep (every method's raw labels), the run (run.json, the run
 * report) and the exploration site count with it.
 *
 * @example
 * ```ts
 * clusterCounts(new Int32Array([3, 3, -1, 7])); // { clusters: 1, inClusters: 2, seenOnce: 1, unassigned: 2, minSize: 2 }
 * ```
 */
export function clusterCounts(
  labels: Int32Array,
  opts: { minSize?: number; keep?: number } = {},
): ClusterCounts {
  const minSize = opts.minSize ?? CLUSTER_MIN_FACES;
  const keep = opts.keep ?? 0;
  const sizes = new Map<number, number>();
  for (const l of labels) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  let clusters = 0, inClusters = 0, seenOnce = 0;
  for (const [l, s] of sizes) {
    if (l < keep || s >= minSize) {
      clusters++;
      inClusters += s;
    } else if (s === 1) seenOnce++;
  }
  return { clusters, inClusters, seenOnce, unassigned: labels.length - inClusters, minSize };
}

/**
 * The words every place uses for the counts of {@link clusterCounts} (tables, stat boxes,
 * notebooks, the sweep's column).
 */
export const CLUSTER_WORDS = {
  /** Name of the count of clusters. */
  clusters: "clusters",
  /** Name of the count of faces seen once. */
  seenOnce: "faces seen once",
  /** Name of the count of faces in no cluster. */
  unassigned: "unassigned faces",
  /** The definition in one sentence. */
  definition: (minSize: number = CLUSTER_MIN_FACES): string =>
    `A cluster is a group of at least ${minSize} faces taken for one person; a face alone is "seen once", not a cluster${
      minSize > 2 ? `, and the faces of smaller groups are unassigned` : ""
    }.`,
} as const;

/**
 * Number of clusters by the one definition ({@link clusterCounts}: labels with at least
 * {@link CLUSTER_MIN_FACES} items; -1 is not a cluster, nor is an item alone).
 *
 * @example
 * ```ts
 * clusterCountOf(new Int32Array([3, 3, -1, 7])); // 1
 * ```
 */
export function clusterCountOf(labels: Int32Array): number {
  if (labels.length === 0) throw new RangeError("clusterCount: empty input (0 labels)");
  return clusterCounts(labels).clusters;
}

/**
 * Share of all items that sit alone in a non-noise cluster of size 1; noise items are not
 * counted here (see {@link noiseShareOf}), the denominator is all items.
 */
export function singletonShareOf(labels: Int32Array): number {
  if (labels.length === 0) throw new RangeError("singletonShare: empty input (0 labels)");
  const enc = encodeClusters(labels);
  let s = 0;
  for (let c = 0; c < enc.k; c++) if (enc.sizes[c] === 1) s++;
  return s / labels.length;
}

/** Share of all items labelled -1 (noise / unassigned). */
export function noiseShareOf(labels: Int32Array): number {
  if (labels.length === 0) throw new RangeError("noiseShare: empty input (0 labels)");
  let s = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === -1) s++;
  return s / labels.length;
}

/** Number of clusters, as an internal metric (embeddings only checked for shape). */
export function clusterCount(x: Matrix, labels: Int32Array): number {
  checkInternal(x, labels, "clusters");
  return clusterCountOf(labels);
}

/** Singleton share, as an internal metric (embeddings only checked for shape). */
export function singletonShare(x: Matrix, labels: Int32Array): number {
  checkInternal(x, labels, "singletonShare");
  return singletonShareOf(labels);
}

/** Noise share, as an internal metric (embeddings only checked for shape). */
export function noiseShare(x: Matrix, labels: Int32Array): number {
  checkInternal(x, labels, "noiseShare");
  return noiseShareOf(labels);
}
