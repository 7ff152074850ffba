/**
 * The store contract's test suite: the same steps run against every backend
 * (./contract_test.ts runs it on SQLite and on a real PostgreSQL server). Each step gets a fresh,
 * empty location from the backend.
 * @module
 */
import assert from "node:assert/strict";
import { ToolkitError } from "../errors.ts";
import type { EmbeddingStore, FaceToStore, OpenOptions, StoreKey } from "./types.ts";

/** A fresh, empty place to open stores in. */
export interface ContractLocation {
  /** Opens (creating) the store of `key` there. */
  open(key: StoreKey, opts?: OpenOptions): Promise<EmbeddingStore>;
  /** Overwrites face `idx` of photo `hash`'s vector bytes behind the store's back. */
  tamper(keyId: string, hash: string, idx: number, vector: Uint8Array): Promise<void>;
  /** Removes it. */
  cleanup(): Promise<void>;
}

/** A backend under test. */
export interface ContractBackend {
  /** Name shown in step names. */
  name: string;
  /** A new empty location. */
  fresh(): Promise<ContractLocation>;
}

const key: StoreKey = { models: ["d", "l", "e"], dim: 4, options: { minFaceSize: 20 } };
const quiet = { log: () => {} };

function face(v: number, thumb?: number[]): FaceToStore {
  return {
    box: { x: 1, y: 2, w: 30, h: 40 },
    score: 0.9,
    landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    embedding: new Float32Array([v, v + 1, v + 2, v + 3]),
    thumbnail: thumb ? new Uint8Array(thumb) : undefined,
  };
}

async function collect(s: EmbeddingStore): Promise<string[]> {
  const out: string[] = [];
  for await (const r of s.records()) out.push(r.hash);
  return out;
}

type Step = (loc: ContractLocation) => Promise<void>;

