import assert from "node:assert/strict";
import { knnBruteForce } from "../graph/knn.ts";
import { type Matrix, matrix, normalizeRows } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";
import { getClusterer, runClusterer } from "./registry.ts";
import { pullGraph, pullVectors, refine, rescoreGraph } from "./refine_pull.ts";

/** Rows as a matrix, each L2-normalised. */
/** Unit rows from plain numbers. */
const unitRows = (rows: number[][]): Matrix =>
  normalizeRows(matrix(new Float32Array(rows.flat()), rows.length, rows[0].length));

const dot = (x: Matrix, i: number, j: number) => {
  let s = 0;
  for (let c = 0; c < x.cols; c++) s += x.data[i * x.cols + c] * x.data[j * x.cols + c];
  return s;
};

// a1 and a2: two photos of one person at similarity 0.6; a3: a hard photo of that person at 0.48
// to each (below the threshold 0.5); b1, b2: another person, far away.
const c = Math.sqrt(0.8), s = Math.sqrt(0.2), a3x = 0.48 / c;
const X = unitRows([
  [c, s, 0, 0, 0],
  [c, -s, 0, 0, 0],
  [a3x, 0, Math.sqrt(1 - a3x * a3x), 0, 0],
  [0, 0, 0, 1, 0.1],
  [0, 0, 0, 1, -0.1],
]);

async function cw(x: Matrix, graph: ReturnType<typeof knnBruteForce>, cannotLink?: Int32Array) {
  const { labels } = await runClusterer(
    getClusterer("chinese-whispers"),
    { x, graph, cannotLink },
    { neighbours: 4, threshold: 0.5, iterations: 20, weighting: "sim" },
    { random: seededRandom(1) },
  );
  return labels;
}

Deno.test("pullVectors: a face moves to its clearly close nearest neighbour, others stay", () => {
  const g = knnBruteForce(X, 4);
  const input = Float32Array.from(X.data);
  const { x, pulled } = pullVectors(X, g, 0.55);
  assert.equal(pulled, 4); // a1, a2 (0.6) and b1, b2 (0.98); a3's nearest is at 0.48
  // (a1 + 0.6·a2)·(a2 + 0.6·a1) / 2.08 = 2.016 / 2.08: the pair moves together
  assert.ok(Math.abs(dot(x, 0, 1) - 2.016 / 2.08) < 1e-5, "a1 and a2 move towards each other");
  for (let c = 0; c < X.cols; c++) assert.equal(x.data[2 * X.cols + c], X.data[2 * X.cols + c]);
  for (let i = 0; i < x.rows; i++) assert.ok(Math.abs(dot(x, i, i) - 1) < 1e-6, `row ${i} stays unit`);
  // the hard photo is now above the threshold to the pair's average: 0.48·1.6/|a1 + 0.6·a2| = 0.5325
  assert.ok(Math.abs(dot(x, 0, 2) - 0.48 * 1.6 / Math.sqrt(2.08)) < 1e-5);
  assert.deepEqual(X.data, input, "the input is not changed");
});

Deno.test("pullVectors: not across labels, not across cannot-link pairs, not below the bar", () => {
  const g = knnBruteForce(X, 4);
  assert.equal(pullVectors(X, g, 0.55, { labels: Int32Array.from([0, 1, 2, 3, 3]) }).pulled, 2);
  assert.equal(pullVectors(X, g, 0.55, { labels: Int32Array.from([0, 0, 1, -1, -1]) }).pulled, 2);
  assert.equal(pullVectors(X, g, 0.55, { cannotLink: Int32Array.from([0, 1]) }).pulled, 2);
  assert.equal(pullVectors(X, g, 0.99).pulled, 0);
  assert.throws(() => pullVectors(X, knnBruteForce(unitRows([[1, 0], [0, 1]]), 1), 0.5), /graph has 2 rows/);
});

Deno.test("rescoreGraph: same candidates, similarities of the new vectors, most similar first", () => {
  const g = knnBruteForce(X, 3);
  const { x } = pullVectors(X, g, 0.55);
  const r = rescoreGraph(x, g);
  for (let i = 0; i < X.rows; i++) {
    const row = (h: typeof g) => [...h.indices.subarray(i * 3, i * 3 + 3)].sort();
    assert.deepEqual(row(r), row(g));
    for (let t = 0; t < 3; t++) {
      assert.ok(Math.abs(r.sims[i * 3 + t] - dot(x, i, r.indices[i * 3 + t])) < 1e-6);
      if (t > 0) assert.ok(r.sims[i * 3 + t] <= r.sims[i * 3 + t - 1]);
    }
  }
  // missing entries stay last
  const holes = { ...g, indices: Int32Array.from(g.indices), sims: Float32Array.from(g.sims) };
  holes.indices[0] = -1;
  const h = rescoreGraph(x, holes);
  assert.equal(h.indices[2], -1);
  assert.equal(h.sims[2], -Infinity);
});

Deno.test("refine: the hard photo joins its person after the pull, the other person stays apart", async () => {
  const g = knnBruteForce(X, 4);
  const before = await cw(X, g);
  assert.notEqual(before[2], before[0], "Chinese whispers alone leaves the hard photo out");
  const after = await refine(X, before, g, { threshold: 0.5 });
  assert.equal(after[0], after[1]);
  assert.equal(after[2], after[0]);
  assert.equal(after[3], after[4]);
  assert.notEqual(after[3], after[0]);
  // a cannot-link pair stays apart
  const kept = await refine(X, before, g, { threshold: 0.5, cannotLink: Int32Array.from([2, 0]) });
  assert.notEqual(kept[2], kept[0]);
  assert.deepEqual(
    await refine({ rows: 0, cols: 5, data: new Float32Array(0) }, new Int32Array(0), {
      n: 0,
      k: 0,
      indices: new Int32Array(0),
      sims: new Float32Array(0),
    }, { threshold: 0.5 }),
    new Int32Array(0),
  );
  await assert.rejects(() => refine(X, new Int32Array(2), g, { threshold: 0.5 }), /2 labels for 5 rows/);
});

Deno.test("pullGraph: Chinese whispers on the pulled graph joins the hard photo; cold refine too", async () => {
  const g = knnBruteForce(X, 4);
  const labels = await cw(X, pullGraph(X, g, 0.55));
  assert.equal(labels[2], labels[0]);
  assert.notEqual(labels[3], labels[0]);
  const apart = await cw(X, pullGraph(X, g, 0.55, Int32Array.from([0, 1, 1, 0])));
  assert.notEqual(apart[2], apart[0], "a cannot-link pair is not pulled together");
  const cold = await refine(X, await cw(X, g), g, { threshold: 0.5, warmStart: false });
  assert.equal(cold[2], cold[0]);
});
