/**
 * Each face's mean similarity to the other members of its cluster, from cluster sums (O(n d), no
 * pair is enumerated): the quantity both the label-free genuine level (lib/select/genuine_level.ts)
 * and the estimated precision (lib/select/estimated_precision.ts) rest on.
 * @module
 */
import type { Matrix } from "../matrix.ts";

/** Per face: mean similarity to the rest of its cluster (NaN when alone) and the cluster's size. */
export interface MemberMeans {
  /** Mean cosine similarity of face i to the other members of its cluster; NaN for a singleton. */
  mean: Float64Array;
  /** Size of face i's cluster (1 for a singleton or an unassigned face, label -1). */
  size: Int32Array;
}

/** Per cluster of `labels` (0..k-1; -1 = unassigned, left out): the sum of its rows of `x` and its size. */
export interface ClusterSums {
  /** Number of clusters (largest label + 1). */
  k: number;
  /** Row sums, `k` x `x.cols`. */
  sums: Float64Array;
  /** Members per cluster. */
  count: Int32Array;
}

/** {@link ClusterSums} of `labels` over the rows of `x`. */
export function clusterSums(x: Matrix, labels: Int32Array): ClusterSums {
  const n = x.rows, d = x.cols, data = x.data;
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const sums = new Float64Array(k * d);
  const count = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l < 0) continue;
    count[l]++;
    for (let c = 0, o = l * d, oi = i * d; c < d; c++) sums[o + c] += data[oi + c];
  }
  return { k, sums, count };
}

/** {@link MemberMeans} of `labels` over the unit rows of `x` (-1 = unassigned, a singleton). */
export function memberMeans(x: Matrix, labels: Int32Array): MemberMeans {
  const n = x.rows, d = x.cols, data = x.data;
  if (labels.length !== n) throw new RangeError(`memberMeans: ${labels.length} labels for ${n} rows`);
  const { sums, count } = clusterSums(x, labels);
  const mean = new Float64Array(n), size = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    const m = l < 0 ? 1 : count[l];
    size[i] = m;
    if (m <= 1) {
      mean[i] = NaN;
      continue;
    }
    let s = 0, self = 0;
    for (let c = 0, o = l * d, oi = i * d; c < d; c++) {
      s += data[oi + c] * sums[o + c];
      self += data[oi + c] * data[oi + c];
    }
    mean[i] = (s - self) / (m - 1);
  }
  return { mean, size };
}
