import assert from "node:assert/strict";
import { ari } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { kmeans } from "./kmeans.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";

Deno.test("kmeans: the onnxruntime and JavaScript backends agree", async () => {
  const { x, truth } = syntheticClusters({ n: 400, dim: 24, clusters: 12, spread: 0.8, seed: 8 });
  const base = { k: 12, restarts: 2, maxIter: 50, tol: 1e-4 };
  const js = (await kmeans.run({ x }, { ...base, backend: "js" }, { random: seededRandom(4) })).labels;
  const onnx = (await kmeans.run({ x }, { ...base, backend: "onnx" }, { random: seededRandom(4) })).labels;
  assert.ok(ari(js, onnx) > 0.99, `ARI ${ari(js, onnx)}`);
  assert.ok(ari(truth, onnx) > 0.9);
});

Deno.test("kmeans: k larger than the rows gives one cluster per row", async () => {
  const { x } = syntheticClusters({ n: 5, dim: 4, clusters: 2, seed: 1 });
  const l = (await kmeans.run({ x }, { k: 9, restarts: 1, maxIter: 10, tol: 0, backend: "js" }, {
    random: seededRandom(1),
  }))
    .labels;
  assert.equal(new Set(l).size, 5);
});
