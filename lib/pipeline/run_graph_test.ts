import assert from "node:assert/strict";
import type { Matrix } from "../matrix.ts";
import { type KnnGraph, knnGraph } from "../graph/knn.ts";
import { recallAbove } from "../scale/knn_ivf.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { seededRandom } from "../util/random.ts";
import { loadSavedGraph, SAVED_GRAPH_DIR, SAVED_GRAPH_MANIFEST } from "../run/saved_graph.ts";
import { graphLine, graphNeeds, obtainRunGraph } from "./run_graph.ts";

const KEY = { store: "key-a", dim: 24, adapter: null };

/** `people` people of `each` faces (unit rows around a direction each), photo ids p<row>, one face per photo. */
function people(people: number, each: number, d = 24, seed = 3) {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const n = people * each, data = new Float32Array(n * d);
  for (let p = 0; p < people; p++) {
    const centre = Array.from({ length: d }, gauss);
    for (let f = 0; f < each; f++) {
      const o = (p * each + f) * d;
      let nrm = 0;
      for (let c = 0; c < d; c++) nrm += (data[o + c] = centre[c] + 0.7 * gauss()) ** 2;
      for (let c = 0; c < d; c++) data[o + c] /= Math.sqrt(nrm);
    }
  }
  const faces = Array.from({ length: n }, (_, i) => ({ imageId: `p${i}`, face: 0, path: `p${i}.jpg` }));
  return { x: { data, rows: n, cols: d } as Matrix, faces };
}

/** Rows `rows` of a set, in that order. */
function pick(set: ReturnType<typeof people>, rows: number[]) {
  const d = set.x.cols, data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(set.x.data.subarray(r * d, (r + 1) * d), i * d));
  return { x: { data, rows: rows.length, cols: d }, faces: rows.map((r) => set.faces[r]) };
}

