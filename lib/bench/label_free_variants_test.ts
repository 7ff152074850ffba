import assert from "node:assert/strict";
import type { KnnGraph } from "../graph/knn.ts";
import { matrix } from "../matrix.ts";
import {
  attachAlone,
  attachHeldOut,
  centred,
  cohortMeans,
  cohortShifted,
  consensusGraph,
} from "./label_free_variants.ts";

Deno.test("centred: the mean is taken out and rows are unit length again", () => {
  const x = matrix(Float32Array.from([1, 0, 0.6, 0.8, 0.8, 0.6]), 3, 2);
  const c = centred(x);
  // mean (0.8, 0.467): rows become (0.2, -0.467), (-0.2, 0.333), (0, 0.133), normalised
  assert.ok(Math.abs(c.data[4]) < 1e-6 && Math.abs(c.data[5] - 1) < 1e-6);
  for (let r = 0; r < 3; r++) assert.ok(Math.abs(Math.hypot(c.data[2 * r], c.data[2 * r + 1]) - 1) < 1e-6);
  assert.ok(c.data[0] > 0 && c.data[1] < 0 && c.data[2] < 0 && c.data[3] > 0);
  // A set of one row centres to zero and stays zero.
  assert.deepEqual(Array.from(centred(matrix(Float32Array.from([0.6, 0.8]), 1, 2)).data), [0, 0]);
});

const graph: KnnGraph = {
  n: 3,
  k: 2,
  indices: Int32Array.from([1, 2, 0, 2, 0, 1]),
  sims: Float32Array.from([0.9, 0.5, 0.9, 0.4, 0.5, 0.4]),
};

Deno.test("cohortShifted: a pair alike to everyone is pulled down, the mean level is kept", () => {
  const g = cohortShifted(graph, Float64Array.from([0.3, 0.0, 0.0]));
  // bar 0.1: edge 0-1 -> 0.9 - 0.15 + 0.1, edge 1-2 -> 0.4 + 0.1
  assert.ok(Math.abs(g.sims[0] - 0.85) < 1e-6 && Math.abs(g.sims[3] - 0.5) < 1e-6);
  assert.deepEqual(g.indices, graph.indices);
  assert.equal(graph.sims[0], Math.fround(0.9)); // the input is left alone
  assert.throws(() => cohortShifted(graph, new Float64Array(2)), /2 means for 3 rows/);
});

Deno.test("cohortMeans: mean similarity to the cohort, own photo left out", () => {
  const x = matrix(Float32Array.from([1, 0, 1, 0, 0, 1]), 3, 2);
  const mu = cohortMeans(x, { size: 3 });
  assert.deepEqual(Array.from(mu), [0.5, 0.5, 0]);
  const apart = cohortMeans(x, { size: 3, imageOf: [0, 0, 1] });
  assert.deepEqual(Array.from(apart), [0, 0, 0]);
});

Deno.test("consensusGraph keeps the edges a majority of runs keep together", () => {
  const runs = [Int32Array.from([0, 0, 1]), Int32Array.from([0, 0, 0]), Int32Array.from([0, 1, 1])];
  const g = consensusGraph(graph, runs);
  // 0-1 together in 2 of 3, 0-2 in 1, 1-2 in 2
  assert.deepEqual(Array.from(g.sims), [0.9, -1, 0.9, 0.4, -1, 0.4].map(Math.fround));
  assert.throws(() => consensusGraph(graph, [new Int32Array(2)]), /2 labels for 3 rows/);
});

Deno.test("attachHeldOut joins a held-out face only when clearly close, never through its own photo", () => {
  const x = matrix(Float32Array.from([1, 0, 0, 1, 0.96, 0.28, 0.6, 0.8]), 4, 2);
  const { labels, attached } = attachHeldOut(x, [0, 1], Int32Array.from([0, 1]), 0.9);
  assert.deepEqual(Array.from(labels), [0, 1, 0, 2]);
  assert.equal(attached, 1);
  // Row 2 shares row 0's photo: it may not join row 0; its next best (row 1, 0.28) is not close.
  const apart = attachHeldOut(x, [0, 1], Int32Array.from([0, 1]), 0.9, [0, 1, 0, 3]);
  assert.deepEqual(Array.from(apart.labels), [0, 1, 2, 3]);
  assert.equal(apart.attached, 0);
});

Deno.test("attachAlone moves a lone face into the cluster it is most alike on average, from a level, not across its photo", () => {
  // Rows 0, 1: cluster 0 around (1, 0); rows 2, 3: cluster 1 around (0, 1); row 4 alone near cluster 0.
  const x = matrix(Float32Array.from([1, 0, 0.96, 0.28, 0, 1, 0.28, 0.96, 0.8, 0.6]), 5, 2);
  const labels = Int32Array.from([0, 0, 1, 1, 2]);
  const { labels: got, moved } = attachAlone(x, labels, 0.8);
  // Mean similarity of row 4 to cluster 0: (0.8 + 0.936) / 2 = 0.868; to cluster 1: (0.6 + 0.8) / 2 = 0.7.
  assert.deepEqual(Array.from(got), [0, 0, 1, 1, 0]);
  assert.equal(moved, 1);
  assert.deepEqual(Array.from(labels), [0, 0, 1, 1, 2]); // the input is left alone
  assert.equal(attachAlone(x, labels, 0.9).moved, 0);
  // Row 4 shares row 0's photo: cluster 0 is out, cluster 1 is under the level.
  assert.equal(attachAlone(x, labels, 0.8, [0, 1, 2, 3, 0]).moved, 0);
  assert.deepEqual(Array.from(attachAlone(x, labels, 0.65, [0, 1, 2, 3, 0]).labels), [0, 0, 1, 1, 1]);
});
