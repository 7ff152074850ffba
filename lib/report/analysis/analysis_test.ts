import assert from "node:assert/strict";
import { knnBruteForce } from "../../graph/knn.ts";
import { syntheticClusters } from "../../graph/_testing/synthetic.ts";
import type { Matrix } from "../../matrix.ts";
import {
  centreOf,
  clusterInfos,
  median,
  mergeSuspects,
  nearestClusters,
  orderByCentre,
  splitSuspects,
  twoMeans,
} from "./analysis.ts";

function unitRows(rows: number[][]): Matrix {
  const cols = rows[0].length;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    const n = Math.hypot(...r);
    r.forEach((v, j) => (data[i * cols + j] = v / n));
  });
  return { data, rows: rows.length, cols };
}

Deno.test("faces are ordered from most to least typical, the outlier last", () => {
  const x = unitRows([[1, 0.1, 0], [1, 0, 0], [0.2, 1, 0], [1, 0.05, 0.02]]);
  const c = centreOf(x, [0, 1, 2, 3]);
  assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-6);
  const { rows, sims } = orderByCentre(x, [0, 1, 2, 3], c);
  assert.equal(rows[3], 2);
  for (let i = 1; i < 4; i++) assert.ok(sims[i] <= sims[i - 1]);
});

Deno.test("clusterInfos: largest first, majority person and the faces of other people", () => {
  const x = unitRows([[1, 0], [1, 0.1], [0.9, 0.2], [0, 1], [0.1, 1], [1, 0.05]]);
  const clusters = Int32Array.from([0, 0, 0, 1, 1, -1]);
  const truth = Int32Array.from([5, 5, 7, 2, 2, 5]);
  const infos = clusterInfos(x, clusters, truth);
  assert.deepEqual(infos.map((c) => c.id), [0, 1]);
  assert.deepEqual(infos[0].majority, { label: 5, count: 2 });
  const foreignRows = Array.from(infos[0].rows).filter((_, i) => infos[0].foreign![i]);
  assert.deepEqual(foreignRows, [2]);
  assert.deepEqual(Array.from(infos[1].foreign!), [0, 0]);
  assert.equal(clusterInfos(x, clusters)[0].majority, undefined);
});

Deno.test("twoMeans separates two groups; mergeSuspects ranks the merged cluster first", () => {
  const { x, truth } = syntheticClusters({ n: 160, dim: 16, clusters: 8, spread: 0.5, sizeSkew: 0, seed: 4 });
  // Clusters as the truth, but people 0 and 1 merged into one cluster.
  const clusters = Int32Array.from(truth, (t) => (t === 1 ? 0 : t));
  const infos = clusterInfos(x, clusters, truth);
  const merged = infos.find((c) => c.id === 0)!;
  const side = twoMeans(x, merged.rows, merged.centre);
  const sides = new Map<number, Set<number>>();
  merged.rows.forEach((r, i) =>
    (sides.get(truth[r]) ?? sides.set(truth[r], new Set()).get(truth[r])!).add(side[i])
  );
  assert.equal(sides.get(0)!.size, 1);
  assert.equal(sides.get(1)!.size, 1);
  assert.notDeepEqual([...sides.get(0)!], [...sides.get(1)!]);
  const suspects = mergeSuspects(x, infos);
  assert.equal(suspects[0].cluster, 0);
  assert.ok(suspects[0].likely);
  assert.equal(suspects.filter((s) => s.likely).length, 1);
  assert.equal(suspects[0].groups[0].length + suspects[0].groups[1].length, merged.rows.length);
  for (let i = 1; i < suspects.length; i++) assert.ok(suspects[i].gap <= suspects[i - 1].gap);
  assert.deepEqual(mergeSuspects(x, infos, { minSize: 1000 }), []);
});

Deno.test("splitSuspects ranks the two halves of one person first", async () => {
  const { x, truth } = syntheticClusters({ n: 160, dim: 16, clusters: 8, spread: 0.5, sizeSkew: 0, seed: 5 });
  let flip = false;
  const clusters = Int32Array.from(truth, (t) => (t === 3 && (flip = !flip) ? 99 : t));
  const infos = clusterInfos(x, clusters, truth);
  const splits = await splitSuspects(infos, { top: 5 });
  assert.deepEqual([splits[0].a, splits[0].b].sort((a, b) => a - b), [3, 99]);
  assert.ok(splits[0].likely);
  assert.ok(!splits[1].likely);
  assert.ok(splits.length <= 5);
  assert.deepEqual(await splitSuspects(infos.slice(0, 1)), []);
});

Deno.test("nearestClusters: each unassigned face with its nearest assigned neighbour's cluster", () => {
  const x = unitRows([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 0.3], [0.3, 1], [-1, -0.1]]);
  const clusters = Int32Array.from([0, 0, 1, 1, -1, -1, -1]);
  const out = nearestClusters(knnBruteForce(x, 6), clusters);
  assert.deepEqual(out.map((u) => u.row).sort(), [4, 5, 6]);
  const byRow = new Map(out.map((u) => [u.row, u]));
  assert.equal(byRow.get(4)!.cluster, 0);
  assert.equal(byRow.get(5)!.cluster, 1);
  for (let i = 1; i < out.length; i++) assert.ok(!(out[i].sim > out[i - 1].sim));
  // Without assigned neighbours in the graph, no cluster.
  const none = nearestClusters(knnBruteForce(x, 1), Int32Array.from([0, -1, -1, -1, -1, -1, -1]));
  assert.ok(none.some((u) => u.cluster === -1 && Number.isNaN(u.sim)));
});

Deno.test("median", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
