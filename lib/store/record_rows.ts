/**
 * Reading one photo's rows from the store database and checking them: the photo row's
 * checksum, the number of face rows, and each face's checksum over its fields, vector and
 * thumbnail. Shared by the store (which refuses damaged records) and `store verify`.
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { faceChecksum, photoChecksum } from "./checksum.ts";

/** A photo row as stored. */
export interface PhotoRow {
  /** Photo hash. */
  hash: string;
  /** Decoded width (null when the photo failed). */
  width: number | null;
  /** Decoded height. */
  height: number | null;
  /** Error as JSON text, null when it worked. */
  error: string | null;
  /** Number of faces stored. */
  face_count: number;
  /** CRC-32 of the row ({@link photoChecksum}). */
  checksum: number;
}

/** A face row as stored. */
export interface FaceRow {
  /** Face index within the photo. */
  idx: number;
  /** The face's fields as JSON text (box, score, landmarks, and any others). */
  info: string;
  /** float32 vector bytes, little-endian. */
  vector: Uint8Array;
  /** JPEG thumbnail, or null. */
  thumb: Uint8Array | null;
  /** CRC-32 ({@link faceChecksum}). */
  checksum: number;
}

/** One photo read back and checked. */
export interface CheckedPhoto {
  /** The photo row. */
  photo: PhotoRow;
  /** Its faces in index order. */
  faces: FaceRow[];
  /** What is wrong with it (empty: nothing). */
  problems: string[];
}

/** Prepared statements to read photos of one database. */
export class RecordReader {
  readonly #photo: StatementSync;
  readonly #faces: StatementSync;

  /** @param db an open store database */
  constructor(db: DatabaseSync) {
    this.#photo = db.prepare(
      "SELECT hash, width, height, error, face_count, checksum FROM photos WHERE key_id = ? AND hash = ?",
    );
    this.#faces = db.prepare(
      "SELECT idx, info, vector, thumb, checksum FROM faces WHERE key_id = ? AND hash = ? ORDER BY idx",
    );
  }

  /**
   * Reads the photo `hash` of key `keyId` with its faces and checks it against `dim`;
   * undefined when it is not stored. SQLite errors (a damaged file) are thrown.
   */
  read(keyId: string, hash: string, dim: number): CheckedPhoto | undefined {
    const photo = this.#photo.get(keyId, hash) as PhotoRow | undefined;
    if (!photo) return undefined;
    const faces = this.#faces.all(keyId, hash) as unknown as FaceRow[];
    return { photo, faces, problems: checkPhoto(keyId, photo, faces, dim) };
  }
}

/** What is wrong with a photo and its face rows (empty: nothing). */
export function checkPhoto(keyId: string, photo: PhotoRow, faces: readonly FaceRow[], dim: number): string[] {
  const problems: string[] = [];
  const sum = photoChecksum(keyId, photo.hash, photo.width, photo.height, photo.error, photo.face_count);
  if (sum !== photo.checksum) problems.push("photo row checksum mismatch");
  if (faces.length !== photo.face_count) {
    problems.push(`${faces.length} face rows stored, the photo row says ${photo.face_count}`);
  }
  faces.forEach((f, i) => {
    if (f.idx !== i) problems.push(`face ${f.idx} out of sequence (expected ${i})`);
    if (!(f.vector instanceof Uint8Array) || f.vector.length !== dim * 4) {
      problems.push(`face ${f.idx}: vector has ${f.vector?.length ?? 0} bytes, need ${dim * 4}`);
      return;
    }
    const c = faceChecksum(keyId, photo.hash, f.idx, f.info, f.vector, f.thumb);
    if (c !== f.checksum) {
      problems.push(`face ${f.idx}: checksum mismatch (vector, thumbnail or fields damaged)`);
    }
  });
  return problems;
}

/** A face row's vector as a Float32Array (copied, so aligned). */
export function vectorOf(f: FaceRow): Float32Array {
  const out = new Float32Array(f.vector.length / 4);
  new Uint8Array(out.buffer).set(f.vector);
  return out;
}

/** A photo (or orphaned face rows) found damaged by {@link scanKey}. */
export interface Damage {
  /** Photo hash. */
  hash: string;
  /** What is wrong. */
  problems: string[];
}

/**
 * Reads every photo of key `keyId` in one ordered pass over both tables and checks each one;
 * face rows without a photo row come as a damaged entry without `photo`. SQLite errors (a
 * damaged file) are thrown.
 */
export function* photosOfKey(
  db: DatabaseSync,
  keyId: string,
  dim: number,
): Generator<{ hash: string; photo?: PhotoRow; faces: FaceRow[]; problems: string[] }> {
  const photos = db.prepare(
    "SELECT hash, width, height, error, face_count, checksum FROM photos WHERE key_id = ? ORDER BY hash",
  ).iterate(keyId) as Iterator<PhotoRow>;
  const faceIt = db.prepare(
    "SELECT hash, idx, info, vector, thumb, checksum FROM faces WHERE key_id = ? ORDER BY hash, idx",
  ).iterate(keyId) as Iterator<FaceRow & { hash: string }>;
  let f = faceIt.next();
  const orphansBefore = function* (hash: string | undefined) {
    const orphans = new Map<string, number>();
    while (!f.done && (hash === undefined || f.value.hash < hash)) {
      orphans.set(f.value.hash, (orphans.get(f.value.hash) ?? 0) + 1);
      f = faceIt.next();
    }
    for (const [h, n] of orphans) {
      yield { hash: h, faces: [], problems: [`${n} face rows without a photo row`] };
    }
  };
  for (let p = photos.next(); !p.done; p = photos.next()) {
    const photo = p.value;
    yield* orphansBefore(photo.hash);
    const faces: FaceRow[] = [];
    while (!f.done && f.value.hash === photo.hash) {
      faces.push(f.value);
      f = faceIt.next();
    }
    yield { hash: photo.hash, photo, faces, problems: checkPhoto(keyId, photo, faces, dim) };
  }
  yield* orphansBefore(undefined);
}

/** Every damaged photo of key `keyId` (see {@link photosOfKey}). */
export function* scanKey(db: DatabaseSync, keyId: string, dim: number): Generator<Damage> {
  for (const p of photosOfKey(db, keyId, dim)) {
    if (p.problems.length > 0) yield { hash: p.hash, problems: p.problems };
  }
}
