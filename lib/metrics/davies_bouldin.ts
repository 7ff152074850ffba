/**
 * Davies-Bouldin index with Euclidean distance, as scikit-learn's `davies_bouldin_score`.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { clusterMeans, encodeClusters, inInternalDomain } from "./clusters.ts";
import { checkInternal } from "./validate.ts";

/**
 * Davies-Bouldin index in [0, inf), lower is better: the mean over clusters of the worst ratio
 * `(s_i + s_j) / |c_i - c_j|`, where `s_i` is the mean Euclidean distance of cluster i's members
 * to its centroid `c_i`. Noise (-1) is excluded. Follows scikit-learn: 0 when all `s_i` or all
 * centroid distances are (close to) 0, coincident centroids are skipped, and NaN unless
 * 2 <= clusters <= non-noise items - 1. Cost O(n d + k^2 d).
 *
 * @example
 * ```ts
 * const x = matrix(new Float32Array([0, 0, 0, 1, 5, 0, 5, 1]), 4, 2);
 * daviesBouldin(x, new Int32Array([0, 0, 1, 1])); // 0.2
 * ```
 */
export function daviesBouldin(x: Matrix, labels: Int32Array): number {
  checkInternal(x, labels, "daviesBouldin");
  const enc = encodeClusters(labels);
  if (!inInternalDomain(enc)) return NaN;
  const { data, rows, cols: d } = x;
  const k = enc.k;
  const cent = clusterMeans(x, enc);
  const intra = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const c = enc.ids[i];
    if (c < 0) continue;
    const o = i * d;
    const m = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[o + j] - cent[m + j];
      s += t * t;
    }
    intra[c] += Math.sqrt(s);
  }
  let intraAllZero = true;
  for (let c = 0; c < k; c++) {
    intra[c] /= enc.sizes[c];
    if (Math.abs(intra[c]) > 1e-8) intraAllZero = false;
  }
  const worst = new Float64Array(k);
  let centAllZero = true;
  for (let a = 0; a < k; a++) {
    const pa = a * d;
    for (let b = a + 1; b < k; b++) {
      const pb = b * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = cent[pa + j] - cent[pb + j];
        s += t * t;
      }
      const dist = Math.sqrt(s);
      if (dist > 1e-8) centAllZero = false;
      if (dist === 0) continue;
      const r = (intra[a] + intra[b]) / dist;
      if (r > worst[a]) worst[a] = r;
      if (r > worst[b]) worst[b] = r;
    }
  }
  if (intraAllZero || centAllZero) return 0;
  let sum = 0;
  for (let c = 0; c < k; c++) sum += worst[c];
  return sum / k;
}
