import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { knnGraph } from "../graph/knn.ts";
import { knnRecall } from "../graph/knn_approx.ts";
import type { Matrix } from "../matrix.ts";
import { growIvf, ivfGraph, type IvfTimings, recallAbove } from "./knn_ivf.ts";
import { loadIvf, saveIvf } from "./ivf_file.ts";
import { loadGraph, saveGraph } from "./incremental.ts";

const all = syntheticClusters({ n: 4040, dim: 48, clusters: 300, spread: 0.8, sizeSkew: 1, seed: 4 }).x;
const old: Matrix = { data: all.data.subarray(0, 4000 * 48), rows: 4000, cols: 48 };

Deno.test("ivfGraph: most exact neighbours, sorted, no self; seeded", async () => {
  const timings: IvfTimings = {};
  const { graph, index } = await ivfGraph(old, 10, { timings });
  assert.equal(index.cells, 126); // 2 sqrt(n)
  assert.ok(timings.search!.seconds >= 0 && timings.candidates! > 0);
  assert.ok(timings.candidates! < 4000 * 4000 / 4, `${timings.candidates} pairs scored`);
  const exact = await knnGraph(old, 10);
  const r = knnRecall(exact, graph), close = recallAbove(exact, graph, 0.5);
  assert.ok(r > 0.6, `recall ${r}`);
  assert.ok(close > 0.9, `recall of the edges >= 0.5: ${close}`);
  for (let i = 0; i < graph.n; i++) {
    for (let t = 0; t < graph.k; t++) {
      assert.notEqual(graph.indices[i * 10 + t], i);
      if (t > 0) assert.ok(graph.sims[i * 10 + t] <= graph.sims[i * 10 + t - 1]);
    }
  }
  assert.deepEqual((await ivfGraph(old, 10)).graph.indices, graph.indices);
  // One probe (its own cell only), or rows listed in one cell only, find fewer.
  assert.ok(knnRecall(exact, (await ivfGraph(old, 10, { probes: 1 })).graph) < r);
  assert.ok(knnRecall(exact, (await ivfGraph(old, 10, { spill: 1 })).graph) < r);
});

Deno.test("growIvf: 1% new faces, as good as a rebuild, in proportion to the new faces; the old graph untouched", async () => {
  const timings: IvfTimings = {};
  const { graph, index } = await ivfGraph(old, 10, { timings });
  const before = graph.indices.slice();
  const grown = await growIvf(graph, all, index);
  assert.deepEqual(graph.indices, before);
  assert.equal(index.cellOf.length, 4040);
  const exact = await knnGraph(all, 10);
  const rebuilt = await ivfGraph(all, 10);
  const rg = knnRecall(exact, grown.graph), rr = knnRecall(exact, rebuilt.graph);
  assert.ok(rg > rr - 0.02, `grown ${rg}, rebuilt ${rr}`);
  assert.ok(recallAbove(exact, grown.graph, 0.5) > recallAbove(exact, rebuilt.graph, 0.5) - 0.01);
  // The new rows themselves, and the old rows whose exact neighbours include new ones.
  const part = (rows: number[]) => {
    let hit = 0, all = 0;
    for (const i of rows) {
      const got = new Set(grown.graph.indices.subarray(i * 10, i * 10 + 10));
      for (let t = 0; t < 10; t++) {
        const j = exact.indices[i * 10 + t];
        if (i < 4000 && j < 4000) continue; // old-old edges: the old graph's
        all++;
        if (got.has(j)) hit++;
      }
    }
    return hit / all;
  };
  const fresh = Array.from({ length: 40 }, (_, t) => 4000 + t),
    olds = Array.from({ length: 4000 }, (_, i) => i);
  assert.ok(part(fresh) > 0.85, `recall of the new rows ${part(fresh)}`);
  assert.ok(part(olds) > 0.85, `recall of the old rows' new neighbours ${part(olds)}`);
  assert.ok(grown.changedOldRows > 0);
  // Work: the pairs scored for 40 new rows are a few % of the build's (1% of the rows: about 1%).
  assert.ok(
    grown.scored! > 0 && grown.scored! < 0.03 * timings.candidates!,
    `${grown.scored} vs ${timings.candidates}`,
  );
  await assert.rejects(growIvf(graph, all, index), /index has 4040 rows/);
});

Deno.test("saveIvf/loadIvf: the saved cells and graph grow as the live ones do; a bad file is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { graph, index } = await ivfGraph(old, 10);
    await saveIvf(`${dir}/cells.bin`, index);
    await saveGraph(`${dir}/knn.bin`, graph);
    const back = await loadIvf(`${dir}/cells.bin`);
    assert.deepEqual(back, index);
    const a = await growIvf(await loadGraph(`${dir}/knn.bin`), all, back);
    const b = await growIvf(graph, all, index);
    assert.deepEqual(a.graph, b.graph);
    const bytes = await Deno.readFile(`${dir}/cells.bin`);
    await Deno.writeFile(`${dir}/short.bin`, bytes.subarray(0, bytes.length - 4));
    await assert.rejects(loadIvf(`${dir}/short.bin`), /short\.bin: \d+ bytes, expected/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
