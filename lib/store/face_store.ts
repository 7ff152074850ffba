/**
 * The embedding store: what the face stage found in each photo, keyed by the photo's content
 * hash under a key made of the models and the options that change results, so that a rerun
 * recomputes nothing and a killed run resumes where it stopped.
 *
 * Layout of `<root>/<key>/`: `meta.json` (what the key stands for), `vectors.f32` (raw
 * little-endian float32 rows, appended), `thumbs.bin` (JPEG thumbnails, appended) and
 * `records.jsonl` (one {@link StoredImage} per line, appended last: a photo counts as done only
 * once its line is complete). On opening, a partial last line is dropped and bytes beyond the
 * last complete record are cut, so an interrupted write leaves no trace.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { sha256Hex } from "../util/hash.ts";

/** One face as stored. */
export interface StoredFace {
  /** Box [x, y, w, h] in photo pixels. */
  box: [number, number, number, number];
  /** Detector score. */
  score: number;
  /** Five landmarks, flat [x0, y0, ..., x4, y4]. */
  landmarks: number[];
  /** Row of the embedding in `vectors.f32`. */
  row: number;
  /** Byte offset and length of the thumbnail in `thumbs.bin`, if one was made. */
  thumb?: [number, number];
}

/** What is stored for one photo (by content hash). */
export interface StoredImage {
  /** SHA-256 of the photo's bytes. */
  hash: string;
  /** Decoded size, when decoding worked. */
  width?: number;
  /** Decoded size, when decoding worked. */
  height?: number;
  /** Faces found (empty: no face). */
  faces: StoredFace[];
  /** Set when the photo could not be processed; the same bytes would fail again. */
  error?: { stage: string; message: string };
}

/** A face to store: what the face stage produces. */
export interface FaceToStore {
  /** Box in photo pixels. */
  box: { x: number; y: number; w: number; h: number };
  /** Detector score. */
  score: number;
  /** Five landmarks. */
  landmarks: ArrayLike<number>;
  /** L2-normalised embedding of length `dim`. */
  embedding: Float32Array;
  /** Optional JPEG thumbnail. */
  thumbnail?: Uint8Array;
}

/** What identifies a store: results differ when any of this changes. */
export interface StoreKey {
  /** Model ids, in pipeline order. */
  models: string[];
  /** Embedding length. */
  dim: number;
  /** Options that change results (thresholds, sizes). */
  options: Record<string, unknown>;
}

