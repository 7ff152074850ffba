import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { type KnnGraph, knnGraph } from "../graph/knn.ts";
import { knnRecall } from "../graph/knn_approx.ts";
import type { Matrix } from "../matrix.ts";
import {
  approxGraph,
  growApprox,
  growExact,
  loadGraph,
  loadIndex,
  saveGraph,
  saveIndex,
} from "./incremental.ts";

const all = syntheticClusters({ n: 2020, dim: 48, clusters: 120, spread: 0.8, seed: 11 }).x;
const first = (m: Matrix, rows: number): Matrix => ({
  data: m.data.subarray(0, rows * m.cols),
  rows,
  cols: m.cols,
});
const old = first(all, 2000); // 1% new faces on top

function sameNeighbours(a: KnnGraph, b: KnnGraph): number {
  let same = 0;
  for (let i = 0; i < a.n; i++) {
    const s = new Set(a.indices.subarray(i * a.k, (i + 1) * a.k));
    for (let t = 0; t < b.k; t++) if (s.has(b.indices[i * b.k + t])) same++;
  }
  return same / (a.n * a.k);
}

Deno.test("growExact: adding 1% of faces gives the rebuilt exact graph", async () => {
  const g0 = await knnGraph(old, 10);
  const { graph, changedOldRows } = await growExact(g0, all);
  const rebuilt = await knnGraph(all, 10);
  assert.equal(graph.n, 2020);
  assert.equal(sameNeighbours(rebuilt, graph), 1);
  for (let i = 0; i < graph.sims.length; i++) assert.ok(Math.abs(graph.sims[i] - rebuilt.sims[i]) < 1e-5);
  assert.ok(changedOldRows > 0 && changedOldRows < 2000, `${changedOldRows} old rows changed`);
  // The old graph is left as it was.
  assert.equal(g0.n, 2000);
});

Deno.test("growApprox: the grown graph is as good as a rebuilt approximate one", async () => {
  const { graph: g0, index } = approxGraph(old, 10, { quantization: "f32" });
  const grown = growApprox(g0, all, index);
  assert.equal(index.index.size(), 2020);
  const exact = await knnGraph(all, 10);
  const rebuilt = approxGraph(all, 10, { quantization: "f32" }).graph;
  const rGrown = knnRecall(exact, grown.graph), rRebuilt = knnRecall(exact, rebuilt);
  assert.ok(rGrown > 0.95, `recall of the grown graph ${rGrown}`);
  assert.ok(rGrown > rRebuilt - 0.01, `grown ${rGrown} vs rebuilt ${rRebuilt}`);
  assert.throws(() => growApprox(g0, all, index), /index holds 2020 rows/);
});

Deno.test("saveGraph/loadGraph and saveIndex/loadIndex round-trip; a bad file is refused naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { graph, index } = approxGraph(old, 8);
    await saveGraph(`${dir}/knn.bin`, graph);
    assert.deepEqual(await loadGraph(`${dir}/knn.bin`), graph);
    await saveIndex(`${dir}/knn.usearch`, index);
    const back = await loadIndex(`${dir}/knn.usearch`);
    assert.equal(back.index.size(), 2000);
    const grown = growApprox(graph, all, back);
    assert.ok(knnRecall(await knnGraph(all, 8), grown.graph) > 0.9);
    await Deno.writeFile(`${dir}/bad.bin`, new Uint8Array(12));
    await assert.rejects(loadGraph(`${dir}/bad.bin`), /bad\.bin: 12 bytes/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