const STEPS: [string, Step][] = [
  ["stored photos come back after reopening, vectors and thumbnails included", async (loc) => {
    const s = await loc.open(key, quiet);
    await s.put("h1", { width: 100, height: 80, faces: [face(1, [9, 9]), face(5)] });
    await s.put("h2", { width: 10, height: 10, faces: [] });
    await s.put("h3", { error: { stage: "decode", message: "not an image" } });
    await s.close();
    const r = await loc.open(key, quiet);
    assert.deepEqual(await r.counts(), { photos: 3, faces: 2 });
    assert.deepEqual(Array.from(await r.vectors(["h1"])), [1, 2, 3, 4, 5, 6, 7, 8]);
    // A hash may repeat (byte-identical copies of a photo): its rows repeat.
    assert.deepEqual(
      Array.from(await r.vectors(["h1", "h2", "h1"])),
      [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    const rec = (await r.record("h1"))!;
    assert.deepEqual(rec.faces[0].box, [1, 2, 30, 40]);
    assert.equal(rec.faces[0].thumb, true);
    assert.equal(rec.faces[1].thumb, undefined);
    assert.equal(rec.width, 100);
    const thumbs = await r.thumbnails(["h1"]);
    assert.deepEqual(Array.from(thumbs[0]!), [9, 9]);
    assert.equal(thumbs[1], undefined);
    assert.equal((await r.record("h2"))!.faces.length, 0);
    assert.deepEqual((await r.record("h3"))!.error, { stage: "decode", message: "not an image" });
    assert.equal(await r.record("nope"), undefined);
    assert.equal(await r.has("h3"), true);
    assert.equal(await r.has("nope"), false);
    await assert.rejects(() => r.vectors(["nope"]), /not stored/);
    assert.deepEqual(await collect(r), ["h1", "h2", "h3"], "records come in hash order");
    // A different key (e.g. another threshold) is a different store in the same place.
    const other = await loc.open({ ...key, options: { minFaceSize: 40 } }, quiet);
    assert.deepEqual(await other.counts(), { photos: 0, faces: 0 });
    assert.notEqual(other.keyId, r.keyId);
    assert.equal(other.location, r.location);
    await r.close(), await other.close();
  }],
  ["extra per-face fields are stored and read back; vectors bit for bit", async (loc) => {
    const s = await loc.open(key, quiet);
    const odd = new Float32Array([Math.PI, -0, 1e-38, Number.MIN_VALUE]);
    await s.put("h1", {
      width: 10,
      height: 10,
      faces: [{ ...face(1), tags: ["a"], blur: { lap: 0.75 } } as FaceToStore],
    });
    await s.put("h2", { width: 10, height: 10, faces: [{ ...face(1), embedding: odd }] });
    await s.close();
    const r = await loc.open(key, quiet);
    const f = (await r.record("h1"))!.faces[0];
    assert.deepEqual(f.blur, { lap: 0.75 });
    assert.deepEqual(f.tags, ["a"]);
    const back = await r.vectors(["h2"]);
    assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(odd.buffer));
    await r.close();
  }],
  [
    "storing a photo already stored keeps the first record and returns it; connections see each other",
    async (loc) => {
      const a = await loc.open(key, quiet);
      const b = await loc.open(key, quiet); // a second connection, like a second process
      await a.put("h1", { width: 10, height: 10, faces: [face(1)] });
      const got = await b.put("h1", { width: 10, height: 10, faces: [face(7), face(8)] });
      assert.equal(got.faces.length, 1);
      assert.deepEqual(Array.from(await b.vectors(["h1"])), [1, 2, 3, 4]);
      assert.equal((await a.counts()).faces, 1);
      await b.put("h2", { width: 10, height: 10, faces: [] });
      assert.ok(await a.record("h2"));
      await a.close(), await b.close();
    },
  ],
  ["two connections storing the same 40 photos at once: each stored once, whole", async (loc) => {
    const a = await loc.open(key, quiet);
    const b = await loc.open(key, quiet);
    const photo = (i: number, by: number) => ({
      width: 10,
      height: 10,
      faces: Array.from({ length: (i % 3) + 1 }, (_, j) => face(i * 10 + j + by / 100)),
    });
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => a.put(`p${i}`, photo(i, 1))),
      ...Array.from({ length: 40 }, (_, i) => b.put(`p${39 - i}`, photo(39 - i, 2))),
    ]);
    await a.flush(), await b.flush();
    const want = Array.from({ length: 40 }, (_, i) => (i % 3) + 1).reduce((x, y) => x + y, 0);
    assert.deepEqual(await a.counts(), { photos: 40, faces: want });
    for (let i = 0; i < 40; i++) {
      const v = await a.vectors([`p${i}`]);
      const from = v[0] - i * 10; // 0.01 (a) or 0.02 (b): one writer's record, never a mix
      assert.ok(Math.abs(from - 0.01) < 1e-4 || Math.abs(from - 0.02) < 1e-4, `p${i}: ${from}`);
      for (let j = 0; j < v.length / 4; j++) assert.ok(Math.abs(v[j * 4] - i * 10 - j - from) < 1e-4);
    }
    await a.close(), await b.close();
  }],
  ["a vector of the wrong length is refused and nothing is stored", async (loc) => {
    const s = await loc.open(key, quiet);
    await assert.rejects(
      () =>
        s.put("h1", {
          width: 1,
          height: 1,
          faces: [face(1), { ...face(2), embedding: new Float32Array(3) }],
        }),
      /embedding has 3 values, store holds 4/,
    );
    assert.equal(await s.record("h1"), undefined);
    assert.deepEqual(await s.counts(), { photos: 0, faces: 0 });
    await s.close();
  }],
  [
    "a record changed behind the store's back is refused on read and on open; verify --repair removes it",
    async (loc) => {
      const s = await loc.open(key, quiet);
      await s.put("h1", { width: 10, height: 10, faces: [face(1), face(2)] });
      await s.put("h2", { width: 10, height: 10, faces: [face(3)] });
      await loc.tamper(s.keyId, "h1", 1, new Uint8Array(new Float32Array([2, 3, 4, 6]).buffer));
      await s.close();
      const lazy = await loc.open(key, { ...quiet, verify: false });
      await assert.rejects(
        () => lazy.vectors(["h2", "h1"]),
        (e) => e instanceof ToolkitError && /h1: face 1: checksum mismatch.*verify --repair/.test(e.message),
      );
      assert.equal((await lazy.vectors(["h2"])).length, 4, "undamaged records stay readable");
      await assert.rejects(() => lazy.record("h1"), /checksum mismatch/);
      await lazy.close();
      await assert.rejects(
        () => loc.open(key, quiet),
        (e) =>
          e instanceof ToolkitError && /1 record\(s\).*fail their checks.*verify --repair/.test(e.message),
      );
      const fix = await loc.open(key, { ...quiet, verify: false });
      const found = await fix.verify();
      assert.equal(found.damaged.length, 1);
      assert.equal(found.damaged[0].hash, "h1");
      assert.equal(found.removed, 0);
      const fixed = await fix.verify({ repair: true });
      assert.equal(fixed.removed, 1);
      await fix.close();
      const again = await loc.open(key, quiet);
      assert.deepEqual(await again.counts(), { photos: 1, faces: 1 });
      assert.equal(await again.record("h1"), undefined, "recomputed by the next run");
      assert.deepEqual((await again.verify()).damaged, []);
      await again.close();
    },
  ],
  ["a photo claimed by one connection is left to it by another, which waits for its record", async (loc) => {
    const a = await loc.open(key, quiet);
    const b = await loc.open(key, quiet);
    assert.equal(await a.claim("h1"), true);
    assert.equal(await a.claim("h1"), true, "a claim can be renewed by its owner");
    assert.equal(await b.claim("h1"), false, "taken by the other connection");
    const waiting = b.waitFor("h1");
    await new Promise((r) => setTimeout(r, 150));
    await a.put("h1", { width: 10, height: 10, faces: [face(1)] });
    assert.equal((await waiting)?.faces.length, 1, "the record arrives once the other stores it");
    assert.equal(await a.claim("h2"), true);
    await a.release("h2");
    assert.equal(await b.waitFor("h2"), undefined, "no live claim: compute it yourself");
    assert.equal(await b.claim("h2"), true);
    assert.equal(await a.claim("h2"), false);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(await a.claim("h2", 10), true, "a stale claim is taken over");
    await a.close();
    assert.equal(await b.claim("h2"), true, "closing drops a connection's claims");
    await b.close();
  }],
];

/** Runs every step of the contract against `backend`, each as a test step in a fresh location. */
export async function storeContract(t: Deno.TestContext, backend: ContractBackend): Promise<void> {
  for (const [name, step] of STEPS) {
    await t.step(`${backend.name}: ${name}`, async () => {
      const loc = await backend.fresh();
      try {
        await step(loc);
      } finally {
        await loc.cleanup();
      }
    });
  }
}
