/**
 * The embedding store in PostgreSQL (npm `postgres`), for many machines sharing one store: the
 * same records, keys, checksums and claims as the SQLite store (../face_store.ts), in tables of
 * one schema (`facegroup` unless the URL says `?schema=name`): `store_keys`, `photos` (one row
 * per key and photo hash), `faces` (one row per face: fields as JSON text, the float32 vector
 * and the JPEG thumbnail as `bytea`, a CRC-32; removed with their photo) and `claims`. A photo's
 * row and faces are written in one transaction; the first to commit wins (`ON CONFLICT DO
 * NOTHING`), the other gets the stored record back. The password never appears in a message.
 * @module
 */
import postgres from "postgres";
import { errorMessage, ToolkitError } from "../../errors.ts";
import { bytesOf } from "../checksum.ts";
import { keyText, storeKeyId } from "../key_id.ts";
import { encodeRecord, toImage } from "../record_codec.ts";
import { type CheckedPhoto, checkPhoto, type FaceRow, type PhotoRow, vectorOf } from "../record_rows.ts";
import type {
  DamagedRecord,
  EmbeddingStore,
  KeyVerification,
  OpenOptions,
  PhotoToStore,
  StoredImage,
  StoreKey,
  WaitOptions,
} from "../types.ts";
import { maskSecrets, maskUrl, parsePgLocation } from "./pg_url.ts";
import { ensureSchema } from "./pg_schema.ts";

/** A claim older than this is taken to belong to a process that died. */
const CLAIM_TTL_MS = 60_000;
/** Photos read per query when scanning or reading many. */
const PAGE = 500;

type Sql = postgres.Sql;

interface RawFace {
  hash: string;
  idx: number;
  info: string;
  vector: Uint8Array;
  thumb: Uint8Array | null;
  checksum: string | number;
}

interface RawPhoto {
  hash: string;
  width: number | null;
  height: number | null;
  error: string | null;
  face_count: number;
  checksum: string | number;
}

const photoRow = (r: RawPhoto): PhotoRow => ({
  hash: r.hash,
  width: r.width,
  height: r.height,
  error: r.error,
  face_count: r.face_count,
  checksum: Number(r.checksum),
});

const faceRow = (r: RawFace): FaceRow => ({
  idx: r.idx,
  info: r.info,
  vector: r.vector,
  thumb: r.thumb,
  checksum: Number(r.checksum),
});

/** An open embedding store in a PostgreSQL database (one key); safe to use from many machines. */
export class PgStore implements EmbeddingStore {
  /** Always `postgres`. */
  readonly backend = "postgres" as const;
  /** The database URL with its password masked, and the schema. */
  readonly location: string;
  /** Id of this store's key. */
  readonly keyId: string;
  /** Embedding length. */
  readonly dim: number;
  readonly #sql: Sql;
  readonly #url: string;
  readonly #schema: string;
  readonly #owner = `${Deno.hostname?.() ?? "host"}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #records: Map<string, StoredImage>;

  private constructor(
    sql: Sql,
    url: string,
    schema: string,
    keyId: string,
    dim: number,
    records: Map<string, StoredImage>,
  ) {
    this.#sql = sql;
    this.#url = url;
    this.#schema = schema;
    this.location = `${maskUrl(url)} (schema ${schema})`;
    this.keyId = keyId;
    this.dim = dim;
    this.#records = records;
  }

  /**
   * Connects to `location` (a `postgres://` URL; the password may instead come from
   * `PGPASSWORD`), creates the schema if needed, registers `key`, and (unless `verify: false`)
   * checks every record of the key. Errors name the URL with its password masked.
   */
  static async open(location: string, key: StoreKey, opts: OpenOptions = {}): Promise<PgStore> {
    return await PgStore.#open(location, await storeKeyId(key), key, opts);
  }

  /** Opens the existing store of key id `keyId`; a key that is not stored is a {@link ToolkitError}. */
  static async openKey(location: string, keyId: string, opts: OpenOptions = {}): Promise<PgStore> {
    return await PgStore.#open(location, keyId, undefined, opts);
  }

