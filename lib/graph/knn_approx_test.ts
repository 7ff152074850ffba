import assert from "node:assert/strict";
import { knnBruteForce } from "./knn.ts";
import { knnApprox, knnRecall } from "./knn_approx.ts";
import { syntheticClusters } from "./_testing/synthetic.ts";

Deno.test("knnApprox (usearch HNSW) finds nearly all exact neighbours, self excluded", () => {
  const { x } = syntheticClusters({ n: 1500, dim: 32, clusters: 60, spread: 0.8, noiseShare: 0.1, seed: 3 });
  const exact = knnBruteForce(x, 10);
  const approx = knnApprox(x, 10);
  assert.equal(approx.k, 10);
  const recall = knnRecall(exact, approx);
  assert.ok(recall > 0.95, `recall ${recall}`);
  for (let i = 0; i < approx.n; i++) {
    for (let t = 0; t < approx.k; t++) {
      assert.notEqual(approx.indices[i * 10 + t], i);
      if (t > 0) assert.ok(approx.sims[i * 10 + t] <= approx.sims[i * 10 + t - 1] + 1e-5);
    }
  }
  // Similarities are cosine similarities: compare one with the exact value.
  const j = exact.indices[0];
  const t = Array.from(approx.indices.subarray(0, 10)).indexOf(j);
  if (t >= 0) assert.ok(Math.abs(approx.sims[t] - exact.sims[0]) < 1e-4);
  assert.ok(knnRecall(exact, exact) === 1);
});
