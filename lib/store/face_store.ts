/**
 * The embedding store: what the face stage found in each photo, keyed by the photo's content
 * hash under a key made of the models and the options that change results, so that a rerun
 * recomputes nothing and a killed run resumes where it stopped.
 *
 * All stores under one root share one SQLite database, `<root>/faces.sqlite` (see
 * ./store_db.ts): a photo's record (its row and all its faces: fields, float32 vector,
 * thumbnail) is written in one transaction, so an interrupted write leaves no trace, and
 * several processes may use one store at once: each photo is stored once (the first to commit
 * wins; the other gets the stored record back), faces are addressed by (photo hash, face
 * index), never by a position in a shared file; a photo one process is computing is claimed
 * ({@link FaceStore.claim}) so that the other takes other photos first. Every record carries
 * CRC-32 checksums (./checksum.ts), checked when the store is opened and whenever a record or
 * vector is read: a damaged store is a {@link ToolkitError} naming `deno task store verify
 * --repair`, never reused.
 *
 * The older folder layout (`<root>/<key>/records.jsonl`, `vectors.f32`) is not read; such
 * folders can be deleted.
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { ToolkitError } from "../errors.ts";
import type { FaceQuality } from "../faces/quality.ts";
import { sha256Hex } from "../util/hash.ts";
import { bytesOf, faceChecksum, photoChecksum } from "./checksum.ts";
import { type CheckedPhoto, type FaceRow, photosOfKey, RecordReader, vectorOf } from "./record_rows.ts";
import { openStoreDb, repairHint, storeError, withWriteLock } from "./store_db.ts";

/**
 * One face as stored. Fields other than those below (added by later stages, e.g. a quality
 * score) are stored and read back as they are.
 */
export interface StoredFace {
  /** Box [x, y, w, h] in photo pixels. */
  box: [number, number, number, number];
  /** Detector score. */
  score: number;
  /** Five landmarks, flat [x0, y0, ..., x4, y4]. */
  landmarks: number[];
  /** Whether a thumbnail is stored ({@link FaceStore.thumbnails}). */
  thumb?: boolean;
  /** What predicts a poor embedding (size, score, sharpness, pose), when the face stage recorded it. */
  quality?: FaceQuality;
  /** Further per-face fields (JSON values), kept as given. */
  [field: string]: unknown;
}

/** What is stored for one photo (by content hash). */
export interface StoredImage {
  /** SHA-256 of the photo's bytes. */
  hash: string;
  /** Decoded size, when decoding worked. */
  width?: number;
  /** Decoded size, when decoding worked. */
  height?: number;
  /** Faces found (empty: no face), in face-index order. */
  faces: StoredFace[];
  /** Set when the photo could not be processed; the same bytes would fail again. */
  error?: { stage: string; message: string };
}

/**
 * A face to store: what the face stage produces. Fields beyond these (JSON values) are stored
 * with the face and come back in its {@link StoredFace}.
 */
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
  /** Optional quality measures (../faces/quality.ts), stored with the face. */
  quality?: FaceQuality;
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

/** The result of one photo, as {@link FaceStore.put} takes it. */
export type PhotoToStore =
  | { width: number; height: number; faces: FaceToStore[] }
  | { error: { stage: string; message: string } };

/** Options of {@link FaceStore.open}. */
export interface OpenOptions {
  /** Where to say that the store is locked by another process. @default console.error */
  log?: (line: string) => void;
  /**
   * Check every record of this key on opening (checksums, face counts) besides SQLite's own
   * quick check. @default true
   */
  verify?: boolean;
}

