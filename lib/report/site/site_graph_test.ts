import assert from "node:assert/strict";
import { syntheticClusters } from "../../graph/_testing/synthetic.ts";
import { knnBruteForce } from "../../graph/knn.ts";
import { saveRunGraph } from "../../run/saved_graph.ts";
import { loadRunGraph, siteGraph } from "./site_graph.ts";

const { x } = syntheticClusters({ n: 800, dim: 16, clusters: 40, spread: 0.5, seed: 5 });

Deno.test("siteGraph: the run's graph is used as it is (its first k neighbours), nothing computed", async () => {
  const run = knnBruteForce(x, 30);
  const lines: string[] = [];
  const got = await siteGraph(x, 10, { given: run, log: (l) => lines.push(l), exactMaxRows: 0 });
  assert.equal(got.source, "run");
  assert.equal(got.graph.k, 10);
  for (let i = 0; i < x.rows; i += 53) {
    assert.deepEqual(
      got.graph.indices.subarray(i * 10, i * 10 + 10),
      run.indices.subarray(i * 30, i * 30 + 10),
    );
  }
  assert.equal(lines.length, 0);
  // A graph of other rows or with too few neighbours is not used, and the log says why.
  const other = await siteGraph(x, 40, { given: run, log: (l) => lines.push(l) });
  assert.equal(other.source, "brute-force");
  assert.match(lines[0], /does not cover 800 faces with k=40/);
});

Deno.test("siteGraph: past the exact size (lowered here) the IVF graph, never the all-pairs one", async () => {
  const small = await siteGraph(x, 10);
  assert.equal(small.source, "brute-force");
  const past = await siteGraph(x, 10, { exactMaxRows: 500 });
  assert.equal(past.source, "ivf");
  assert.equal(past.graph.n, 800);
  assert.equal(past.graph.k, 10);
  // Approximate but close: most of the exact neighbours are found.
  let hit = 0;
  for (let i = 0; i < x.rows; i++) {
    const exact = new Set(small.graph.indices.subarray(i * 10, i * 10 + 10));
    for (const j of past.graph.indices.subarray(i * 10, i * 10 + 10)) if (exact.has(j)) hit++;
  }
  assert.ok(hit / (x.rows * 10) > 0.8, `recall ${hit / (x.rows * 10)}`);
});

Deno.test("loadRunGraph: the graph deno task run saved (<run>/knn/), none when absent, a damaged one reported and skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await loadRunGraph(dir), undefined);
    const g = knnBruteForce(x, 5);
    const rows = Array.from({ length: x.rows }, (_, i) => `photo${i}#0`);
    const key = { store: "test", dim: x.cols, adapter: null, k: 5, approximate: false };
    await saveRunGraph(dir, { key, rows, graph: g });
    assert.deepEqual(await loadRunGraph(dir), g);
    const faces = rows.map((_, i) => ({ imageId: `photo${i}`, face: 0 }));
    assert.deepEqual(await loadRunGraph(dir, () => {}, faces), g);
    const other: string[] = [];
    assert.equal(await loadRunGraph(dir, (l) => other.push(l), [...faces].reverse()), undefined);
    assert.match(other[0], /rows differ/);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/knn/manifest.json`));
    const file = `${dir}/knn/${manifest.files.graph.name}`;
    const bytes = await Deno.readFile(file);
    bytes[bytes.length - 1] ^= 0xff;
    await Deno.writeFile(file, bytes);
    const lines: string[] = [];
    assert.equal(await loadRunGraph(dir, (l) => lines.push(l)), undefined);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].includes(manifest.files.graph.name), lines[0]);
    assert.match(lines[0], /damaged/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