  /** The key ids stored in the database at `location` with their photo counts. */
  static async keys(location: string): Promise<{ id: string; dim: number; key: string; photos: number }[]> {
    const { url, schema } = parsePgLocation(location);
    const sql = connect(url);
    try {
      await ensureSchema(sql, schema);
      const rows = await sql.unsafe(
        `SELECT k.id, k.dim, k.key, (SELECT count(*) FROM "${schema}".photos p WHERE p.key_id = k.id) AS photos
         FROM "${schema}".store_keys k ORDER BY k.id`,
      );
      return rows.map((r) => ({ id: r.id, dim: r.dim, key: r.key, photos: Number(r.photos) }));
    } catch (e) {
      throw pgError(url, "listing keys", e);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  static async #open(
    location: string,
    keyId: string,
    key: StoreKey | undefined,
    opts: OpenOptions,
  ): Promise<PgStore> {
    const { url, schema } = parsePgLocation(location);
    const sql = connect(url);
    const records = new Map<string, StoredImage>();
    let dim: number;
    try {
      await ensureSchema(sql, schema);
      if (key) {
        await sql.unsafe(
          `INSERT INTO "${schema}".store_keys (id, key, dim, created) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO NOTHING`,
          [keyId, keyText(key), key.dim, new Date().toISOString()],
        );
      }
      const rows = await sql.unsafe(`SELECT dim FROM "${schema}".store_keys WHERE id = $1`, [keyId]);
      if (rows.length === 0) {
        throw new ToolkitError(`store ${maskUrl(url)}: no key ${keyId} (deno task store stats lists them)`);
      }
      dim = rows[0].dim as number;
      if (key && dim !== key.dim) {
        throw new ToolkitError(
          `store ${maskUrl(url)}: key ${keyId} holds ${dim}-d vectors, asked for ${key.dim}`,
        );
      }
      if (opts.verify !== false) {
        const damaged: string[] = [];
        let count = 0;
        for await (const p of scan(sql, schema, keyId, dim)) {
          if (p.problems.length === 0) {
            records.set(p.photo.hash, toImage(p));
            continue;
          }
          count++;
          if (damaged.length < 3) {
            damaged.push(`photo ${p.photo.hash.slice(0, 12)}: ${p.problems.join(", ")}`);
          }
        }
        if (count > 0) {
          throw new ToolkitError(
            `store ${maskUrl(url)} is damaged: ${count} record(s) of key ${keyId} fail their checks (${
              damaged.join("; ")
            }${count > 3 ? "; ..." : ""}); ${repairHint(url)}`,
          );
        }
      }
    } catch (e) {
      await sql.end({ timeout: 5 }).catch(() => {});
      throw pgError(url, "opening", e);
    }
    return new PgStore(sql, url, schema, keyId, dim, records);
  }

  #t(name: string): string {
    return `"${this.#schema}".${name}`;
  }

  #fail(what: string, e: unknown): ToolkitError {
    return pgError(this.#url, what, e);
  }

