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
import { keyText, storeKeyId } from "./key_id.ts";
import type {
  EmbeddingStore,
  KeyVerification,
  OpenOptions,
  PhotoToStore,
  StoredImage,
  StoreKey,
  WaitOptions,
} from "./types.ts";
import { bytesOf } from "./checksum.ts";
import { encodeRecord, toImage } from "./record_codec.ts";
import {
  type CheckedPhoto,
  type FaceRow,
  photosOfKey,
  RecordReader,
  scanKey,
  vectorOf,
} from "./record_rows.ts";
import { openStoreDb, repairHint, storeError, withWriteLock } from "./store_db.ts";

export type { FaceToStore, OpenOptions, PhotoToStore, StoredFace, StoredImage, StoreKey } from "./types.ts";
export { storeKeyId } from "./key_id.ts";

/** A claim older than this is taken to belong to a process that died. */
const CLAIM_TTL_MS = 60_000;

/**
 * An open embedding store (one key of one SQLite database); safe to use from several processes
 * at once. Besides the {@link EmbeddingStore} contract it offers synchronous reads (`get`,
 * `embeddings`, `size`, `rows`, `hashes`), since SQLite answers at once.
 */
export class FaceStore implements EmbeddingStore {
  /** Always `sqlite`. */
  readonly backend = "sqlite" as const;
  /** Root folder of the stores. */
  readonly root: string;
  /** The database file. */
  readonly file: string;
  /** Id of this store's key. */
  readonly keyId: string;
  /** Embedding length. */
  readonly dim: number;
  /** The database file, for messages. */
  get location(): string {
    return this.file;
  }
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
              keyText(key),
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
    const { photo: p, faces } = encodeRecord(k, hash, result, this.dim);
    const created = new Date().toISOString();
    return withWriteLock(this.#db, this.file, () => {
      this.#endClaim.run(k, hash); // stored now
      if (
        this.#insertPhoto.run(k, hash, p.width, p.height, p.error, p.face_count, p.checksum, created)
          .changes === 0
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
      for (const f of faces) this.#insertFace.run(k, hash, f.idx, f.info, f.vector, f.thumb, f.checksum);
      return this.#remember(toImage({ photo: p, faces }));
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

  /**
   * Closes the database connection (the store cannot be used afterwards). It is closed when this
   * returns; the promise is for the {@link EmbeddingStore} contract.
   */
  close(): Promise<void> {
    if (!this.#db.isOpen) return Promise.resolve();
    try {
      this.#db.prepare("DELETE FROM claims WHERE owner = ?").run(this.#owner);
    } catch { /* locked or damaged: the claims go stale by themselves */ }
    this.#db.close();
    return Promise.resolve();
  }

  /** Whether photo `hash` is stored (by any process); its record is checked. */
  has(hash: string): Promise<boolean> {
    try {
      return Promise.resolve(this.get(hash) !== undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The record of photo `hash` ({@link get}), for the {@link EmbeddingStore} contract. */
  record(hash: string): Promise<StoredImage | undefined> {
    try {
      return Promise.resolve(this.get(hash));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Photos and faces stored under this key. */
  counts(): Promise<{ photos: number; faces: number }> {
    try {
      return Promise.resolve({ photos: this.size, faces: this.rows });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Every stored record of this key, checked, in hash order. */
  async *records(): AsyncIterable<StoredImage> {
    await this.flush();
    for (const p of photosOfKey(this.#db, this.keyId, this.dim)) {
      if (p.problems.length > 0 || !p.photo) {
        throw new ToolkitError(
          `store ${this.file} is damaged: photo ${p.hash}: ${p.problems.join(", ")}; ${
            repairHint(this.root)
          }`,
        );
      }
      yield toImage(p as CheckedPhoto);
    }
  }

  /**
   * Checks every record of this key (checksums, face counts, orphaned face rows); `repair`
   * deletes the damaged ones (the next run recomputes them). `deno task store verify` checks the
   * whole file besides.
   */
  async verify(opts: { repair?: boolean } = {}): Promise<KeyVerification> {
    await this.flush();
    const counts = { photos: this.size, faces: this.rows };
    const damaged = [...scanKey(this.#db, this.keyId, this.dim)];
    let removed = 0;
    if (opts.repair && damaged.length > 0) {
      await withWriteLock(this.#db, this.file, () => {
        const dp = this.#db.prepare("DELETE FROM photos WHERE key_id = ? AND hash = ?");
        const df = this.#db.prepare("DELETE FROM faces WHERE key_id = ? AND hash = ?");
        for (const d of damaged) {
          dp.run(this.keyId, d.hash), df.run(this.keyId, d.hash);
          this.#records.delete(d.hash);
          removed++;
        }
      }, this.#log);
    }
    return { ...counts, damaged, removed };
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

  /** Ends this process's claim on `hash` without storing it (the photo failed); done when this returns. */
  release(hash: string): Promise<void> {
    try {
      this.#db.prepare("DELETE FROM claims WHERE key_id = ? AND hash = ? AND owner = ?").run(
        this.keyId,
        hash,
        this.#owner,
      );
    } catch { /* the claim goes stale by itself */ }
    return Promise.resolve();
  }

  /**
   * Waits until photo `hash`, claimed by another process, is stored, and returns its record;
   * undefined as soon as no live claim (younger than `ttlMs`, default a minute) is left, or
   * after `maxWaitMs` (default 30 s): the caller then computes it itself. `signal` stops the wait.
   */
  async waitFor(hash: string, opts: WaitOptions = {}): Promise<StoredImage | undefined> {
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
