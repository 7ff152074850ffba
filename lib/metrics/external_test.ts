import assert from "node:assert/strict";
import { seededRandom } from "../util/random.ts";
import { ari } from "./ari.ts";
import { bcubedPrecision, bcubedRecall } from "./bcubed.ts";
import { contingency } from "./contingency.ts";
import { nmi } from "./information.ts";
import { pairwisePrecision, pairwiseRecall } from "./pairwise.ts";
import { inversePurity, purity } from "./purity.ts";
import { externalMetrics } from "./summary.ts";
import type { NoiseMode } from "./types.ts";

/** Predicted cluster of item i under a noise mode, as a string key. */
const key = (pred: Int32Array, i: number, noise: NoiseMode) =>
  pred[i] === -1 ? (noise === "singletons" ? `noise${i}` : "noise") : `c${pred[i]}`;

Deno.test("pairwise and BCubed match brute-force loops over pairs and items, both noise modes", () => {
  const random = seededRandom(11);
  for (let trial = 0; trial < 10; trial++) {
    const n = 5 + Math.floor(random() * 60);
    const truth = Int32Array.from({ length: n }, () => Math.floor(random() * 6));
    const pred = Int32Array.from({ length: n }, () => (random() < 0.2 ? -1 : Math.floor(random() * 5)));
    for (const noise of ["singletons", "cluster"] as const) {
      let both = 0, predSame = 0, truthSame = 0, bp = 0, br = 0;
      for (let i = 0; i < n; i++) {
        let inCluster = 0, inClass = 0, inBoth = 0;
        for (let j = 0; j < n; j++) {
          const sp = key(pred, i, noise) === key(pred, j, noise);
          const st = truth[i] === truth[j];
          if (sp) inCluster++;
          if (st) inClass++;
          if (sp && st) inBoth++;
          if (j > i) {
            if (sp) predSame++;
            if (st) truthSame++;
            if (sp && st) both++;
          }
        }
        bp += inBoth / inCluster;
        br += inBoth / inClass;
      }
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
      close(pairwisePrecision(truth, pred, { noise }), predSame ? both / predSame : 1, "pairwiseP");
      close(pairwiseRecall(truth, pred, { noise }), truthSame ? both / truthSame : 1, "pairwiseR");
      close(bcubedPrecision(truth, pred, { noise }), bp / n, "bcubedP");
      close(bcubedRecall(truth, pred, { noise }), br / n, "bcubedR");
    }
  }
});

Deno.test("hand-computed values", () => {
  const t = Int32Array.from([0, 0, 1, 1]);
  assert.equal(purity(t, Int32Array.from([0, 0, 0, 1])), 0.75);
  assert.equal(inversePurity(t, Int32Array.from([0, 0, 0, 1])), 0.75);
  assert.equal(pairwisePrecision(Int32Array.from([0, 0, 1]), Int32Array.from([0, 0, 0])), 1 / 3);
  assert.ok(Math.abs(nmi(t, Int32Array.from([1, 1, 0, 0])) - 1) < 1e-12);
  assert.equal(ari(t, Int32Array.from([7, 7, 3, 3])), 1);
  // ARI of [0,0,1,1] vs [0,1,0,1]: index 0, expected 2*2/6, max 2 -> -0.5.
  assert.equal(ari(t, Int32Array.from([0, 1, 0, 1])), -0.5);
  const m = externalMetrics(Int32Array.from([0, 0, 1]), Int32Array.from([4, 4, -1]));
  assert.equal(m.pairwiseF1, 1);
  assert.equal(m.bcubedF1, 1);
  assert.equal(Object.keys(m).length, 13);
});

Deno.test("contingency: noise treatment and sparse cells", () => {
  const truth = Int32Array.from([0, 0, 1, 1, 1]);
  const pred = Int32Array.from([9, -1, -1, 9, 3]);
  const s = contingency(truth, pred);
  assert.equal(s.cols, 4);
  assert.deepEqual([...s.colSums].sort(), [1, 1, 1, 2]);
  const c = contingency(truth, pred, "cluster");
  assert.equal(c.cols, 3);
  assert.equal(c.cellCount.reduce((a, b) => a + b, 0), 5);
  // Cells (truth, pred): (0,9) (0,noise) (1,noise) (1,9) (1,3).
  assert.equal(c.cellCount.length, 5);
  assert.deepEqual([...c.rowSums], [2, 3]);
});
