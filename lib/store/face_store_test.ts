import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ToolkitError } from "../errors.ts";
import { FaceStore, type StoreKey } from "./face_store.ts";

const key: StoreKey = { models: ["d", "l", "e"], dim: 4, options: { minFaceSize: 20 } };
const quiet = { log: () => {} };

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
  const s = await FaceStore.open(root, key, quiet);
  await s.put("h1", { width: 100, height: 80, faces: [face(1, [9, 9]), face(5)] });
  await s.put("h2", { width: 10, height: 10, faces: [] });
  await s.put("h3", { error: { stage: "decode", message: "not an image" } });
  s.close();
  const r = await FaceStore.open(root, key, quiet);
  assert.equal(r.size, 3);
  assert.equal(r.rows, 2);
  assert.deepEqual(Array.from(await r.vectors(["h1"])), [1, 2, 3, 4, 5, 6, 7, 8]);
  // A hash may repeat (byte-identical copies of a photo): its rows repeat.
  assert.deepEqual(Array.from(await r.vectors(["h1", "h2", "h1"])), [
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
  ]);
  assert.deepEqual(r.embeddings("h1").map((e) => Array.from(e)), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  const rec = r.get("h1")!;
  assert.deepEqual(rec.faces[0].box, [1, 2, 30, 40]);
  assert.equal(rec.faces[0].thumb, true);
  assert.equal(rec.faces[1].thumb, undefined);
  const thumbs = await r.thumbnails(["h1"]);
  assert.deepEqual(Array.from(thumbs[0]!), [9, 9]);
  assert.equal(thumbs[1], undefined);
  assert.equal(r.get("h2")!.faces.length, 0);
  assert.equal(r.get("h3")!.error!.stage, "decode");
  assert.equal(r.get("nope"), undefined);
  await assert.rejects(() => r.vectors(["nope"]), /not stored/);
  // A different key (e.g. another threshold) is a different store in the same file.
  const other = await FaceStore.open(root, { ...key, options: { minFaceSize: 40 } }, quiet);
  assert.equal(other.size, 0);
  assert.equal(other.file, r.file);
  r.close(), other.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("extra per-face fields (a field added later, unknown to the store) are stored and read back", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key, quiet);
  const withExtra = { ...face(1), tags: ["a"], blur: { laplacian: 0.75 } };
  await s.put("h1", { width: 10, height: 10, faces: [withExtra] });
  s.close();
  const r = await FaceStore.open(root, key, quiet);
  const f = r.get("h1")!.faces[0];
  assert.deepEqual(f.blur, { laplacian: 0.75 });
  assert.deepEqual(f.tags, ["a"]);
  r.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("storing a photo that is already stored keeps the first record and returns it", async () => {
  const root = await Deno.makeTempDir();
  const a = await FaceStore.open(root, key, quiet);
  const b = await FaceStore.open(root, key, quiet); // a second connection, like a second process
  await a.put("h1", { width: 10, height: 10, faces: [face(1)] });
  const got = await b.put("h1", { width: 10, height: 10, faces: [face(7), face(8)] });
  assert.equal(got.faces.length, 1);
  assert.deepEqual(Array.from(await b.vectors(["h1"])), [1, 2, 3, 4]);
  assert.equal(a.rows, 1);
  // What one connection stores, the other sees at once.
  await b.put("h2", { width: 10, height: 10, faces: [] });
  assert.ok(a.get("h2"));
  a.close(), b.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("a vector of the wrong length is refused and nothing is stored", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key, quiet);
  await assert.rejects(
    () =>
      s.put("h1", { width: 1, height: 1, faces: [face(1), { ...face(2), embedding: new Float32Array(3) }] }),
    /embedding has 3 values, store holds 4/,
  );
  assert.equal(s.get("h1"), undefined);
  assert.equal(s.rows, 0);
  s.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("a record changed behind the store's back is refused on open and on read", async () => {
  const root = await Deno.makeTempDir();
  const s = await FaceStore.open(root, key, quiet);
  await s.put("h1", { width: 10, height: 10, faces: [face(1), face(2)] });
  await s.put("h2", { width: 10, height: 10, faces: [face(3)] });
  const db = new DatabaseSync(s.file);
  db.prepare("UPDATE faces SET vector = ? WHERE hash = 'h1' AND idx = 1").run(
    new Uint8Array(new Float32Array([2, 3, 4, 6]).buffer),
  );
  db.close();
  // The open store reads vectors from the file, checked.
  await assert.rejects(
    () => s.vectors(["h2", "h1"]),
    (e) => e instanceof ToolkitError && /h1: face 1: checksum mismatch.*verify --repair/.test(e.message),
  );
  assert.equal((await s.vectors(["h2"])).length, 4, "undamaged records stay readable");
  s.close();
  // Opened without the full check, the record is refused when read.
  const lazy = await FaceStore.open(root, key, { ...quiet, verify: false });
  assert.throws(
    () => lazy.get("h1"),
    (e) => e instanceof ToolkitError && /h1: face 1: checksum mismatch/.test(e.message),
  );
  assert.ok(lazy.get("h2"));
  lazy.close();
  await assert.rejects(
    () => FaceStore.open(root, key, quiet),
    (e) =>
      e instanceof ToolkitError && /1 record\(s\).*fail their checks.*store verify --repair/.test(e.message),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("a photo claimed by one process is left to it by another, which waits for its record", async () => {
  const root = await Deno.makeTempDir();
  const a = await FaceStore.open(root, key, quiet);
  const b = await FaceStore.open(root, key, quiet); // a second connection, like a second process
  assert.equal(await a.claim("h1"), true);
  assert.equal(await a.claim("h1"), true, "a claim can be renewed by its owner");
  assert.equal(await b.claim("h1"), false, "taken by the other process");
  const waiting = b.waitFor("h1");
  await new Promise((r) => setTimeout(r, 120));
  await a.put("h1", { width: 10, height: 10, faces: [face(1)] });
  assert.equal((await waiting)?.faces.length, 1, "the record arrives once the other process stores it");
  // A claim ends when released, and one older than the time limit counts as abandoned.
  assert.equal(await a.claim("h2"), true);
  a.release("h2");
  assert.equal(await b.waitFor("h2"), undefined, "no live claim: compute it yourself");
  assert.equal(await b.claim("h2"), true);
  assert.equal(await a.claim("h2"), false);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(await a.claim("h2", 10), true, "a stale claim is taken over");
  // Closing drops a connection's claims.
  a.close();
  assert.equal(await b.claim("h2"), true);
  b.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("a root holding stores of the earlier folder layout says once that they are no longer read", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/0123456789abcdef`);
  await Deno.writeTextFile(`${root}/0123456789abcdef/records.jsonl`, "");
  const lines: string[] = [];
  const s = await FaceStore.open(root, key, { log: (l) => lines.push(l) });
  s.close();
  (await FaceStore.open(root, key, { log: (l) => lines.push(l) })).close();
  assert.equal(lines.length, 1);
  assert.match(lines[0], /1 store folder\(s\) of the earlier layout.*can be deleted/);
  await Deno.remove(root, { recursive: true });
});