/** Short stable hash of a store key (its id in the database). */
export async function storeKeyId(key: StoreKey): Promise<string> {
  const text = JSON.stringify({ models: key.models, dim: key.dim, options: sortKeys(key.options) });
  return (await sha256Hex(new TextEncoder().encode(text))).slice(0, 16);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

const round = (v: number, f: number) => Math.round(v * f) / f;

/** A claim older than this is taken to belong to a process that died. */
const CLAIM_TTL_MS = 60_000;

/** The stored fields of a face (everything but its vector and thumbnail), as JSON text. */
function faceInfo(f: FaceToStore): string {
  const { box, score, landmarks, embedding: _e, thumbnail, ...extra } = f as
    & FaceToStore
    & Record<string, unknown>;
  const info: Record<string, unknown> = {
    ...extra,
    box: [box.x, box.y, box.w, box.h].map((v) => round(v, 100)),
    score: round(score, 1e5),
    landmarks: Array.from(landmarks, (v) => round(v, 100)),
  };
  if (thumbnail) info.thumb = true;
  else delete info.thumb;
  return JSON.stringify(info);
}

/** An open embedding store (one key of one database); safe to use from several processes at once. */
export class FaceStore {
  /** Root folder of the stores. */
  readonly root: string;
  /** The database file. */
  readonly file: string;
  /** Id of this store's key. */
  readonly keyId: string;
  /** Embedding length. */
  readonly dim: number;
  readonly #db: DatabaseSync;
  readonly #reader: RecordReader;
  readonly #log: (line: string) => void;
  readonly #insertPhoto: StatementSync;
  readonly #insertFace: StatementSync;
  readonly #endClaim: StatementSync;
  /** Who this connection is, in `claims`. */
  readonly #owner = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  #queue: Promise<unknown> = Promise.resolve();
  /** Records checked (on opening, or when first read) and written by this connection. */
  readonly #records: Map<string, StoredImage>;

  private constructor(
    root: string,
    file: string,
    db: DatabaseSync,
    keyId: string,
    dim: number,
    log: (line: string) => void,
    records: Map<string, StoredImage>,
  ) {
    this.#records = records;
    this.root = root;
    this.file = file;
    this.#db = db;
    this.keyId = keyId;
    this.dim = dim;
    this.#log = log;
    this.#reader = new RecordReader(db);
    this.#insertPhoto = db.prepare(
      "INSERT OR IGNORE INTO photos (key_id, hash, width, height, error, face_count, checksum, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.#endClaim = db.prepare("DELETE FROM claims WHERE key_id = ? AND hash = ?");
    this.#insertFace = db.prepare(
      "INSERT INTO faces (key_id, hash, idx, info, vector, thumb, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /**
   * Opens (creating if needed) the store for `key` under `root`. SQLite's quick check runs, and
   * (unless `verify: false`) every record of this key is checked: a damaged store is a
   * {@link ToolkitError} saying what is damaged and how to repair it.
   */
  static async open(root: string, key: StoreKey, opts: OpenOptions = {}): Promise<FaceStore> {
    return await FaceStore.#open(root, await storeKeyId(key), key, opts);
  }

  /**
   * Opens the existing store of key id `keyId` (as `deno task store stats` lists them), checked
   * like {@link open}; a key that is not stored is a {@link ToolkitError}.
   */
  static async openKey(root: string, keyId: string, opts: OpenOptions = {}): Promise<FaceStore> {
    return await FaceStore.#open(root, keyId, undefined, opts);
  }

  static async #open(
    root: string,
    keyId: string,
    key: StoreKey | undefined,
    opts: OpenOptions,
  ): Promise<FaceStore> {
    const log = opts.log ?? ((l: string) => console.error(l));
    const { db, file } = await openStoreDb(root, log);
    let dim: number;
    const records = new Map<string, StoredImage>();
    try {
      const qc = db.prepare("PRAGMA quick_check(5)").all() as { quick_check: string }[];
      if (qc.length !== 1 || qc[0].quick_check !== "ok") {
        throw new ToolkitError(
          `store ${file} is damaged (SQLite quick_check: ${qc.map((r) => r.quick_check).join("; ")}); ${
            repairHint(root)
          }`,
        );
      }
      if (key) {
        await withWriteLock(db, file, () => {
          db.prepare("INSERT OR IGNORE INTO store_keys (id, key, dim, created) VALUES (?, ?, ?, ?)")
            .run(
              keyId,
              JSON.stringify({ ...key, options: sortKeys(key.options) }),
              key.dim,
              new Date().toISOString(),
            );
        }, log);
      }
      const stored = db.prepare("SELECT dim FROM store_keys WHERE id = ?").get(keyId) as
        | { dim: number }
        | undefined;
      if (!stored) {
        throw new ToolkitError(`store ${file}: no key ${keyId} (deno task store stats lists them)`);
      }
      if (key && stored.dim !== key.dim) {
        throw new ToolkitError(
          `store ${file}: key ${keyId} holds ${stored.dim}-d vectors, asked for ${key.dim}`,
        );
      }
      dim = stored.dim;
      if (opts.verify !== false) {
        const damaged: string[] = [];
        let count = 0;
        for (const p of photosOfKey(db, keyId, dim)) {
          if (p.problems.length === 0) {
            records.set(p.hash, toImage(p as CheckedPhoto));
            continue;
          }
          count++;
          if (damaged.length < 3) damaged.push(`photo ${p.hash.slice(0, 12)}: ${p.problems.join(", ")}`);
        }
        if (count > 0) {
          throw new ToolkitError(
            `store ${file} is damaged: ${count} record(s) of key ${keyId} fail their checks (${
              damaged.join("; ")
            }${count > 3 ? "; ..." : ""}); ${repairHint(root)}`,
          );
        }
      }
    } catch (e) {
      db.close();
      throw storeError(file, root, "checking on open", e);
    }
    return new FaceStore(root, file, db, keyId, dim, log, records);
  }

  #count(sql: string): number {
    try {
      return (this.#db.prepare(sql).get(this.keyId) as { n: number }).n;
    } catch (e) {
      throw storeError(this.file, this.root, "counting", e);
    }
  }

  /** Number of photos stored under this key (by any process). */
  get size(): number {
    return this.#count("SELECT count(*) AS n FROM photos WHERE key_id = ?");
  }

  /** Number of embeddings stored under this key. */
  get rows(): number {
    return this.#count("SELECT count(*) AS n FROM faces WHERE key_id = ?");
  }

  /** Hashes of every stored photo of this key, sorted. */
  hashes(): string[] {
    try {
      return (this.#db.prepare("SELECT hash FROM photos WHERE key_id = ? ORDER BY hash").all(this.keyId) as {
        hash: string;
      }[]).map((r) => r.hash);
    } catch (e) {
      throw storeError(this.file, this.root, "listing", e);
    }
  }

  #read(hash: string): CheckedPhoto | undefined {
    let c: CheckedPhoto | undefined;
    try {
      c = this.#reader.read(this.keyId, hash, this.dim);
    } catch (e) {
      throw storeError(this.file, this.root, `reading photo ${hash}`, e);
    }
    if (c && c.problems.length > 0) {
      throw new ToolkitError(
        `store ${this.file} is damaged: photo ${hash}: ${c.problems.join(", ")}; ${repairHint(this.root)}`,
      );
    }
    return c;
  }

  /** The record of a photo, if it was processed before (by any process); checked. */
  get(hash: string): StoredImage | undefined {
    const known = this.#records.get(hash);
    if (known) return known;
    const c = this.#read(hash);
    if (!c) return undefined;
    const rec = toImage(c);
    this.#records.set(hash, rec);
    return rec;
  }

  /**
   * Stores the result for one photo: its faces, or the error it gave, in one transaction. When
   * the photo is already stored (another process got there first), nothing is written and the
   * stored record is returned.
   */
  put(hash: string, result: PhotoToStore): Promise<StoredImage> {
    const job = this.#queue.then(() => this.#write(hash, result));
    this.#queue = job.catch(() => {});
    return job;
  }

  #write(hash: string, result: PhotoToStore): Promise<StoredImage> {
    // Everything is prepared before the transaction, which then only writes.
    const k = this.keyId;
    let photo: [number | null, number | null, string | null];
    const faces: [number, string, Uint8Array, Uint8Array | null, number][] = [];
    if ("error" in result) {
      photo = [null, null, JSON.stringify(result.error)];
    } else {
      photo = [result.width, result.height, null];
      result.faces.forEach((f, i) => {
        if (f.embedding.length !== this.dim) {
          throw new ToolkitError(
            `store: embedding has ${f.embedding.length} values, store holds ${this.dim}`,
          );
        }
        const info = faceInfo(f);
        const vec = bytesOf(f.embedding);
        const thumb = f.thumbnail ?? null;
        faces.push([i, info, vec, thumb, faceChecksum(k, hash, i, info, vec, thumb)]);
      });
    }
    const sum = photoChecksum(k, hash, photo[0], photo[1], photo[2], faces.length);
    const created = new Date().toISOString();
    return withWriteLock(this.#db, this.file, () => {
      this.#endClaim.run(k, hash); // stored now
      if (
        this.#insertPhoto.run(k, hash, photo[0], photo[1], photo[2], faces.length, sum, created).changes === 0
      ) {
        // Another process stored this photo first: keep its record.
        const existing = this.#reader.read(k, hash, this.dim)!;
        if (existing.problems.length > 0) {
          throw new ToolkitError(
            `store ${this.file} is damaged: photo ${hash}: ${existing.problems.join(", ")}; ${
              repairHint(this.root)
            }`,
          );
        }
        return this.#remember(toImage(existing));
      }
      for (const f of faces) this.#insertFace.run(k, hash, ...f);
      return this.#remember(toImage({
        photo: {
          hash,
          width: photo[0],
          height: photo[1],
          error: photo[2],
          face_count: faces.length,
          checksum: sum,
        },
        faces: faces.map(([idx, info, vector, thumb, checksum]) => ({ idx, info, vector, thumb, checksum })),
        problems: [],
      }));
    }, this.#log).catch((e) => {
      throw storeError(this.file, this.root, `storing photo ${hash}`, e);
    });
  }

  #remember(rec: StoredImage): StoredImage {
    this.#records.set(rec.hash, rec);
    return rec;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    await this.#queue;
  }

  /** The checked embeddings of one stored photo's faces, in face order (empty when not stored). */
  embeddings(hash: string): Float32Array[] {
    return this.#read(hash)?.faces.map(vectorOf) ?? [];
  }

  /**
   * The embeddings of the given photos' faces, one row per face: for each hash in turn (a
   * hash may repeat), all its faces in index order. Every vector is checked; a hash that is not
   * stored is a {@link ToolkitError}.
   */
  async vectors(hashes: readonly string[]): Promise<Float32Array> {
    await this.flush();
    const parts = this.#faceRows(hashes);
    let rows = 0;
    for (const h of hashes) {
      let faces = parts.get(h);
      if (!faces) {
        const c = this.#read(h);
        if (!c) throw new ToolkitError(`store ${this.file}: photo ${h} is not stored`);
        parts.set(h, faces = c.faces);
      }
      rows += faces.length;
    }
    const out = new Float32Array(rows * this.dim);
    const bytes = bytesOf(out);
    let o = 0;
    for (const h of hashes) {
      for (const f of parts.get(h)!) bytes.set(f.vector, o), o += f.vector.length;
    }
    return out;
  }

  /**
   * The checked face rows of the given photos: one query per photo for a few, one ordered pass
   * over the key for many.
   */
  #faceRows(hashes: readonly string[]): Map<string, FaceRow[]> {
    const wanted = new Set(hashes);
    const parts = new Map<string, FaceRow[]>();
    if (wanted.size <= 64) return parts; // filled one by one by the caller
    try {
      for (const p of photosOfKey(this.#db, this.keyId, this.dim)) {
        if (!wanted.has(p.hash)) continue;
        if (p.problems.length > 0) {
          throw new ToolkitError(
            `store ${this.file} is damaged: photo ${p.hash}: ${p.problems.join(", ")}; ${
              repairHint(this.root)
            }`,
          );
        }
        parts.set(p.hash, p.faces);
      }
    } catch (e) {
      throw storeError(this.file, this.root, "reading vectors", e);
    }
    return parts;
  }

  /**
   * The thumbnails of the given photos' faces, in the order of {@link vectors} (undefined where
   * none was stored).
   */
  async thumbnails(hashes: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    await this.flush();
    const parts = this.#faceRows(hashes);
    const out: (Uint8Array | undefined)[] = [];
    for (const h of hashes) {
      let faces = parts.get(h);
      if (!faces) parts.set(h, faces = this.#read(h)?.faces ?? []);
      for (const f of faces) out.push(f.thumb ?? undefined);
    }
    return out;
  }

  /** Closes the database connection (the store cannot be used afterwards). */
  close(): void {
    if (!this.#db.isOpen) return;
    try {
      this.#db.prepare("DELETE FROM claims WHERE owner = ?").run(this.#owner);
    } catch { /* locked or damaged: the claims go stale by themselves */ }
    this.#db.close();
  }

  /**
   * Marks photo `hash` as being computed by this process, so that another process using the
   * store at the same time takes other photos first. False when another process claimed it
   * less than `ttlMs` ago (and has not stored it yet); storing the photo ends the claim.
   */
  async claim(hash: string, ttlMs = CLAIM_TTL_MS): Promise<boolean> {
    const now = Date.now();
    try {
      return await withWriteLock(this.#db, this.file, () =>
        this.#db.prepare(
          `INSERT INTO claims (key_id, hash, owner, at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key_id, hash) DO UPDATE SET owner = excluded.owner, at = excluded.at
           WHERE claims.owner = excluded.owner OR claims.at < ?`,
        ).run(this.keyId, hash, this.#owner, now, now - ttlMs).changes === 1, this.#log);
    } catch (e) {
      throw storeError(this.file, this.root, `claiming photo ${hash}`, e);
    }
  }

  /** Ends this process's claim on `hash` without storing it (the photo failed). */
  release(hash: string): void {
    try {
      this.#db.prepare("DELETE FROM claims WHERE key_id = ? AND hash = ? AND owner = ?").run(
        this.keyId,
        hash,
        this.#owner,
      );
    } catch { /* the claim goes stale by itself */ }
  }

  /**
   * Waits until photo `hash`, claimed by another process, is stored, and returns its record;
   * undefined as soon as no live claim (younger than `ttlMs`, default a minute) is left, or
   * after `maxWaitMs` (default 30 s): the caller then computes it itself. `signal` stops the wait.
   */
  async waitFor(
    hash: string,
    opts: { maxWaitMs?: number; ttlMs?: number; signal?: AbortSignal } = {},
  ): Promise<StoredImage | undefined> {
    const { maxWaitMs = 30_000, ttlMs = CLAIM_TTL_MS, signal } = opts;
    const start = Date.now();
    for (;;) {
      signal?.throwIfAborted();
      const rec = this.get(hash);
      if (rec) return rec;
      let c: { at: number } | undefined;
      try {
        c = this.#db.prepare("SELECT at FROM claims WHERE key_id = ? AND hash = ?").get(this.keyId, hash) as
          | { at: number }
          | undefined;
      } catch (e) {
        throw storeError(this.file, this.root, `reading the claim on photo ${hash}`, e);
      }
      if (!c || c.at < Date.now() - ttlMs || Date.now() - start > maxWaitMs) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function toImage(c: CheckedPhoto): StoredImage {
  const p = c.photo;
  if (p.error !== null) return { hash: p.hash, faces: [], error: JSON.parse(p.error) };
  return {
    hash: p.hash,
    width: p.width ?? undefined,
    height: p.height ?? undefined,
    faces: c.faces.map((f) => JSON.parse(f.info) as StoredFace),
  };
}
