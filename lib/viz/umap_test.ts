import assert from "node:assert/strict";
import { knnBruteForce } from "../graph/knn.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { seededRandom } from "../util/random.ts";
import { placeFromGraph, umapLayout, umapNeighbours } from "./umap.ts";

Deno.test("umapNeighbours puts each point first at distance 0, then its neighbours by cosine distance", () => {
  const { x } = syntheticClusters({ n: 30, dim: 8, clusters: 3, seed: 1 });
  const g = knnBruteForce(x, 5);
  const { indices, distances } = umapNeighbours(g, 4);
  assert.equal(indices.length, 30);
  for (let i = 0; i < 30; i++) {
    assert.equal(indices[i].length, 5);
    assert.equal(indices[i][0], i);
    assert.equal(distances[i][0], 0);
    assert.equal(indices[i][1], g.indices[i * 5]);
    assert.ok(Math.abs(distances[i][1] - (1 - g.sims[i * 5])) < 1e-6);
    for (let j = 2; j < 5; j++) assert.ok(distances[i][j] >= distances[i][j - 1] - 1e-6);
  }
  assert.throws(() => umapNeighbours(g, 6), RangeError);
});

/** How many points' nearest point in the layout `xy` has their true cluster. */
function nearestAgree(xy: ArrayLike<number>, n: number, truth: ArrayLike<number>): number {
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let best = -1, bd = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2;
      if (d < bd) [bd, best] = [d, j];
    }
    if (truth[best] === truth[i]) agree++;
  }
  return agree;
}

Deno.test("umapLayout is seeded and keeps well separated clusters apart", async () => {
  const { x, truth } = syntheticClusters({ n: 240, dim: 16, clusters: 4, spread: 0.4, sizeSkew: 0, seed: 3 });
  const g = knnBruteForce(x, 10);
  const a = await umapLayout(x, { knn: g, nNeighbors: 10, seed: 5, nEpochs: 120 });
  const b = await umapLayout(x, { knn: g, nNeighbors: 10, seed: 5, nEpochs: 120 });
  const c = await umapLayout(x, { knn: g, nNeighbors: 10, seed: 6, nEpochs: 120 });
  assert.deepEqual(a.xy, b.xy);
  assert.notDeepEqual(a.xy, c.xy);
  assert.ok(a.xy.every(Number.isFinite));
  // Each point's nearest point in the layout has the same true cluster.
  const agree = nearestAgree(a.xy, a.n, truth);
  assert.ok(agree / a.n > 0.95, `only ${agree} of ${a.n} nearest points agree`);
});

Deno.test("umapLayout lays tiny inputs on a line", async () => {
  const { x } = syntheticClusters({ n: 3, dim: 4, clusters: 1, seed: 1 });
  const l = await umapLayout(x);
  assert.deepEqual(Array.from(l.xy), [0, 0, 1, 0, 2, 0]);
});

Deno.test("umapLayout past maxRows: a sample through umap-js, the rest placed from the graph, clusters kept apart", async () => {
  const { x, truth } = syntheticClusters({ n: 900, dim: 16, clusters: 4, spread: 0.4, sizeSkew: 0, seed: 3 });
  const g = knnBruteForce(x, 10);
  const a = await umapLayout(x, { knn: g, nNeighbors: 10, seed: 5, nEpochs: 80, maxRows: 200 });
  const b = await umapLayout(x, { knn: g, nNeighbors: 10, seed: 5, nEpochs: 80, maxRows: 200 });
  assert.equal(a.n, 900);
  assert.deepEqual(a.xy, b.xy);
  assert.ok(a.xy.every(Number.isFinite));
  const agree = nearestAgree(a.xy, a.n, truth);
  assert.ok(agree / a.n > 0.95, `only ${agree} of ${a.n} nearest points agree`);
});

Deno.test("placeFromGraph: weighted mean of placed neighbours, outward in rounds, unreachable rows near a placed one", () => {
  // 0 placed at (0,0), 1 at (10,0); 2 links to both; 3 links only to 2; 4 links to nothing.
  const g = {
    n: 5,
    k: 2,
    indices: Int32Array.from([1, -1, 0, -1, 0, 1, 2, -1, -1, -1]),
    sims: Float32Array.from([0.5, -Infinity, 0.5, -Infinity, 0.9, 0.3, 0.8, -Infinity, -Infinity, -Infinity]),
  };
  const xy = new Float32Array(10);
  xy[2] = 10;
  const placed = Uint8Array.from([1, 1, 0, 0, 0]);
  const rounds = placeFromGraph(g, xy, placed, seededRandom(1));
  assert.equal(rounds, 3);
  assert.ok(Math.abs(xy[4] - 2.5) < 0.1 && Math.abs(xy[5]) < 0.1, `row 2 at ${xy[4]},${xy[5]}`);
  assert.ok(Math.abs(xy[6] - xy[4]) < 0.1);
  assert.ok(placed.every((p) => p === 1));
  assert.ok(Math.min(...[0, 1, 2, 3].map((r) => Math.abs(xy[8] - xy[2 * r]))) < 1);
});
