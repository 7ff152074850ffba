/**
 * Test helper (run as a subprocess by ./kill_test.ts): stores photos `h0`, `h1`, ... into the
 * store at `Deno.args[0]`, skipping those already stored, each with four faces (vectors
 * derived from the photo number, 40 KB thumbnails, so that each transaction takes a while),
 * and prints `stored <n>` after each one, until it is killed. With a second argument `hang`, it
 * instead begins one large transaction (a photo row and 200 face rows, about 8 MB, more than
 * its page cache holds, so that uncommitted pages spill into the WAL), prints `in transaction`
 * and waits to be killed. With `hold <ms>`, it holds the write lock (an empty transaction) for
 * that long, printing `in transaction` when it has it, then commits and exits.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { FaceStore, type StoreKey } from "./face_store.ts";

/** The store key the helper writes under. */
export const WRITER_KEY: StoreKey = { models: ["kill-test"], dim: 16, options: {} };

/** The vector the helper stores for face `face` of photo `photo`. */
export function writerVector(photo: number, face: number): Float32Array {
  return Float32Array.from({ length: 16 }, (_, j) => photo + face / 8 + j / 256);
}

if (import.meta.main && Deno.args[1] === "hold") {
  const store = await FaceStore.open(Deno.args[0], WRITER_KEY, { log: () => {} });
  const db = new DatabaseSync(store.file);
  db.exec("BEGIN IMMEDIATE");
  await Deno.stdout.write(new TextEncoder().encode("in transaction\n"));
  await new Promise((r) => setTimeout(r, Number(Deno.args[2])));
  db.exec("COMMIT");
  db.close();
  store.close();
} else if (import.meta.main && Deno.args[1] === "hang") {
  const store = await FaceStore.open(Deno.args[0], WRITER_KEY, { log: () => {} });
  const db = new DatabaseSync(store.file);
  db.exec("PRAGMA cache_size = 10");
  db.exec("BEGIN IMMEDIATE");
  db.prepare(
    "INSERT INTO photos (key_id, hash, width, height, error, face_count, checksum, created) VALUES (?, 'hang', 1, 1, NULL, 200, 0, '')",
  ).run(store.keyId);
  const face = db.prepare(
    "INSERT INTO faces (key_id, hash, idx, info, vector, thumb, checksum) VALUES (?, 'hang', ?, '{}', ?, ?, 0)",
  );
  for (let i = 0; i < 200; i++) face.run(store.keyId, i, new Uint8Array(64), new Uint8Array(40_000).fill(i));
  await Deno.stdout.write(new TextEncoder().encode("in transaction\n"));
  setInterval(() => {}, 1000);
} else if (import.meta.main) {
  const store = await FaceStore.open(Deno.args[0], WRITER_KEY, { log: () => {} });
  const out = Deno.stdout.writable.getWriter();
  for (let p = 0;; p++) {
    if (store.get(`h${p}`)) continue;
    await store.put(`h${p}`, {
      width: 640,
      height: 480,
      faces: Array.from({ length: 4 }, (_, f) => ({
        box: { x: f * 10, y: 0, w: 10, h: 10 },
        score: 0.9,
        landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        embedding: writerVector(p, f),
        thumbnail: new Uint8Array(40_000).fill((p + f) % 251),
      })),
    });
    await out.write(new TextEncoder().encode(`stored ${p}\n`));
  }
}
