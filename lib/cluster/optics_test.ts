import assert from "node:assert/strict";
import { seededRandom } from "../util/random.ts";
import { dbscan } from "./dbscan.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { optics } from "./optics.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";

Deno.test("optics with DBSCAN-style extraction gives DBSCAN's clusters on core rows", async () => {
  const { x } = syntheticClusters({
    n: 300,
    dim: 32,
    clusters: 8,
    spread: 0.8,
    jitter: 0.3,
    noiseShare: 0.1,
    seed: 12,
  });
  const graph = knnBruteForce(x, 6); // small graph: the radius graph must fill in the rest
  const ctx = { random: seededRandom(1) };
  for (const [eps, minSamples] of [[0.35, 3], [0.45, 5]]) {
    const o = (await optics.run({ x, graph }, { minSamples, maxEps: 0.6, eps, neighbours: 6 }, ctx)).labels;
    const d = (await dbscan.run({ x, graph }, { eps, minSamples, neighbours: 6 }, ctx)).labels;
    // Core rows: at least minSamples rows (incl. self) within eps.
    const core = (i: number) => {
      let c = 0;
      for (let j = 0; j < x.rows; j++) {
        let s = 0;
        for (let k = 0; k < 32; k++) s += x.data[i * 32 + k] * x.data[j * 32 + k];
        if (1 - s <= eps) c++;
      }
      return c >= minSamples;
    };
    const map = new Map<number, number>();
    let cores = 0;
    for (let i = 0; i < x.rows; i++) {
      if (!core(i)) continue;
      cores++;
      assert.ok(o[i] >= 0 && d[i] >= 0, `core row ${i} is clustered`);
      const m = map.get(o[i]);
      if (m === undefined) map.set(o[i], d[i]);
      else assert.equal(m, d[i], `core row ${i}`);
    }
    assert.equal(new Set(map.values()).size, map.size);
    assert.ok(cores > 50 && map.size > 2, `${cores} cores in ${map.size} clusters`);
  }
});

Deno.test("optics rejects eps above maxEps, naming both", async () => {
  const { x } = syntheticClusters({ n: 10, dim: 4, clusters: 2, seed: 1 });
  await assert.rejects(
    () =>
      optics.run({ x }, { minSamples: 2, maxEps: 0.3, eps: 0.5, neighbours: 4 }, { random: seededRandom(1) }),
    /"eps".*"maxEps"/,
  );
});
