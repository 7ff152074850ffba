/**
 * Small helpers on label vectors (Int32Array, -1 = noise).
 * @module
 */

/** Renumbers labels 0..C-1 in order of first appearance; negative labels become -1. */
export function relabel(labels: Int32Array): Int32Array {
  const map = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0) {
      out[i] = -1;
      continue;
    }
    let m = map.get(l);
    if (m === undefined) map.set(l, m = map.size);
    out[i] = m;
  }
  return out;
}

/** Number of distinct non-negative labels. */
export function clusterCount(labels: Int32Array): number {
  const seen = new Set<number>();
  for (const l of labels) if (l >= 0) seen.add(l);
  return seen.size;
}

/** Marks members of clusters smaller than `minSize` as noise (-1), in place; returns `labels`. */
export function dropSmallClusters(labels: Int32Array, minSize: number): Int32Array {
  if (minSize <= 1) return labels;
  const counts = new Map<number, number>();
  for (const l of labels) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0 && counts.get(labels[i])! < minSize) labels[i] = -1;
  }
  return labels;
}
