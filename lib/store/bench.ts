/**
 * `deno task bench:store [--faces 25000] [--per-photo 1] [--dim 512] [--thumb-bytes 0]`: time to
 * store that many random unit vectors through {@link FaceStore.put} (one transaction per photo),
 * to reopen the store (quick check and every checksum), and to read every vector back with
 * {@link FaceStore.vectors} (checksums checked), in a fresh temporary store.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { type CommandValues, defineCommand } from "../flags/types.ts";
import { DatabaseSync } from "node:sqlite";
import { bytesOf } from "./checksum.ts";
import { FaceStore, type FaceToStore } from "./face_store.ts";

/** The flags of `deno task bench:store`. */
export const STORE_BENCH_COMMAND = defineCommand({
  name: "deno task bench:store",
  summary: "Benchmark: storing, reopening (checksums checked) and reading back random vectors in a fresh " +
    "embedding store",
  flags: {
    faces: { type: "integer", min: 1, default: 25000, placeholder: "n", help: "vectors to store" },
    "per-photo": { type: "integer", min: 1, default: 1, placeholder: "n", help: "faces per photo" },
    dim: { type: "integer", min: 1, default: 512, placeholder: "n", help: "dimensions" },
    "thumb-bytes": {
      type: "integer",
      min: 0,
      default: 0,
      placeholder: "n",
      help: "thumbnail bytes per face",
    },
  },
});

/** Runs the benchmark with command line `args`; returns the exit status. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(STORE_BENCH_COMMAND, args, io, (v) => bench(v));
}

async function bench(v: CommandValues<typeof STORE_BENCH_COMMAND>): Promise<number> {
  const total = v.faces, per = v["per-photo"], dim = v.dim;
  const thumbBytes = v["thumb-bytes"];
  const photos = Math.ceil(total / per);
  const root = await Deno.makeTempDir({ prefix: "facegroup-bench-store-" });
  try {
    const key = { models: ["bench"], dim, options: {} };
    const store = await FaceStore.open(root, key, { log: () => {} });
    let seed = 1;
    const rnd = () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9 | 0) >>> 0) / 2 ** 32;
    const hashes = Array.from({ length: photos }, (_, i) => `photo-${i.toString().padStart(8, "0")}`);
    const inputs = hashes.map((): FaceToStore[] =>
      Array.from({ length: per }, () => {
        const e = Float32Array.from({ length: dim }, () => rnd() - 0.5);
        const n = Math.hypot(...e);
        for (let j = 0; j < dim; j++) e[j] /= n;
        return {
          box: { x: 10, y: 20, w: 100, h: 120 },
          score: 0.9,
          landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          embedding: e,
          thumbnail: thumbBytes > 0 ? new Uint8Array(thumbBytes).fill(7) : undefined,
        };
      })
    );
    let t = performance.now();
    for (let i = 0; i < photos; i++) {
      await store.put(hashes[i], { width: 640, height: 480, faces: inputs[i] });
    }
    const insertS = (performance.now() - t) / 1000;
    store.close();
    t = performance.now();
    const again = await FaceStore.open(root, key, { log: () => {} });
    const openS = (performance.now() - t) / 1000;
    t = performance.now();
    const back = await again.vectors(again.hashes());
    const readS = (performance.now() - t) / 1000;
    again.close();
    let same = back.length === photos * per * dim;
    for (let i = 0; same && i < photos; i++) {
      for (let f = 0; f < per; f++) {
        const e = inputs[i][f].embedding, o = (i * per + f) * dim;
        for (let j = 0; j < dim; j++) if (back[o + j] !== e[j]) same = false;
      }
    }
    const size = (await Deno.stat(`${root}/faces.sqlite`)).size;
    // Baseline on this machine now: the same rows through bare SQLite statements, one
    // transaction per photo, no checksums.
    const raw = new DatabaseSync(`${root}/raw.sqlite`);
    raw.exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    raw.exec("CREATE TABLE f (k TEXT, h TEXT, i INTEGER, info TEXT, v BLOB, PRIMARY KEY (k, h, i))");
    const ins = raw.prepare("INSERT INTO f VALUES (?, ?, ?, ?, ?)");
    t = performance.now();
    for (let i = 0; i < photos; i++) {
      raw.exec("BEGIN IMMEDIATE");
      inputs[i].forEach((f, j) => ins.run("k", hashes[i], j, "{}", bytesOf(f.embedding)));
      raw.exec("COMMIT");
    }
    const rawInsertS = (performance.now() - t) / 1000;
    t = performance.now();
    raw.prepare("SELECT v FROM f WHERE k = ? ORDER BY h, i").all("k");
    const rawReadS = (performance.now() - t) / 1000;
    raw.close();
    console.log(
      `${photos * per} faces x ${dim} (${photos} photos, ${per} per photo, thumbnails ${thumbBytes} B): ` +
        `insert ${insertS.toFixed(2)} s, open+verify ${openS.toFixed(2)} s, read back ${
          readS.toFixed(2)
        } s, ` +
        `file ${(size / 1e6).toFixed(1)} MB, read back ${same ? "identical" : "DIFFERENT"}; ` +
        `bare SQLite baseline: insert ${rawInsertS.toFixed(2)} s, read ${rawReadS.toFixed(2)} s`,
    );
    return same ? 0 : 1;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
