/**
 * Calinski-Harabasz index (variance ratio criterion), as scikit-learn's
 * `calinski_harabasz_score`.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { clusterMeans, encodeClusters, inInternalDomain } from "./clusters.ts";
import { checkInternal } from "./validate.ts";

/**
 * Calinski-Harabasz index in [0, inf), higher is better:
 * `(between-cluster dispersion / (k - 1)) / (within-cluster dispersion / (n - k))` with squared
 * Euclidean distances. Noise (-1) is excluded (n counts non-noise items). Follows scikit-learn:
 * 1 when the within-cluster dispersion is 0, NaN unless 2 <= clusters <= n - 1. Cost O(n d).
 *
 * @example
 * ```ts
 * const x = matrix(new Float32Array([0, 0, 0, 1, 5, 0, 5, 1]), 4, 2);
 * calinskiHarabasz(x, new Int32Array([0, 0, 1, 1])); // 50
 * ```
 */
export function calinskiHarabasz(x: Matrix, labels: Int32Array): number {
  checkInternal(x, labels, "calinskiHarabasz");
  const enc = encodeClusters(labels);
  if (!inInternalDomain(enc)) return NaN;
  const { data, rows, cols: d } = x;
  const k = enc.k;
  const n = enc.kept;
  const cent = clusterMeans(x, enc);
  const mean = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const w = enc.sizes[c] / n;
    for (let j = 0; j < d; j++) mean[j] += cent[c * d + j] * w;
  }
  let extra = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = cent[c * d + j] - mean[j];
      s += t * t;
    }
    extra += enc.sizes[c] * s;
  }
  let intra = 0;
  for (let i = 0; i < rows; i++) {
    const c = enc.ids[i];
    if (c < 0) continue;
    const o = i * d;
    const m = c * d;
    for (let j = 0; j < d; j++) {
      const t = data[o + j] - cent[m + j];
      intra += t * t;
    }
  }
  return intra === 0 ? 1 : extra * (n - k) / (intra * (k - 1));
}
