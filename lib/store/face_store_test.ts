import assert from "node:assert/strict";
import { FaceStore, type StoreKey } from "./face_store.ts";

const key: StoreKey = { models: ["d", "l", "e"], dim: 4, options: { minFaceSize: 20 } };

function face(v: number, thumb?: number[]) {
  return {
    box: { x: 1, y: 2, w: 30, h: 40 },
    score: 0.9,
    landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    embedding: new Float32Array([v, v + 1, v + 2, v + 3]),
    thumbnail: thumb ? new Uint8Array(thumb) : undefined,
  };
}

Deno.test("stored photos come back after reopening, vectors and thumbnails included", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key);
  await s.put("h1", { width: 100, height: 80, faces: [face(1, [9, 9]), face(5)] });
  await s.put("h2", { width: 10, height: 10, faces: [] });
  await s.put("h3", { error: { stage: "decode", message: "not an image" } });
  const r = await FaceStore.open(root, key);
  assert.equal(r.size, 3);
  assert.equal(r.rows, 2);
  assert.deepEqual(Array.from(await r.vectors()), [1, 2, 3, 4, 5, 6, 7, 8]);
  const rec = r.get("h1")!;
  assert.deepEqual(rec.faces.map((f) => f.row), [0, 1]);
  const thumbs = await r.thumbnails(rec.faces);
  assert.deepEqual(Array.from(thumbs[0]!), [9, 9]);
  assert.equal(thumbs[1], undefined);
  assert.equal(r.get("h2")!.faces.length, 0);
  assert.equal(r.get("h3")!.error!.stage, "decode");
  // A different key (e.g. another threshold) is a different store.
  const other = await FaceStore.open(root, { ...key, options: { minFaceSize: 40 } });
  assert.equal(other.size, 0);
  await Deno.remove(root, { recursive: true });
});

Deno.test("an interrupted write (vectors written, record line cut) is rolled back on reopening", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key);
  await s.put("h1", { width: 100, height: 80, faces: [face(1)] });
  // Simulate a kill during the next put: its vectors and thumbnail landed, its line only half.
  await Deno.writeFile(`${s.dir}/vectors.f32`, new Uint8Array(new Float32Array([7, 7, 7, 7]).buffer), {
    append: true,
  });
  await Deno.writeFile(`${s.dir}/thumbs.bin`, new Uint8Array([1, 2, 3]), { append: true });
  await Deno.writeTextFile(`${s.dir}/records.jsonl`, '{"hash":"h2","faces":[{"row":1', { append: true });
  const r = await FaceStore.open(root, key);
  assert.equal(r.size, 1);
  assert.equal(r.get("h2"), undefined);
  assert.equal((await Deno.stat(`${s.dir}/vectors.f32`)).size, 16);
  assert.equal((await Deno.stat(`${s.dir}/thumbs.bin`)).size, 0);
  // Work continues where it stopped, with consistent row numbers.
  const rec = await r.put("h2", { width: 1, height: 1, faces: [face(3)] });
  assert.equal(rec.faces[0].row, 1);
  const again = await FaceStore.open(root, key);
  assert.deepEqual(Array.from(await again.vectors()), [1, 2, 3, 4, 3, 4, 5, 6]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("a record whose vectors are missing is dropped with everything after it", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key);
  await s.put("h1", { width: 100, height: 80, faces: [face(1)] });
  await s.put("h2", { width: 100, height: 80, faces: [face(2)] });
  await Deno.truncate(`${s.dir}/vectors.f32`, 20); // second row cut short
  const r = await FaceStore.open(root, key);
  assert.equal(r.size, 1);
  assert.ok(r.get("h1"));
  await Deno.remove(root, { recursive: true });
});