function shuffled(n: number, seed: number): number[] {
  const random = seededRandom(seed), a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Asserts that `g` holds the same neighbour sets (and similarities) as `want`. */
function assertSameGraph(g: KnnGraph, want: KnnGraph) {
  assert.equal(g.n, want.n);
  assert.equal(g.k, want.k);
  for (let i = 0; i < g.n; i++) {
    const a = Array.from(g.indices.subarray(i * g.k, (i + 1) * g.k)).sort((p, q) => p - q);
    const b = Array.from(want.indices.subarray(i * g.k, (i + 1) * g.k)).sort((p, q) => p - q);
    assert.deepEqual(a, b, `row ${i}'s neighbours`);
    for (let t = 0; t < g.k; t++) assert.ok(Math.abs(g.sims[i * g.k + t] - want.sims[i * g.k + t]) < 1e-5);
  }
}

Deno.test("graphNeeds: the choice reads its own k (64, 32 past 50,000 faces); a given method its own k; none for one row or a method without a graph", () => {
  assert.deepEqual(graphNeeds(1000), { k: 64, approximate: false });
  assert.deepEqual(graphNeeds(60_000), { k: 32, approximate: true });
  assert.deepEqual(graphNeeds(40_000), { k: 64, approximate: false });
  assert.equal(graphNeeds(1), undefined);
  assert.equal(graphNeeds(1000, "chinese-whispers", { neighbours: 20 })?.k, 20);
  assert.equal(graphNeeds(1000, "kmeans"), undefined);
});

Deno.test("a saved exact graph grows with the new rows (any order) into the rebuilt graph; same labels", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-rungraph-" });
  try {
    const all = people(30, 10);
    const order = shuffled(300, 5);
    const first = pick(all, order.slice(0, 240));
    const a = await obtainRunGraph(first.x, first.faces, { runDir: dir, key: KEY, k: 64 });
    assert.equal(a.record.how, "built");
    assert.equal(a.record.summary, "built (no saved graph)");
    assertSameGraph(a.graph, await knnGraph(first.x, 64));
    assert.equal(await a.save(), `${dir}/${SAVED_GRAPH_DIR}/${SAVED_GRAPH_MANIFEST}`);

    // The grown folder lists its photos in another order, the new ones among the old.
    const grownRows = shuffled(300, 9).map((i) => order[i]);
    const second = pick(all, grownRows);
    const b = await obtainRunGraph(second.x, second.faces, { runDir: dir, key: KEY, k: 64 });
    assert.equal(b.record.how, "grown");
    assert.equal(b.record.summary, "grown from 240 rows with 60 new");
    assert.equal(b.record.fromRows, 240);
    assert.equal(b.record.newRows, 60);
    assert.ok(b.record.changedOldRows! > 0);
    assert.match(
      graphLine(b.record),
      /^k-NN graph: grown from 240 rows with 60 new \(300 rows, k=64, exact\) in /,
    );
    const rebuilt = await knnGraph(second.x, 64);
    assertSameGraph(b.graph, rebuilt);
    const viaGrown = await clusterFaces(second.x, second.faces, undefined, {}, { graph: b.graph });
    const fresh = await clusterFaces(second.x, second.faces);
    assert.deepEqual(viaGrown.labels, fresh.labels);
    assert.equal(viaGrown.summary, fresh.summary);
    await b.save();

    // Nothing new: grown with 0 new, nothing rewritten.
    const c = await obtainRunGraph(second.x, second.faces, { runDir: dir, key: KEY, k: 64 });
    assert.equal(c.record.summary, "grown from 300 rows with 0 new");
    assertSameGraph(c.graph, rebuilt);
    const manifest = await Deno.readTextFile(`${dir}/knn/manifest.json`);
    assert.equal(await c.save(), `${dir}/knn/manifest.json (unchanged)`);
    assert.equal(await Deno.readTextFile(`${dir}/knn/manifest.json`), manifest);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a set smaller than k (every row listed) grows to a larger k exactly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-rungraph-" });
  try {
    const all = people(8, 5);
    const a = pick(all, Array.from({ length: 20 }, (_, i) => i));
    const g = await obtainRunGraph(a.x, a.faces, { runDir: dir, key: KEY, k: 64 });
    assert.equal(g.graph.k, 19);
    await g.save();
    const b = await obtainRunGraph(all.x, all.faces, { runDir: dir, key: KEY, k: 64 });
    assert.equal(b.record.summary, "grown from 20 rows with 20 new");
    assertSameGraph(b.graph, await knnGraph(all.x, 64));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("never a stale graph: removed faces, another key or k, changed vectors, damaged files all rebuild, saying why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-rungraph-" });
  const all = people(20, 8);
  const opts = { runDir: dir, key: KEY, k: 32 };
  const rebuiltBecause = async (x: Matrix, faces: typeof all.faces, o = opts) => {
    const r = await obtainRunGraph(x, faces, o);
    assert.equal(r.record.how, "rebuilt", r.record.summary);
    assertSameGraph(r.graph, await knnGraph(x, o.k));
    assert.equal(r.record.summary, `rebuilt because ${r.record.reason}`);
    return r.record.reason!;
  };
  const saveAll = async () => await (await obtainRunGraph(all.x, all.faces, opts)).save();
  try {
    await saveAll();
    // A photo removed.
    const rows = Array.from({ length: all.x.rows }, (_, i) => i).filter((i) => i !== 17);
    const less = pick(all, rows);
    assert.match(
      await rebuiltBecause(less.x, less.faces),
      /^1 of the saved graph's 160 faces are no longer in the set \(photos removed or changed, e\.g\. p17#0\)$/,
    );
    // Another store key, adapter, k.
    assert.match(
      await rebuiltBecause(all.x, all.faces, { ...opts, key: { ...KEY, store: "key-b" } }),
      /store key differs/,
    );
    assert.match(
      await rebuiltBecause(all.x, all.faces, { ...opts, key: { ...KEY, adapter: "people-v1" } as never }),
      /adapter differs \(saved none, now people-v1\)/,
    );
    assert.match(
      await rebuiltBecause(all.x, all.faces, { ...opts, k: 16 }),
      /^k differs \(saved 32, now 16\)$/,
    );
    // The same ids, other vectors (an adapter retrained under its old name, say).
    // (Every other row nudged: a change to all rows alike, such as a rotation, keeps every similarity.)
    const moved = { ...all.x, data: all.x.data.map((v, i) => (i % 48 === 0 ? v + 0.3 : v)) };
    for (let i = 0; i < moved.rows; i++) {
      let nrm = 0;
      for (let c = 0; c < 24; c++) nrm += moved.data[i * 24 + c] ** 2;
      for (let c = 0; c < 24; c++) moved.data[i * 24 + c] /= Math.sqrt(nrm);
    }
    assert.match(await rebuiltBecause(moved, all.faces), /the embeddings changed/);

    // One flipped byte in the graph file.
    const m = JSON.parse(await Deno.readTextFile(`${dir}/knn/manifest.json`));
    const gpath = `${dir}/knn/${m.files.graph.name}`;
    const bytes = await Deno.readFile(gpath);
    bytes[bytes.length - 3] ^= 0x10;
    await Deno.writeFile(gpath, bytes);
    assert.equal(
      await rebuiltBecause(all.x, all.faces),
      `${gpath}: checksum ${await crcOf(gpath)}, the manifest says ${m.files.graph.crc32} (damaged)`,
    );
    // Truncated.
    await Deno.writeFile(gpath, bytes.subarray(0, 100));
    assert.match(await rebuiltBecause(all.x, all.faces), /100 bytes, the manifest says \d+ \(truncated\?\)$/);
    // The manifest itself cut short.
    await saveAll();
    const text = await Deno.readTextFile(`${dir}/knn/manifest.json`);
    await Deno.writeTextFile(`${dir}/knn/manifest.json`, text.slice(0, 40));
    assert.match(await rebuiltBecause(all.x, all.faces), /knn\/manifest\.json: not a graph manifest/);
    // The rows file gone.
    await saveAll();
    const m2 = JSON.parse(await Deno.readTextFile(`${dir}/knn/manifest.json`));
    await Deno.remove(`${dir}/knn/${m2.files.rows.name}`);
    assert.match(await rebuiltBecause(all.x, all.faces), /rows-.*\.txt: cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function crcOf(path: string): Promise<number> {
  const { crc32 } = await import("node:zlib");
  return crc32(await Deno.readFile(path)) >>> 0;
}

Deno.test("a save killed before its manifest leaves the old graph in use; a finished save removes the old generation", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-rungraph-" });
  try {
    const all = people(10, 6);
    const opts = { runDir: dir, key: KEY, k: 16 };
    const first = pick(all, Array.from({ length: 40 }, (_, i) => i));
    await (await obtainRunGraph(first.x, first.faces, opts)).save();
    const before = await Deno.readTextFile(`${dir}/knn/manifest.json`);
    // What a save killed midway leaves: new data files, no new manifest.
    await Deno.writeFile(`${dir}/knn/graph-zzz.bin`, new Uint8Array(64));
    await Deno.writeFile(`${dir}/knn/graph-zzz.bin.tmp`, new Uint8Array(7));
    const loaded = await loadSavedGraph(dir);
    assert.equal(loaded.status, "ok");
    const r = await obtainRunGraph(all.x, all.faces, opts);
    assert.equal(r.record.summary, "grown from 40 rows with 20 new");
    assert.equal(await Deno.readTextFile(`${dir}/knn/manifest.json`), before, "loading writes nothing");
    await r.save();
    const names = [];
    for await (const e of Deno.readDir(`${dir}/knn`)) names.push(e.name);
    const m = JSON.parse(await Deno.readTextFile(`${dir}/knn/manifest.json`));
    assert.deepEqual(names.sort(), ["manifest.json", m.files.graph.name, m.files.rows.name].sort());
    assert.equal(m.rows, 60);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an approximate (IVF) graph is saved with its cells and grown with growIvf", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-rungraph-" });
  try {
    const all = people(40, 10, 24, 11);
    const order = shuffled(400, 2);
    const opts = { runDir: dir, key: KEY, k: 16, approximate: true };
    const first = pick(all, order.slice(0, 300));
    const a = await obtainRunGraph(first.x, first.faces, opts);
    assert.equal(a.record.approximate, true);
    await a.save();
    const m = JSON.parse(await Deno.readTextFile(`${dir}/knn/manifest.json`));
    assert.ok(m.files.ivf, "the cells are saved");
    assert.equal(m.cellsTrainedOn, 300);
    const b = await obtainRunGraph(all.x, all.faces, opts);
    assert.equal(b.record.summary, "grown from 300 rows with 100 new");
    assert.match(graphLine(b.record), /k=16, IVF/);
    const exact = await knnGraph(all.x, 16);
    const recall = recallAbove(exact, b.graph, 0.3);
    assert.ok(recall > 0.9, `recall ${recall}`);
    // Rows point at rows of the new order: no self, in range.
    for (let i = 0; i < b.graph.n; i++) {
      for (let t = 0; t < b.graph.k; t++) {
        const j = b.graph.indices[i * 16 + t];
        assert.ok(j !== i && j < 400);
      }
    }
    await b.save();
    // Asked for an exact graph now: the approximate one is not used.
    const c = await obtainRunGraph(all.x, all.faces, { ...opts, approximate: false });
    assert.match(c.record.reason!, /saved graph is approximate/);
    // More than twice the rows the cells were trained on: rebuilt.
    await (await obtainRunGraph(first.x, first.faces, opts)).save();
    const big = people(70, 10, 24, 11);
    const d = await obtainRunGraph(big.x, big.faces, opts);
    assert.match(d.record.reason!, /more than twice the 300/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