/** Short stable hash of a store key (the folder name). */
export async function storeKeyId(key: StoreKey): Promise<string> {
  const text = JSON.stringify({ models: key.models, dim: key.dim, options: sortKeys(key.options) });
  return (await sha256Hex(new TextEncoder().encode(text))).slice(0, 16);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/** An open embedding store. Single writer: one process appends at a time. */
export class FaceStore {
  /** Folder of this store. */
  readonly dir: string;
  /** Embedding length. */
  readonly dim: number;
  readonly #records = new Map<string, StoredImage>();
  #rows = 0;
  #thumbBytes = 0;
  #queue: Promise<void> = Promise.resolve();
  #vectors?: Float32Array;

  private constructor(dir: string, dim: number) {
    this.dir = dir;
    this.dim = dim;
  }

  /** Opens (creating or repairing) the store for `key` under `root`. */
  static async open(root: string, key: StoreKey): Promise<FaceStore> {
    const dir = `${root}/${await storeKeyId(key)}`;
    await Deno.mkdir(dir, { recursive: true });
    const metaPath = `${dir}/meta.json`;
    if ((await sizeOf(metaPath)) === 0) {
      await Deno.writeTextFile(
        metaPath,
        JSON.stringify({ ...key, created: new Date().toISOString() }, null, 2),
      );
    }
    const store = new FaceStore(dir, key.dim);
    await store.#recover();
    return store;
  }

  async #recover(): Promise<void> {
    const recPath = `${this.dir}/records.jsonl`;
    let text = "";
    try {
      text = await Deno.readTextFile(recPath);
    } catch { /* new store */ }
    const vecSize = await sizeOf(`${this.dir}/vectors.f32`);
    const thumbSize = await sizeOf(`${this.dir}/thumbs.bin`);
    const rowBytes = this.dim * 4;
    let goodLen = 0;
    let offset = 0;
    for (const line of text.split("\n")) {
      const end = offset + line.length + 1;
      if (end > text.length) break; // partial last line (no newline)
      offset = end;
      if (line.trim() === "") continue;
      let rec: StoredImage;
      try {
        rec = JSON.parse(line);
      } catch {
        break;
      }
      const rowsEnd = rec.faces.reduce((m, f) => Math.max(m, f.row + 1), this.#rows);
      const thumbsEnd = rec.faces.reduce(
        (m, f) => Math.max(m, f.thumb ? f.thumb[0] + f.thumb[1] : 0),
        this.#thumbBytes,
      );
      if (rowsEnd * rowBytes > vecSize || thumbsEnd > thumbSize) break; // data missing: stop here
      this.#records.set(rec.hash, rec);
      this.#rows = rowsEnd;
      this.#thumbBytes = thumbsEnd;
      goodLen = end;
    }
    const enc = new TextEncoder();
    if (goodLen !== enc.encode(text).length) {
      await Deno.writeFile(recPath, enc.encode(text.slice(0, goodLen)));
    }
    if (vecSize !== this.#rows * rowBytes) {
      await Deno.truncate(`${this.dir}/vectors.f32`, this.#rows * rowBytes);
    }
    if (thumbSize !== this.#thumbBytes) await Deno.truncate(`${this.dir}/thumbs.bin`, this.#thumbBytes);
  }

  /** Number of photos stored. */
  get size(): number {
    return this.#records.size;
  }

  /** Number of embeddings stored. */
  get rows(): number {
    return this.#rows;
  }

  /** The record of a photo, if it was processed before. */
  get(hash: string): StoredImage | undefined {
    return this.#records.get(hash);
  }

  /** Stores the result for one photo: its faces, or the error it gave. */
  put(
    hash: string,
    result: { width: number; height: number; faces: FaceToStore[] } | {
      error: { stage: string; message: string };
    },
  ): Promise<StoredImage> {
    const job = this.#queue.then(() => this.#append(hash, result));
    this.#queue = job.then(() => {}, () => {});
    return job;
  }

  async #append(
    hash: string,
    result: { width: number; height: number; faces: FaceToStore[] } | {
      error: { stage: string; message: string };
    },
  ): Promise<StoredImage> {
    const existing = this.#records.get(hash);
    if (existing) return existing;
    let rec: StoredImage;
    if ("error" in result) {
      rec = { hash, faces: [], error: result.error };
    } else {
      const faces: StoredFace[] = [];
      const vec = new Float32Array(result.faces.length * this.dim);
      const thumbs: Uint8Array[] = [];
      let thumbOff = this.#thumbBytes;
      result.faces.forEach((f, i) => {
        if (f.embedding.length !== this.dim) {
          throw new ToolkitError(
            `store: embedding has ${f.embedding.length} values, store holds ${this.dim}`,
          );
        }
        vec.set(f.embedding, i * this.dim);
        const sf: StoredFace = {
          box: [f.box.x, f.box.y, f.box.w, f.box.h].map((v) =>
            Math.round(v * 100) / 100
          ) as StoredFace["box"],
          score: Math.round(f.score * 1e5) / 1e5,
          landmarks: Array.from(f.landmarks, (v) => Math.round(v * 100) / 100),
          row: this.#rows + i,
        };
        if (f.thumbnail) {
          sf.thumb = [thumbOff, f.thumbnail.length];
          thumbOff += f.thumbnail.length;
          thumbs.push(f.thumbnail);
        }
        faces.push(sf);
      });
      if (faces.length > 0) {
        await Deno.writeFile(`${this.dir}/vectors.f32`, new Uint8Array(vec.buffer), { append: true });
      }
      if (thumbs.length > 0) {
        // One append for all of the photo's thumbnails.
        const all = new Uint8Array(thumbOff - this.#thumbBytes);
        let o = 0;
        for (const t of thumbs) all.set(t, o), o += t.length;
        await Deno.writeFile(`${this.dir}/thumbs.bin`, all, { append: true });
      }
      rec = { hash, width: result.width, height: result.height, faces };
      this.#rows += faces.length;
      this.#thumbBytes = thumbOff;
      this.#vectors = undefined;
    }
    await Deno.writeTextFile(`${this.dir}/records.jsonl`, JSON.stringify(rec) + "\n", { append: true });
    this.#records.set(hash, rec);
    return rec;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    await this.#queue;
  }

  /** All stored embeddings, one row per stored face (read once, then cached). */
  async vectors(): Promise<Float32Array> {
    await this.flush();
    if (!this.#vectors) {
      const bytes = this.#rows > 0 ? await Deno.readFile(`${this.dir}/vectors.f32`) : new Uint8Array(0);
      this.#vectors = new Float32Array(bytes.buffer, 0, this.#rows * this.dim);
    }
    return this.#vectors;
  }

  /** Reads the thumbnails of the given faces (undefined where none was stored). */
  async thumbnails(faces: readonly StoredFace[]): Promise<(Uint8Array | undefined)[]> {
    await this.flush();
    if (!faces.some((f) => f.thumb)) return faces.map(() => undefined);
    const file = await Deno.open(`${this.dir}/thumbs.bin`, { read: true });
    try {
      const out: (Uint8Array | undefined)[] = [];
      for (const f of faces) {
        if (!f.thumb) {
          out.push(undefined);
          continue;
        }
        const buf = new Uint8Array(f.thumb[1]);
        await file.seek(f.thumb[0], Deno.SeekMode.Start);
        let got = 0;
        while (got < buf.length) {
          const n = await file.read(buf.subarray(got));
          if (n === null) break;
          got += n;
        }
        out.push(buf);
      }
      return out;
    } finally {
      file.close();
    }
  }
}
