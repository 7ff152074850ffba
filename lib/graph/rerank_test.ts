import assert from "node:assert/strict";
import { knnBruteForce } from "./knn.ts";
import { rerankKnn } from "./rerank.ts";
import { syntheticClusters } from "./_testing/synthetic.ts";

Deno.test("rerankKnn keeps each row's candidates, sorted by the re-ranked distance", () => {
  const s = syntheticClusters({ n: 300, dim: 16, clusters: 10, seed: 3 });
  const g = knnBruteForce(s.x, 20);
  const r = rerankKnn(s.x, g, { k1: 10, k2: 4, lambda: 0.3 });
  assert.equal(r.k, 20);
  for (let i = 0; i < r.n; i++) {
    const a = [...g.indices.subarray(i * 20, i * 20 + 20)].sort((p, q) => p - q);
    const b = [...r.indices.subarray(i * 20, i * 20 + 20)].sort((p, q) => p - q);
    assert.deepEqual(b, a);
    for (let t = 1; t < 20; t++) assert.ok(r.sims[i * 20 + t] <= r.sims[i * 20 + t - 1]);
  }
  // lambda = 1 leaves the cosine similarities as they are.
  const same = rerankKnn(s.x, g, { k1: 10, k2: 4, lambda: 1 });
  for (let t = 0; t < g.sims.length; t++) assert.ok(Math.abs(same.sims[t] - g.sims[t]) < 1e-5);
  // Symmetric: a pair listed by both rows gets the same re-ranked similarity from both.
  const at = (i: number, j: number) => {
    for (let t = 0; t < 20; t++) if (r.indices[i * 20 + t] === j) return r.sims[i * 20 + t];
    return undefined;
  };
  let both = 0;
  for (let i = 0; i < r.n; i++) {
    for (let t = 0; t < 20; t++) {
      const j = r.indices[i * 20 + t], back = at(j, i);
      if (back === undefined) continue;
      both++;
      assert.ok(Math.abs(back - r.sims[i * 20 + t]) < 1e-5);
    }
  }
  assert.ok(both > 0);
});

Deno.test("re-ranking pushes apart a pair whose neighbourhoods differ", () => {
  // Two tight groups on a circle, with one point of group A placed close to group B's edge.
  const pts: number[][] = [];
  for (let i = 0; i < 8; i++) pts.push([Math.cos(0.02 * i), Math.sin(0.02 * i)]);
  for (let i = 0; i < 8; i++) pts.push([Math.cos(0.6 + 0.02 * i), Math.sin(0.6 + 0.02 * i)]);
  const x = { rows: pts.length, cols: 2, data: Float32Array.from(pts.flat()) };
  const g = knnBruteForce(x, 15);
  const r = rerankKnn(x, g, { k1: 6, k2: 1, lambda: 0.3 });
  const sim = (gr: typeof g, i: number, j: number) => {
    for (let t = 0; t < gr.k; t++) if (gr.indices[i * gr.k + t] === j) return gr.sims[i * gr.k + t];
    return NaN;
  };
  // Within a group the re-ranked similarity stays far above that across the gap.
  assert.ok(sim(r, 0, 1) > sim(r, 7, 8) + 0.2);
  assert.ok(sim(g, 0, 1) - sim(g, 7, 8) < 0.2);
});
