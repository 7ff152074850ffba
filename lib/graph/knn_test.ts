import assert from "node:assert/strict";
import { knnBruteForce, knnGraph, truncateKnn } from "./knn.ts";
import { syntheticClusters } from "./_testing/synthetic.ts";

const { x } = syntheticClusters({ n: 700, dim: 48, clusters: 20, seed: 3, noiseShare: 0.1 });

Deno.test("knnGraph (onnxruntime, blocked) matches the brute-force reference", async () => {
  const ref = knnBruteForce(x, 10);
  // An odd block size so the last block is partial.
  const g = await knnGraph(x, 10, { blockRows: 97 });
  assert.equal(g.k, 10);
  assert.equal(g.n, x.rows);
  let sameIndex = 0;
  for (let i = 0; i < g.n * g.k; i++) {
    assert.ok(Math.abs(g.sims[i] - ref.sims[i]) < 1e-4, `sim ${i}: ${g.sims[i]} vs ${ref.sims[i]}`);
    if (g.indices[i] === ref.indices[i]) sameIndex++;
  }
  // Indices agree except where two neighbours are (near-)tied.
  assert.ok(sameIndex > 0.995 * g.n * g.k, `only ${sameIndex} indices agree`);
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < g.k; j++) {
      assert.notEqual(g.indices[i * g.k + j], i, "self must be excluded");
      if (j > 0) assert.ok(g.sims[i * g.k + j] <= g.sims[i * g.k + j - 1] + 1e-6);
    }
  }
});

Deno.test("knnGraph excludes self even with duplicate rows and clamps k", async () => {
  const d = 4;
  const data = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  const small = { data, rows: 3, cols: d };
  const g = await knnGraph(small, 5);
  assert.equal(g.k, 2);
  assert.deepEqual([g.indices[0], g.indices[2]], [1, 0]);
  assert.ok(Math.abs(g.sims[0] - 1) < 1e-6);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) assert.notEqual(g.indices[i * 2 + j], i);
  await assert.rejects(() => knnGraph(small, 0), RangeError);
});

Deno.test("truncateKnn keeps the first k neighbours", () => {
  const g = knnBruteForce(x, 6);
  const t = truncateKnn(g, 3);
  assert.equal(t.k, 3);
  assert.deepEqual(Array.from(t.indices.subarray(30, 33)), Array.from(g.indices.subarray(60, 63)));
  assert.throws(() => truncateKnn(g, 7), RangeError);
});
