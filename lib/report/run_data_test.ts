import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRun, runData, shownClusters } from "./run_data.ts";
import { HOSTILE_NAMES, writeSyntheticRun } from "./_testing/synthetic_run.ts";

Deno.test("shownClusters: groups of at least minSize numbered largest first, the rest -1", () => {
  const raw = Int32Array.from([7, 7, 3, 3, 3, 9, 5, 5, -1]);
  // Ties in size go to the smaller raw label (5 before 7).
  assert.deepEqual(Array.from(shownClusters(raw, 2)), [2, 2, 0, 0, 0, -1, 1, 1, -1]);
  assert.deepEqual(Array.from(shownClusters(raw, 3)), [-1, -1, 0, 0, 0, -1, -1, -1, -1]);
  assert.deepEqual(Array.from(shownClusters(raw, 1)), [2, 2, 0, 0, 0, 3, 1, 1, -1]);
});

Deno.test("loadRun reads a run folder: embeddings, thumbnails, labels, truth, errors, metadata", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSyntheticRun(dir, { faces: 60, people: 6, hostile: true, seed: 2 });
    const run = await loadRun(dir);
    assert.equal(run.x.rows, 60);
    assert.equal(run.faces.length, 60);
    assert.ok(run.thumbnails.every((t) => t && t[0] === 0xff && t[1] === 0xd8));
    assert.equal(run.raw.length, 60);
    assert.equal(run.minClusterSize, 2);
    assert.ok(run.truth && run.truthNames);
    assert.ok(run.truthNames!.includes(HOSTILE_NAMES.folder));
    assert.equal(run.errors.length, 1);
    assert.equal(run.errors[0].message, "unsupported <format>");
    assert.equal(run.meta.method, "agglomerative");
    assert.equal(run.meta.noFace.length, 2);
    assert.equal(run.name, dir.split("/").pop());
    // Every face of a kept cluster is in a group of >= 2; singletons are -1.
    const sizes = new Map<number, number>();
    for (const c of run.clusters) if (c >= 0) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    assert.ok([...sizes.values()].every((s) => s >= 2));
    // Without thumbs.bin the thumbnails are simply absent.
    await Deno.remove(join(dir, "embeddings", "thumbs.bin"));
    await Deno.remove(join(dir, "run.json"));
    const bare = await loadRun(dir);
    assert.ok(bare.thumbnails.every((t) => t === undefined));
    assert.equal(bare.meta.title, bare.name);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runData refuses parts that disagree", () => {
  const x = { data: new Float32Array(4), rows: 2, cols: 2 };
  const faces = [{ path: "a", face: 0, imageId: "a" }, { path: "b", face: 0, imageId: "b" }];
  assert.throws(() => runData({ name: "r", x, faces, labels: new Int32Array(3) }), /2 embeddings/);
  const ok = runData({ name: "r", x, faces, labels: new Int32Array(2) });
  assert.equal(ok.truth, undefined);
  assert.equal(ok.meta.images, 2);
});
