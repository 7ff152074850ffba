import assert from "node:assert/strict";
import { ToolkitError } from "../errors.ts";
import { main } from "./cli.ts";
import { FaceStore, type StoreKey } from "./face_store.ts";
import { verifyStore } from "./verify.ts";

const key: StoreKey = { models: ["d", "e"], dim: 8, options: {} };
const quiet = { log: () => {} };

/** A distinct vector per (photo, face): its bytes occur once in the file. */
function vec(photo: number, face: number): Float32Array {
  return Float32Array.from({ length: 8 }, (_, j) => 1000 + photo * 10 + face + j / 16);
}

async function makeStore(root: string, photos: number, faces = 2, thumbBytes = 0): Promise<void> {
  const s = await FaceStore.open(root, key, quiet);
  for (let p = 0; p < photos; p++) {
    await s.put(`h${p}`, {
      width: 100,
      height: 100,
      faces: Array.from({ length: faces }, (_, f) => ({
        box: { x: f, y: 0, w: 10, h: 10 },
        score: 0.9,
        landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        embedding: vec(p, f),
        thumbnail: thumbBytes ? new Uint8Array(thumbBytes).fill(p % 251) : undefined,
      })),
    });
  }
  s.close(); // the last connection checkpoints the WAL into the file
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function silenced<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log, err = console.error;
  console.log = console.error = () => {};
  return fn().finally(() => (console.log = log, console.error = err));
}

Deno.test("a flipped byte in one stored vector is found on open and by verify; --repair removes that record only", async () => {
  const root = await Deno.makeTempDir();
  try {
    await makeStore(root, 3);
    const file = `${root}/faces.sqlite`;
    const bytes = await Deno.readFile(file);
    const target = new Uint8Array(vec(1, 1).buffer);
    const at = indexOf(bytes, target);
    assert.ok(at > 0, "the vector's bytes are in the file");
    bytes[at + 13] ^= 0x10; // one bit of one float of photo h1, face 1
    await Deno.writeFile(file, bytes);

    await assert.rejects(
      () => FaceStore.open(root, key, quiet),
      (e) =>
        e instanceof ToolkitError &&
        /is damaged: 1 record\(s\).*photo h1: face 1: checksum mismatch.*store verify --repair --store/.test(
          e.message,
        ),
    );
    const found = await verifyStore(root, quiet);
    assert.equal(found.ok, false);
    assert.deepEqual(found.fileProblems, [], "SQLite's own check does not see it; the checksum does");
    assert.deepEqual(found.keys[0].damaged.map((d) => d.hash), ["h1"]);
    assert.equal(await silenced(() => main(["verify", "--store", root])), 1);

    assert.equal(await silenced(() => main(["verify", "--repair", "--store", root])), 0);
    assert.equal((await verifyStore(root, quiet)).ok, true);
    const s = await FaceStore.open(root, key, quiet);
    assert.equal(s.size, 2);
    assert.equal(s.get("h1"), undefined, "the damaged record is gone: the next run recomputes it");
    assert.deepEqual(Array.from(await s.vectors(["h0", "h2"])), [
      ...vec(0, 0),
      ...vec(0, 1),
      ...vec(2, 0),
      ...vec(2, 1),
    ]);
    s.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a truncated store file is found on open and by verify; --repair rebuilds it from what checks out", async () => {
  const root = await Deno.makeTempDir();
  try {
    await makeStore(root, 300, 1, 1500); // about 30 pages of 16 KB
    const file = `${root}/faces.sqlite`;
    const size = (await Deno.stat(file)).size;
    await Deno.truncate(file, Math.floor(size * 0.9)); // its last pages are gone

    await assert.rejects(
      () => FaceStore.open(root, key, quiet),
      (e) => e instanceof ToolkitError && /faces\.sqlite is damaged.*store verify --repair/.test(e.message),
    );
    const found = await verifyStore(root, quiet);
    assert.equal(found.ok, false);
    assert.ok(found.fileProblems.length > 0, "the file's damage is reported");
    assert.equal(await silenced(() => main(["verify", "--store", root])), 1);

    const lines: string[] = [];
    const fixed = await verifyStore(root, { repair: true, log: (l) => lines.push(l) });
    assert.equal(fixed.repair?.rebuilt, true);
    assert.ok(lines[0].includes("rebuilt"), lines[0]);
    assert.ok((await Deno.stat(fixed.repair!.keptDamagedFile!)).isFile, "the damaged file is kept aside");
    assert.equal((await verifyStore(root, quiet)).ok, true);
    const s = await FaceStore.open(root, key, quiet);
    const kept = s.hashes();
    assert.ok(kept.length > 0 && kept.length < 300, `${kept.length} records kept`);
    for (const h of kept) {
      const p = Number(h.slice(1));
      assert.deepEqual(Array.from(await s.vectors([h])), Array.from(vec(p, 0)));
    }
    // The lost ones are simply stored again.
    const lost = Array.from({ length: 300 }, (_, p) => `h${p}`).filter((h) => !kept.includes(h));
    for (const h of lost) await s.put(h, { width: 1, height: 1, faces: [] });
    assert.equal(s.size, 300);
    s.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a file that is not a database at all is reported, and repair starts an empty store", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/faces.sqlite`, "not a database ".repeat(500));
    await assert.rejects(() => FaceStore.open(root, key, quiet), /faces\.sqlite is damaged.*not a database/);
    const fixed = await verifyStore(root, { repair: true, log: () => {} });
    assert.equal(fixed.repair?.rebuilt, true);
    const s = await FaceStore.open(root, key, quiet);
    assert.equal(s.size, 0);
    s.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store stats and export-npy: one key's vectors as vectors.npy for numpy", async () => {
  const root = await Deno.makeTempDir();
  try {
    await makeStore(root, 2);
    const s = await FaceStore.open(root, key, quiet);
    const id = s.keyId;
    s.close();
    assert.equal(await silenced(() => main(["stats", "--store", root])), 0);
    assert.equal(
      await silenced(() => main(["export-npy", "--store", root, "--key", id, "--out", `${root}/x`])),
      0,
    );
    const { readEmbeddingSet } = await import("./embedding_set.ts");
    const set = await readEmbeddingSet(`${root}/x`);
    assert.equal(set.x.rows, 4);
    assert.deepEqual(Array.from(set.x.data.subarray(8, 16)), Array.from(vec(0, 1)));
    assert.equal(set.faces[2].imageId, "h1");
    assert.equal(
      await silenced(() => main(["export-npy", "--store", root, "--key", "nope", "--out", `${root}/y`])),
      1,
    );
    assert.equal(await silenced(() => main(["frobnicate", "--store", root])), 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
