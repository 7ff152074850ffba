import assert from "node:assert/strict";
import type { KnnGraph } from "./knn.ts";
import { fromPairs, thresholdedGraph } from "./sparse.ts";
import { seededRandom } from "../util/random.ts";

/** A random k-NN-like graph: rows most similar first, with self-listings, repeats and missing slots. */
function messyKnn(n: number, k: number, seed: number): KnnGraph {
  const random = seededRandom(seed);
  const indices = new Int32Array(n * k), sims = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const listed = Math.floor(random() * (k + 1));
    const row = Array.from({ length: listed }, () => Math.round(random() * 40) / 40).sort((a, b) => b - a);
    for (let t = 0; t < k; t++) {
      const r = random();
      indices[i * k + t] = t >= listed
        ? -1
        : r < 0.05
        ? i
        : r < 0.1 && t > 0
        ? indices[i * k + t - 1]
        : Math.floor(random() * n);
      sims[i * k + t] = t >= listed ? -Infinity : row[t];
    }
  }
  return { n, k, indices, sims };
}

/** The pairs a k-NN graph lists at `minSim`, as fromPairs takes them. */
function listedPairs(g: KnnGraph, minSim: number) {
  const a: number[] = [], b: number[] = [], s: number[] = [];
  for (let i = 0; i < g.n; i++) {
    for (let t = i * g.k; t < (i + 1) * g.k; t++) {
      if (g.sims[t] < minSim || g.indices[t] < 0) break;
      a.push(i), b.push(g.indices[t]), s.push(g.sims[t]);
    }
  }
  return fromPairs(g.n, Int32Array.from(a), Int32Array.from(b), Float32Array.from(s), a.length);
}

Deno.test("thresholdedGraph is the symmetric union of the listed pairs: rows ascending, self-loops and repeats dropped", () => {
  for (const [n, k, seed] of [[1, 3, 1], [7, 4, 2], [60, 8, 3], [300, 16, 4], [1100, 1030, 5]]) {
    const g = messyKnn(n, k, seed);
    for (const minSim of [-Infinity, 0.3, 0.6, 2]) {
      const got = thresholdedGraph(g, minSim);
      assert.deepEqual(got, listedPairs(g, minSim), `n ${n} k ${k} minSim ${minSim}`);
      if (k > 1024) continue; // lists past 1024 go through fromPairs itself
      for (let i = 0; i < n; i++) {
        for (let t = got.offsets[i]; t < got.offsets[i + 1]; t++) {
          assert.notEqual(got.targets[t], i);
          if (t > got.offsets[i]) assert.ok(got.targets[t] > got.targets[t - 1], "ascending, no repeats");
          // Symmetric, with one similarity per edge.
          const j = got.targets[t];
          const back = got.targets.subarray(got.offsets[j], got.offsets[j + 1]).indexOf(i);
          assert.ok(back >= 0);
          assert.equal(got.sims[got.offsets[j] + back], got.sims[t]);
        }
      }
    }
  }
});

Deno.test("thresholdedGraph keeps the similarity the lower row lists for an edge both rows list", () => {
  const g: KnnGraph = {
    n: 3,
    k: 2,
    indices: Int32Array.from([2, 1, 2, 0, 0, 1]),
    sims: Float32Array.from([0.9, 0.5, 0.8, 0.4, 0.7, 0.6]),
  };
  const s = thresholdedGraph(g, 0.45);
  assert.deepEqual([...s.offsets], [0, 2, 4, 6]);
  assert.deepEqual([...s.targets], [1, 2, 0, 2, 0, 1]);
  // 0-1 listed by 0 only (0.5); 0-2 by both (0's 0.9 wins over 2's 0.7); 1-2 by both (1's 0.8).
  assert.deepEqual([...s.sims].map((v) => +v.toFixed(2)), [0.5, 0.9, 0.5, 0.8, 0.9, 0.8]);
});
