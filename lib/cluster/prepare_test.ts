import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { seededRandom } from "../util/random.ts";
import { inputNeeds, prepareInputs } from "./prepare.ts";
import { getClusterer, runClusterer } from "./registry.ts";

const data = syntheticClusters({ n: 200, dim: 16, clusters: 6, spread: 0.6, seed: 7 });
const runs = [
  { method: "chinese-whispers", params: { neighbours: 12, threshold: 0.5 } },
  { method: "dbscan", params: { eps: 0.4, minSamples: 30, neighbours: 8 } },
  { method: "graph-agglomerative", params: { neighbours: 10, threshold: 0.5, rerank: 20 } },
  { method: "kmeans", params: { k: 6 } },
];

Deno.test("inputNeeds: the largest k any run reads (method's own or re-ranking's k1), and whether distances are needed", () => {
  assert.deepEqual(inputNeeds(runs), { k: 29, distances: false });
  assert.deepEqual(inputNeeds([...runs, { method: "agglomerative", params: {} }]), {
    k: 29,
    distances: true,
  });
  assert.deepEqual(inputNeeds([{ method: "kmeans", params: {} }]), { k: 0, distances: false });
  assert.throws(() => inputNeeds([{ method: "nope", params: {} }]), /unknown clustering method "nope"/);
  assert.throws(() => inputNeeds([{ method: "dbscan", params: { eps: -1 } }]), /"eps"/);
});

Deno.test("prepareInputs computes the graph and distances once; runs on them equal runs that compute their own", async () => {
  const lines: string[] = [];
  const all = [...runs, { method: "agglomerative", params: { threshold: 0.5 } }];
  const prepared = await prepareInputs(data.x, all, { log: (l) => lines.push(l) });
  assert.equal(prepared.graph?.k, 29);
  assert.equal(prepared.distances?.n, 200);
  assert.equal(lines.length, 2);
  for (const r of all) {
    const c = getClusterer(r.method);
    const a = await runClusterer(c, { x: data.x, ...prepared }, r.params, { random: seededRandom(1) });
    const b = await runClusterer(c, { x: data.x }, r.params, { random: seededRandom(1) });
    assert.equal(a.labels.length, 200);
    // The prepared graph is onnxruntime's, the brute-force one JavaScript's: same neighbours here.
    assert.deepEqual(a.labels, b.labels, r.method);
  }
  const none = await prepareInputs(data.x, [{ method: "kmeans", params: { k: 3 } }]);
  assert.deepEqual(none, {});
  // What is at hand and suffices is kept; a graph too small is replaced.
  const again = await prepareInputs(data.x, all, { have: prepared });
  assert.equal(again.graph, prepared.graph);
  assert.equal(again.distances, prepared.distances);
  const small = await prepareInputs(data.x, all, { have: { graph: knnBruteForce(data.x, 5) } });
  assert.equal(small.graph?.k, 29);
});
