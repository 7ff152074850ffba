import assert from "node:assert/strict";
import { getClusterer, neighboursNeeded, resolveParams, runClusterer } from "./registry.ts";
import { splitRerank } from "./rerank_params.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { externalMetrics } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";

Deno.test("graph methods take rerank parameters; exact agglomerative refuses them", async () => {
  const s = syntheticClusters({ n: 400, dim: 24, clusters: 8, seed: 5, spread: 0.9 });
  const ga = getClusterer("graph-agglomerative");
  const params = { neighbours: 30, threshold: 0.6, rerank: 15 };
  const p = resolveParams(ga, params);
  assert.equal(p.rerank, 15);
  assert.equal(p.rerankK2, 6);
  assert.equal(neighboursNeeded(ga, { neighbours: 10, rerank: 25 }), 25);
  const run = await runClusterer(ga, { x: s.x }, params, { random: seededRandom(1) });
  assert.equal(run.labels.length, 400);
  assert.ok(externalMetrics(s.truth, run.labels).bcubedF1 > 0.5);
  assert.throws(() => resolveParams(getClusterer("agglomerative"), { rerank: 10 }), /graph method/);
  assert.throws(() => resolveParams(ga, { rerank: -1 }), /rerank/);
  assert.deepEqual(splitRerank({ a: 1, rerankK2: 3 }), { rerank: { rerankK2: 3 }, rest: { a: 1 } });
});