  #damaged(hash: string, problems: string[]): ToolkitError {
    return new ToolkitError(
      `store ${maskUrl(this.#url)} is damaged: photo ${hash}: ${problems.join(", ")}; ${
        repairHint(this.#url)
      }`,
    );
  }

  /** Reads and checks the given photos (at most {@link PAGE} distinct hashes per query). */
  async #readMany(hashes: readonly string[]): Promise<Map<string, CheckedPhoto>> {
    const out = new Map<string, CheckedPhoto>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += PAGE) {
      const part = unique.slice(i, i + PAGE);
      const photos = await this.#sql.unsafe(
        `SELECT hash, width, height, error, face_count, checksum FROM ${this.#t("photos")}
         WHERE key_id = $1 AND hash = ANY($2::text[])`,
        [this.keyId, part],
      ) as unknown as RawPhoto[];
      if (photos.length === 0) continue;
      const faces = await this.#sql.unsafe(
        `SELECT hash, idx, info, vector, thumb, checksum FROM ${this.#t("faces")}
         WHERE key_id = $1 AND hash = ANY($2::text[]) ORDER BY hash, idx`,
        [this.keyId, photos.map((p) => p.hash)],
      ) as unknown as RawFace[];
      const byHash = new Map<string, FaceRow[]>();
      for (const f of faces) {
        let list = byHash.get(f.hash);
        if (!list) byHash.set(f.hash, list = []);
        list.push(faceRow(f));
      }
      for (const r of photos) {
        const photo = photoRow(r);
        const fs = byHash.get(photo.hash) ?? [];
        out.set(photo.hash, { photo, faces: fs, problems: checkPhoto(this.keyId, photo, fs, this.dim) });
      }
    }
    return out;
  }

  async #read(hash: string): Promise<CheckedPhoto | undefined> {
    let c: CheckedPhoto | undefined;
    try {
      c = (await this.#readMany([hash])).get(hash);
    } catch (e) {
      throw this.#fail(`reading photo ${hash}`, e);
    }
    if (c && c.problems.length > 0) throw this.#damaged(hash, c.problems);
    return c;
  }

  /** Whether photo `hash` is stored (by any machine); its record is checked. */
  async has(hash: string): Promise<boolean> {
    return (await this.record(hash)) !== undefined;
  }

  /** The checked record of photo `hash`, if any machine stored it. */
  async record(hash: string): Promise<StoredImage | undefined> {
    const known = this.#records.get(hash);
    if (known) return known;
    const c = await this.#read(hash);
    if (!c) return undefined;
    const rec = toImage(c);
    this.#records.set(hash, rec);
    return rec;
  }

  /** Stores one photo's result in one transaction; a photo already stored keeps its first record. */
  put(hash: string, result: PhotoToStore): Promise<StoredImage> {
    const job = this.#write(hash, result);
    this.#pending.add(job);
    const done = () => this.#pending.delete(job);
    job.then(done, done);
    return job;
  }

  async #write(hash: string, result: PhotoToStore): Promise<StoredImage> {
    const k = this.keyId;
    const { photo: p, faces } = encodeRecord(k, hash, result, this.dim);
    let inserted: boolean;
    try {
      inserted = await this.#sql.begin(async (tx) => {
        await tx.unsafe(`DELETE FROM ${this.#t("claims")} WHERE key_id = $1 AND hash = $2`, [k, hash]);
        const ins = await tx.unsafe(
          `INSERT INTO ${
            this.#t("photos")
          } (key_id, hash, width, height, error, face_count, checksum, created)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key_id, hash) DO NOTHING RETURNING hash`,
          [k, hash, p.width, p.height, p.error, p.face_count, p.checksum, new Date().toISOString()],
        );
        if (ins.length === 0) return false;
        if (faces.length > 0) {
          const values: (string | number | Uint8Array | null)[] = [];
          const rows = faces.map((f, i) => {
            values.push(k, hash, f.idx, f.info, f.vector, f.thumb, f.checksum);
            const b = i * 7;
            return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::bytea, $${b + 6}::bytea, $${
              b + 7
            })`;
          });
          await tx.unsafe(
            `INSERT INTO ${this.#t("faces")} (key_id, hash, idx, info, vector, thumb, checksum) VALUES ${
              rows.join(", ")
            }`,
            values as never[],
          );
        }
        return true;
      });
    } catch (e) {
      throw this.#fail(`storing photo ${hash}`, e);
    }
    if (!inserted) {
      // Another machine stored this photo first: keep its record.
      const existing = await this.#read(hash);
      if (!existing) {
        throw new ToolkitError(`store ${maskUrl(this.#url)}: photo ${hash} vanished while stored`);
      }
      const rec = toImage(existing);
      this.#records.set(hash, rec);
      return rec;
    }
    const rec = toImage({ photo: p, faces });
    this.#records.set(hash, rec);
    return rec;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Marks photo `hash` as being computed here; false when another connection holds a live claim. */
  async claim(hash: string, ttlMs = CLAIM_TTL_MS): Promise<boolean> {
    const now = Date.now();
    try {
      const r = await this.#sql.unsafe(
        `INSERT INTO ${this.#t("claims")} (key_id, hash, owner, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key_id, hash) DO UPDATE SET owner = excluded.owner, at = excluded.at
         WHERE ${this.#t("claims")}.owner = excluded.owner OR ${this.#t("claims")}.at < $5
         RETURNING hash`,
        [this.keyId, hash, this.#owner, now, now - ttlMs],
      );
      return r.length === 1;
    } catch (e) {
      throw this.#fail(`claiming photo ${hash}`, e);
    }
  }

  /** Ends this connection's claim on `hash` without storing it. */
  async release(hash: string): Promise<void> {
    try {
      await this.#sql.unsafe(
        `DELETE FROM ${this.#t("claims")} WHERE key_id = $1 AND hash = $2 AND owner = $3`,
        [this.keyId, hash, this.#owner],
      );
    } catch { /* the claim goes stale by itself */ }
  }

  /** Waits for photo `hash`, claimed elsewhere, to be stored (see {@link EmbeddingStore.waitFor}). */
  async waitFor(hash: string, opts: WaitOptions = {}): Promise<StoredImage | undefined> {
    const { maxWaitMs = 30_000, ttlMs = CLAIM_TTL_MS, signal } = opts;
    const start = Date.now();
    for (;;) {
      signal?.throwIfAborted();
      const rec = await this.record(hash);
      if (rec) return rec;
      let at: number | undefined;
      try {
        const r = await this.#sql.unsafe(
          `SELECT at FROM ${this.#t("claims")} WHERE key_id = $1 AND hash = $2`,
          [this.keyId, hash],
        );
        at = r.length ? Number(r[0].at) : undefined;
      } catch (e) {
        throw this.#fail(`reading the claim on photo ${hash}`, e);
      }
      if (at === undefined || at < Date.now() - ttlMs || Date.now() - start > maxWaitMs) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Photos and faces stored under this key. */
  async counts(): Promise<{ photos: number; faces: number }> {
    await this.flush();
    try {
      const [r] = await this.#sql.unsafe(
        `SELECT (SELECT count(*) FROM ${this.#t("photos")} WHERE key_id = $1) AS photos,
                (SELECT count(*) FROM ${this.#t("faces")} WHERE key_id = $1) AS faces`,
        [this.keyId],
      );
      return { photos: Number(r.photos), faces: Number(r.faces) };
    } catch (e) {
      throw this.#fail("counting", e);
    }
  }

  /** Every stored record of this key, checked, in hash order (read a page at a time). */
  async *records(): AsyncIterable<StoredImage> {
    await this.flush();
    const it = scan(this.#sql, this.#schema, this.keyId, this.dim);
    for (;;) {
      let next: IteratorResult<CheckedPhoto>;
      try {
        next = await it.next();
      } catch (e) {
        throw this.#fail("reading records", e);
      }
      if (next.done) return;
      if (next.value.problems.length > 0) throw this.#damaged(next.value.photo.hash, next.value.problems);
      yield toImage(next.value);
    }
  }

  async #rows(hashes: readonly string[]): Promise<Map<string, CheckedPhoto>> {
    await this.flush();
    let got: Map<string, CheckedPhoto>;
    try {
      got = await this.#readMany(hashes);
    } catch (e) {
      throw this.#fail("reading vectors", e);
    }
    for (const [h, c] of got) if (c.problems.length > 0) throw this.#damaged(h, c.problems);
    return got;
  }

  /** The checked embeddings of the given photos' faces, one row per face (see {@link EmbeddingStore.vectors}). */
  async vectors(hashes: readonly string[]): Promise<Float32Array> {
    const got = await this.#rows(hashes);
    let rows = 0;
    for (const h of hashes) {
      const c = got.get(h);
      if (!c) throw new ToolkitError(`store ${maskUrl(this.#url)}: photo ${h} is not stored`);
      rows += c.faces.length;
    }
    const out = new Float32Array(rows * this.dim);
    const bytes = bytesOf(out);
    let o = 0;
    for (const h of hashes) for (const f of got.get(h)!.faces) bytes.set(f.vector, o), o += f.vector.length;
    return out;
  }

  /** The embeddings of one stored photo's faces (empty when not stored). */
  async embeddings(hash: string): Promise<Float32Array[]> {
    return (await this.#read(hash))?.faces.map(vectorOf) ?? [];
  }

  /** The thumbnails of the given photos' faces, in the order of {@link vectors}. */
  async thumbnails(hashes: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const got = await this.#rows(hashes);
    const out: (Uint8Array | undefined)[] = [];
    for (const h of hashes) {
      for (const f of got.get(h)?.faces ?? []) out.push(f.thumb ? new Uint8Array(f.thumb) : undefined);
    }
    return out;
  }

  /** Checks every record of this key; `repair` deletes the damaged ones (their faces go with them). */
  async verify(opts: { repair?: boolean } = {}): Promise<KeyVerification> {
    const counts = await this.counts();
    const damaged: DamagedRecord[] = [];
    try {
      for await (const p of scan(this.#sql, this.#schema, this.keyId, this.dim)) {
        if (p.problems.length > 0) damaged.push({ hash: p.photo.hash, problems: p.problems });
      }
    } catch (e) {
      throw this.#fail("verifying", e);
    }
    let removed = 0;
    if (opts.repair && damaged.length > 0) {
      try {
        const r = await this.#sql.unsafe(
          `DELETE FROM ${this.#t("photos")} WHERE key_id = $1 AND hash = ANY($2::text[]) RETURNING hash`,
          [this.keyId, damaged.map((d) => d.hash)],
        );
        removed = r.length;
        for (const d of damaged) this.#records.delete(d.hash);
      } catch (e) {
        throw this.#fail("repairing", e);
      }
    }
    return { ...counts, damaged, removed };
  }

  /** Ends this connection's claims and closes it. */
  async close(): Promise<void> {
    await this.flush();
    try {
      await this.#sql.unsafe(`DELETE FROM ${this.#t("claims")} WHERE owner = $1`, [this.#owner]);
    } catch { /* the claims go stale by themselves */ }
    await this.#sql.end({ timeout: 5 });
  }
}

/** A client for `url`, quiet (no notices printed), a few connections. */
function connect(url: string): Sql {
  return postgres(url, {
    max: 4,
    onnotice: () => {},
    idle_timeout: 60,
    connect_timeout: 15,
    connection: { application_name: "facegroup" },
  });
}

/** Every photo of key `keyId` with its faces, checked, in hash order, {@link PAGE} photos per query. */
async function* scan(sql: Sql, schema: string, keyId: string, dim: number): AsyncGenerator<CheckedPhoto> {
  let after = "";
  for (;;) {
    const photos = await sql.unsafe(
      `SELECT hash, width, height, error, face_count, checksum FROM "${schema}".photos
       WHERE key_id = $1 AND hash > $2 ORDER BY hash LIMIT ${PAGE}`,
      [keyId, after],
    ) as unknown as RawPhoto[];
    if (photos.length === 0) return;
    const last = photos[photos.length - 1].hash;
    const faces = await sql.unsafe(
      `SELECT hash, idx, info, vector, thumb, checksum FROM "${schema}".faces
       WHERE key_id = $1 AND hash > $2 AND hash <= $3 ORDER BY hash, idx`,
      [keyId, after, last],
    ) as unknown as RawFace[];
    let j = 0;
    for (const r of photos) {
      const photo = photoRow(r);
      const fs: FaceRow[] = [];
      while (j < faces.length && faces[j].hash < photo.hash) j++;
      while (j < faces.length && faces[j].hash === photo.hash) fs.push(faceRow(faces[j++]));
      yield { photo, faces: fs, problems: checkPhoto(keyId, photo, fs, dim) };
    }
    after = last;
  }
}

/** The command that repairs a damaged PostgreSQL store, for error messages. */
function repairHint(url: string): string {
  return `run \`deno task store verify --repair --store ${maskUrl(url)}\``;
}

/** `e` as a {@link ToolkitError} naming the store (password masked) and what was being done. */
export function pgError(url: string, what: string, e: unknown): ToolkitError {
  if (e instanceof ToolkitError) {
    const masked = maskSecrets(e.message, url);
    return masked === e.message ? e : new ToolkitError(masked);
  }
  return new ToolkitError(maskSecrets(`store ${maskUrl(url)}: ${what} failed: ${errorMessage(e)}`, url));
}
