/**
 * The training losses, each twice: in tfjs (differentiable, what the trainer minimises) and in
 * plain TypeScript on a similarity matrix (the reference the tests compare against hand-computed
 * numbers). Inputs are unit rows, so a dot product is a cosine.
 * @module
 */
import type { Tensor, Tensor2D } from "@tensorflow/tfjs";
import { matMul, type tf as TF } from "./tf.ts";
import type { Triplets } from "./mining.ts";

type Tf = typeof TF;

/** Triplet loss on mined triplets: mean of `max(0, d(a,p) - d(a,n) + margin)`, `d = 1 - cos`. */
export function tripletLossRef(sim: Float32Array, n: number, t: Triplets, margin: number): number {
  if (t.a.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < t.a.length; i++) {
    s += Math.max(0, sim[t.a[i] * n + t.n[i]] - sim[t.a[i] * n + t.p[i]] + margin);
  }
  return s / t.a.length;
}

/**
 * Supervised contrastive loss (Khosla et al. 2020; InfoNCE with every same-label row a positive):
 * for each anchor with a positive, minus the mean over its positives of
 * `log(exp(cos(a,p)/T) / sum over b != a of exp(cos(a,b)/T))`; the mean over such anchors.
 * Rows with a negative label take part only as negatives (in the denominators).
 */
export function supconLossRef(sim: Float32Array, labels: Int32Array, temperature: number): number {
  const n = labels.length;
  let total = 0, anchors = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (j !== i) max = Math.max(max, sim[i * n + j] / temperature);
    let z = 0;
    for (let j = 0; j < n; j++) if (j !== i) z += Math.exp(sim[i * n + j] / temperature - max);
    const logZ = max + Math.log(z);
    let s = 0, np = 0;
    for (let j = 0; j < n; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      s += sim[i * n + j] / temperature - logZ;
      np++;
    }
    if (np === 0) continue;
    total += -s / np;
    anchors++;
  }
  return anchors ? total / anchors : 0;
}

/**
 * Pairwise contrastive loss on cosines: `(1 - cos)^2` for a same-person pair,
 * `max(0, cos - margin)^2` for a two-person pair; the mean over pairs.
 */
export function contrastiveLossRef(cos: Float32Array, same: Uint8Array, margin: number): number {
  if (cos.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < cos.length; i++) {
    s += same[i] ? (1 - cos[i]) ** 2 : Math.max(0, cos[i] - margin) ** 2;
  }
  return s / cos.length;
}

/**
 * Row-wise dot products of `e[a[i]]` and `e[b[i]]`, through one-hot selection matrices (matMul's
 * gradient is fast on the cpu backend; gather's goes through a slow segment sum).
 */
function rowDots(tf: Tf, e: Tensor2D, a: Int32Array, b: Int32Array): Tensor {
  const n = e.shape[0];
  const select = (idx: Int32Array) => {
    const m = new Float32Array(idx.length * n);
    for (let i = 0; i < idx.length; i++) m[i * n + idx[i]] = 1;
    return matMul(tf.tensor2d(m, [idx.length, n]), e);
  };
  return tf.sum(tf.mul(select(a), select(b)), 1);
}

/** {@link tripletLossRef} in tfjs on the batch's unit rows `e`. */
export function tripletLoss(tf: Tf, e: Tensor2D, t: Triplets, margin: number): Tensor {
  if (t.a.length === 0) return tf.scalar(0);
  const sp = rowDots(tf, e, t.a, t.p);
  const sn = rowDots(tf, e, t.a, t.n);
  return tf.mean(tf.relu(tf.add(tf.sub(sn, sp), margin)));
}

/** {@link supconLossRef} in tfjs on the batch's unit rows `e`. */
export function supconLoss(tf: Tf, e: Tensor2D, labels: Int32Array, temperature: number): Tensor {
  const n = labels.length;
  const pos = new Float32Array(n * n);
  const self = new Float32Array(n * n);
  const weight = new Float32Array(n);
  let anchors = 0;
  for (let i = 0; i < n; i++) {
    self[i * n + i] = 1e9;
    if (labels[i] < 0) continue;
    let np = 0;
    for (let j = 0; j < n; j++) if (j !== i && labels[j] === labels[i]) np++;
    if (np === 0) continue;
    anchors++;
    for (let j = 0; j < n; j++) if (j !== i && labels[j] === labels[i]) pos[i * n + j] = 1 / np;
  }
  if (anchors === 0) return tf.scalar(0);
  for (let i = 0; i < n; i++) weight[i] = 1 / anchors;
  const logits = tf.sub(tf.div(matMul(e, tf.transpose(e)), temperature), tf.tensor2d(self, [n, n]));
  const logZ = tf.logSumExp(logits, 1, true);
  const logProb = tf.sub(logits, logZ);
  const perAnchor = tf.sum(tf.mul(logProb, tf.tensor2d(pos, [n, n])), 1);
  return tf.neg(tf.sum(tf.mul(perAnchor, tf.tensor1d(weight))));
}

/**
 * {@link contrastiveLossRef} in tfjs, on pairs `(a[i], b[i])` of rows of `e`, as weights on the
 * batch's cosine matrix.
 */
export function contrastiveLoss(
  tf: Tf,
  e: Tensor2D,
  a: Int32Array,
  b: Int32Array,
  same: Uint8Array,
  margin: number,
): Tensor {
  if (a.length === 0) return tf.scalar(0);
  const n = e.shape[0];
  const pull = new Float32Array(n * n), push = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) (same[i] ? pull : push)[a[i] * n + b[i]] += 1 / a.length;
  const c = matMul(e, tf.transpose(e));
  const pullCost = tf.mul(tf.tensor2d(pull, [n, n]), tf.square(tf.sub(1, c)));
  const pushCost = tf.mul(tf.tensor2d(push, [n, n]), tf.square(tf.relu(tf.sub(c, margin))));
  return tf.add(tf.sum(pullCost), tf.sum(pushCost));
}
