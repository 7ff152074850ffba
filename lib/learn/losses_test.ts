import assert from "node:assert/strict";
import { loadTf } from "./tf.ts";
import {
  contrastiveLoss,
  contrastiveLossRef,
  supconLoss,
  supconLossRef,
  tripletLoss,
  tripletLossRef,
} from "./losses.ts";
import { cosineMatrix } from "./mining.ts";

const close = (a: number, b: number, eps = 1e-5) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

// three unit vectors in 2-D: e0 = (1,0), e1 = (0.6,0.8), e2 = (0,1)
const e = new Float32Array([1, 0, 0.6, 0.8, 0, 1]);
const sim = cosineMatrix(e, 3, 2); // cos01 = 0.6, cos02 = 0, cos12 = 0.8

Deno.test("triplet loss on hand-computed triplets", async () => {
  // (a=0, p=1, n=2): d_ap = 0.4, d_an = 1 -> max(0, 0.4 - 1 + 0.2) = 0
  // (a=2, p=0, n=1): d_ap = 1, d_an = 0.2 -> 1 - 0.2 + 0.2 = 1.0
  const t = { a: Int32Array.from([0, 2]), p: Int32Array.from([1, 0]), n: Int32Array.from([2, 1]) };
  close(tripletLossRef(sim, 3, t, 0.2), 0.5);
  const tf = await loadTf();
  const v = tripletLoss(tf, tf.tensor2d(e, [3, 2]), t, 0.2).dataSync()[0];
  close(v, 0.5);
  // margin 0.7: first triplet costs 0.1, second 1.5 -> 0.8
  close(tripletLoss(tf, tf.tensor2d(e, [3, 2]), t, 0.7).dataSync()[0], 0.8);
});

Deno.test("supervised contrastive loss on a hand-computed case", async () => {
  // labels 0 0 1, T = 0.5: anchor 0: -log(e^{1.2} / (e^{1.2} + e^0)); anchor 1: -log(e^{1.2}/(e^{1.2}+e^{1.6}))
  // anchor 2 has no positive.
  const labels = Int32Array.from([0, 0, 1]);
  const a0 = -Math.log(Math.exp(1.2) / (Math.exp(1.2) + 1));
  const a1 = -Math.log(Math.exp(1.2) / (Math.exp(1.2) + Math.exp(1.6)));
  const want = (a0 + a1) / 2;
  close(supconLossRef(sim, labels, 0.5), want);
  const tf = await loadTf();
  close(supconLoss(tf, tf.tensor2d(e, [3, 2]), labels, 0.5).dataSync()[0], want);
});

Deno.test("pairwise contrastive loss on hand-computed pairs", async () => {
  // pairs (0,1) same: (1-0.6)^2 = 0.16; (1,2) different, margin 0.5: (0.8-0.5)^2 = 0.09;
  // (0,2) different: cos 0 < 0.5 -> 0
  const a = Int32Array.from([0, 1, 0]), b = Int32Array.from([1, 2, 2]), same = Uint8Array.from([1, 0, 0]);
  const want = (0.16 + 0.09 + 0) / 3;
  close(contrastiveLossRef(Float32Array.from([0.6, 0.8, 0]), same, 0.5), want);
  const tf = await loadTf();
  close(contrastiveLoss(tf, tf.tensor2d(e, [3, 2]), a, b, same, 0.5).dataSync()[0], want);
});
