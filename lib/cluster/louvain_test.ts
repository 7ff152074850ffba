import assert from "node:assert/strict";
import { ari } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { louvain } from "./louvain.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";

const { x, truth } = syntheticClusters({ n: 300, dim: 32, clusters: 10, spread: 0.8, jitter: 0.2, seed: 14 });
const ctx = { random: seededRandom(2) };
const base = { threshold: 0.2, neighbours: 40, levels: 10 };

Deno.test("louvain (CPM): resolution is a similarity density; recovers clusters in between", async () => {
  const mid = (await louvain.run({ x }, { ...base, quality: "cpm", resolution: 0.3 }, ctx)).labels;
  assert.ok(ari(truth, mid) > 0.95, `ARI ${ari(truth, mid)}`);
  // Above every similarity: nobody gains by joining anyone.
  const high = (await louvain.run({ x }, { ...base, quality: "cpm", resolution: 1.01 }, ctx)).labels;
  assert.equal(new Set(high).size, x.rows);
  // Near zero: whole connected components.
  const low = (await louvain.run({ x }, { ...base, quality: "cpm", resolution: 1e-6 }, ctx)).labels;
  assert.ok(new Set(low).size < new Set(mid).size);
});

Deno.test("louvain (modularity): communities are connected and recover clusters", async () => {
  const l =
    (await louvain.run({ x }, { ...base, threshold: 0.4, quality: "modularity", resolution: 1 }, ctx)).labels;
  assert.ok(ari(truth, l) > 0.9, `ARI ${ari(truth, l)}`);
});
