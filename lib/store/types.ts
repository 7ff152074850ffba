/**
 * The embedding store's contract: what the face stage needs from a store, whatever holds it.
 * Two backends implement it: SQLite (./face_store.ts, one file per store root, the
 * single-machine default) and PostgreSQL (./postgres/pg_store.ts, one database shared by many
 * machines). Both keep one record per (store key, photo hash), written with all its faces in one
 * transaction; faces are addressed by (photo hash, face index); every record carries CRC-32
 * checksums (./checksum.ts) checked when it is read; a photo being computed can be claimed so
 * that other processes take other photos first. ./contract.ts is the test suite both pass.
 * @module
 */
import type { FaceQuality } from "../faces/quality.ts";

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
  /** Whether a thumbnail is stored ({@link EmbeddingStore.thumbnails}). */
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

/** The result of one photo, as {@link EmbeddingStore.put} takes it. */
export type PhotoToStore =
  | { width: number; height: number; faces: FaceToStore[] }
  | { error: { stage: string; message: string } };

/** Options of opening a store (either backend). */
export interface OpenOptions {
  /** Where to say that the store is busy or locked by another process. @default console.error */
  log?: (line: string) => void;
  /**
   * Check every record of this key on opening (checksums, face counts) besides the database's
   * own checks. @default true
   */
  verify?: boolean;
}

/** A damaged record found by {@link EmbeddingStore.verify}. */
export interface DamagedRecord {
  /** Photo hash. */
  hash: string;
  /** What is wrong. */
  problems: string[];
}

/** What {@link EmbeddingStore.verify} found (and removed, with `repair`). */
export interface KeyVerification {
  /** Photos stored under the key (before any repair). */
  photos: number;
  /** Faces stored under the key (before any repair). */
  faces: number;
  /** Damaged records. */
  damaged: DamagedRecord[];
  /** Records deleted by `repair` (the next run recomputes them). */
  removed: number;
}

/** Options of {@link EmbeddingStore.waitFor}. */
export interface WaitOptions {
  /** Give up after this long. @default 30 s */
  maxWaitMs?: number;
  /** A claim older than this counts as abandoned. @default 60 s */
  ttlMs?: number;
  /** Stops the wait. */
  signal?: AbortSignal;
}

/**
 * An open embedding store: one store key of one database, safe to use from several processes
 * (and, for PostgreSQL, machines) at once. Every read record is checked (checksums, face
 * counts): a damaged record is a ToolkitError naming how to repair it.
 */
export interface EmbeddingStore {
  /** Which backend: `sqlite` or `postgres`. */
  readonly backend: "sqlite" | "postgres";
  /** Where the store is, for messages (a database URL with its password masked). */
  readonly location: string;
  /** Id of this store's key ({@link storeKeyId}). */
  readonly keyId: string;
  /** Embedding length. */
  readonly dim: number;
  /** Whether photo `hash` is stored (by any process). */
  has(hash: string): Promise<boolean>;
  /** The checked record of photo `hash`, if any process stored it. */
  record(hash: string): Promise<StoredImage | undefined>;
  /**
   * Stores the result for one photo (its faces, or the error it gave) in one transaction, and
   * ends any claim on it. When it is already stored (another process got there first), nothing
   * is written and the stored record is returned.
   */
  put(hash: string, result: PhotoToStore): Promise<StoredImage>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
  /**
   * Marks photo `hash` as being computed by this connection. False when another one claimed it
   * less than `ttlMs` (default a minute) ago and has not stored it yet.
   */
  claim(hash: string, ttlMs?: number): Promise<boolean>;
  /** Ends this connection's claim on `hash` without storing it (the photo failed). */
  release(hash: string): Promise<void>;
  /**
   * Waits until photo `hash`, claimed by another connection, is stored, and returns its record;
   * undefined as soon as no live claim is left, or after `maxWaitMs`: the caller then computes it.
   */
  waitFor(hash: string, opts?: WaitOptions): Promise<StoredImage | undefined>;
  /** Photos and faces stored under this key. */
  counts(): Promise<{ photos: number; faces: number }>;
  /** Every stored record of this key, checked, in hash order. */
  records(): AsyncIterable<StoredImage>;
  /**
   * The embeddings of the given photos' faces, one row per face: for each hash in turn (a hash
   * may repeat), all its faces in index order. Checked; a hash that is not stored is an error.
   */
  vectors(hashes: readonly string[]): Promise<Float32Array>;
  /** The thumbnails of the given photos' faces, in the order of {@link vectors} (undefined where none). */
  thumbnails(hashes: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Checks every record of this key; `repair` deletes the damaged ones (recomputed by the next run). */
  verify(opts?: { repair?: boolean }): Promise<KeyVerification>;
  /** Ends this connection's claims and closes it (the store cannot be used afterwards). */
  close(): Promise<void>;
}

/** Opens the store of `key` (creating it if needed). */
export type StoreOpener = (key: StoreKey, opts?: OpenOptions) => Promise<EmbeddingStore>;
