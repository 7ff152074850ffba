/**
 * Triplet mining inside a batch, in TypeScript on the batch's cosine similarities: for each
 * anchor, which positive and which negative the triplet loss is taken on. Distances are
 * cosine distances, `1 - cos`.
 * @module
 */

/** Triplets as row indices into the batch: anchor, positive, negative. */
export interface Triplets {
  /** Anchors. */
  a: Int32Array;
  /** Positives (same label as the anchor, not the anchor). */
  p: Int32Array;
  /** Negatives (another label). */
  n: Int32Array;
}

/** The `n x n` cosine similarities of `n` unit rows of `dim` (row-major). */
export function cosineMatrix(e: Float32Array, n: number, dim: number): Float32Array {
  const s = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let v = 0;
      for (let k = 0; k < dim; k++) v += e[i * dim + k] * e[j * dim + k];
      s[i * n + j] = v;
      s[j * n + i] = v;
    }
  }
  return s;
}

/**
 * Batch-hard mining: for each anchor that has a positive and a negative in the batch, its
 * hardest positive (lowest similarity) and hardest negative (highest similarity). Rows with a
 * negative label (unknown) are neither anchors, positives nor negatives.
 */
export function mineBatchHard(sim: Float32Array, labels: Int32Array): Triplets {
  const n = labels.length;
  const a: number[] = [], p: number[] = [], q: number[] = [];
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    let bp = -1, bpS = Infinity, bn = -1, bnS = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i || labels[j] < 0) continue;
      const s = sim[i * n + j];
      if (labels[j] === labels[i]) {
        if (s < bpS) [bp, bpS] = [j, s];
      } else if (s > bnS) [bn, bnS] = [j, s];
    }
    if (bp >= 0 && bn >= 0) {
      a.push(i);
      p.push(bp);
      q.push(bn);
    }
  }
  return { a: Int32Array.from(a), p: Int32Array.from(p), n: Int32Array.from(q) };
}

/**
 * Semi-hard mining (FaceNet): one triplet per positive pair `(a, p)`, its negative the closest
 * one that is still farther from the anchor than the positive (`d(a,n) > d(a,p)`, smallest such
 * `d(a,n)`); where no negative is farther, the farthest negative.
 */
export function mineSemiHard(sim: Float32Array, labels: Int32Array): Triplets {
  const n = labels.length;
  const a: number[] = [], p: number[] = [], q: number[] = [];
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    for (let j = 0; j < n; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      const sp = sim[i * n + j];
      let out = -1, outS = -Infinity, far = -1, farS = Infinity;
      for (let k = 0; k < n; k++) {
        if (labels[k] < 0 || labels[k] === labels[i]) continue;
        const s = sim[i * n + k];
        if (s < sp && s > outS) [out, outS] = [k, s];
        if (s < farS) [far, farS] = [k, s];
      }
      const neg = out >= 0 ? out : far;
      if (neg < 0) continue;
      a.push(i);
      p.push(j);
      q.push(neg);
    }
  }
  return { a: Int32Array.from(a), p: Int32Array.from(p), n: Int32Array.from(q) };
}
