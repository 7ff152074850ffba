import assert from "node:assert/strict";
import clustering from "density-clustering";
import { seededRandom } from "../util/random.ts";
import { dbscan } from "./dbscan.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { radiusGraph } from "../graph/sparse.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";

const data = syntheticClusters({ n: 260, dim: 32, clusters: 6, spread: 0.7, noiseShare: 0.15, seed: 21 });
const rows = Array.from(
  { length: data.x.rows },
  (_, i) => Array.from(data.x.data.subarray(i * 32, i * 32 + 32)),
);
const cosine = (a: number[], b: number[]) => 1 - a.reduce((s, v, c) => s + v * b[c], 0);

Deno.test("radiusGraph from a small k-NN graph equals brute-force pairs within eps", async () => {
  const g = knnBruteForce(data.x, 4); // small k: many rows are saturated
  for (const eps of [0.3, 0.6]) {
    const r = await radiusGraph(data.x, g, eps);
    const viaOnnx = await radiusGraph(data.x, g, eps, { onnxAboveFlops: 0 });
    assert.deepEqual(viaOnnx.offsets, r.offsets, "onnxruntime path finds the same pairs");
    assert.deepEqual(viaOnnx.targets, r.targets);
    let expected = 0, found = 0;
    for (let i = 0; i < data.x.rows; i++) {
      const mine = new Set(r.targets.subarray(r.offsets[i], r.offsets[i + 1]));
      for (let j = 0; j < data.x.rows; j++) {
        if (j === i) continue;
        const within = cosine(rows[i], rows[j]) <= eps;
        if (within) expected++;
        if (within !== mine.has(j)) assert.fail(`eps ${eps}: pair ${i},${j} within=${within}`);
        if (mine.has(j)) found++;
      }
    }
    assert.equal(found, expected);
    assert.ok(expected > 0);
  }
});

Deno.test("dbscan over a k-NN graph matches density-clustering's DBSCAN (up to border rows)", async () => {
  for (const [eps, minSamples, k] of [[0.4, 4, 3], [0.5, 5, 8], [0.3, 2, 64]]) {
    // A deliberately small graph (k < minSamples for the first case is raised internally).
    const graph = knnBruteForce(data.x, k);
    const mine = (await dbscan.run({ x: data.x, graph }, { eps, minSamples, neighbours: k }, {
      random: seededRandom(1),
    })).labels;
    const ref = new clustering.DBSCAN().run(rows, eps, minSamples, cosine) as number[][];
    const refLabel = new Int32Array(data.x.rows).fill(-1);
    ref.forEach((members, c) => members.forEach((i) => refLabel[i] = c));
    // Same noise; same partition of core rows; border rows in a cluster they touch.
    const isCore = (i: number) => rows.filter((r) => cosine(rows[i], r) < eps).length >= minSamples;
    const map = new Map<number, number>();
    let cores = 0;
    for (let i = 0; i < data.x.rows; i++) {
      assert.equal(mine[i] < 0, refLabel[i] < 0, `row ${i} noise status (eps ${eps})`);
      if (!isCore(i)) continue;
      cores++;
      const m = map.get(mine[i]);
      if (m === undefined) map.set(mine[i], refLabel[i]);
      else assert.equal(m, refLabel[i], `core row ${i} cluster`);
    }
    assert.equal(new Set(map.values()).size, map.size, "core partitions are one-to-one");
    assert.ok(cores > 20 && map.size > 1, `case eps=${eps}: ${cores} cores, ${map.size} clusters`);
  }
});
