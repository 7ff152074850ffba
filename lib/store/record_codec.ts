/**
 * What a photo's record becomes in the database and back, the same for every backend: the
 * photo row (size, error as JSON, face count, checksum) and one row per face (fields as JSON
 * text with rounded coordinates, float32 vector bytes, optional thumbnail, checksum).
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { bytesOf, faceChecksum, photoChecksum } from "./checksum.ts";
import type { CheckedPhoto, FaceRow, PhotoRow } from "./record_rows.ts";
import type { FaceToStore, PhotoToStore, StoredFace, StoredImage } from "./types.ts";

const round = (v: number, f: number) => Math.round(v * f) / f;

/** The stored fields of a face (everything but its vector and thumbnail), as JSON text. */
export function faceInfo(f: FaceToStore): string {
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

/** A photo's rows, ready to insert. */
export interface EncodedRecord {
  /** The photo row. */
  photo: PhotoRow;
  /** Its face rows, in index order. */
  faces: FaceRow[];
}

/**
 * The rows of photo `hash`'s result under key `keyId`; an embedding whose length is not `dim`
 * is a {@link ToolkitError} (nothing is stored).
 */
export function encodeRecord(keyId: string, hash: string, result: PhotoToStore, dim: number): EncodedRecord {
  const faces: FaceRow[] = [];
  let width: number | null = null, height: number | null = null, error: string | null = null;
  if ("error" in result) {
    error = JSON.stringify(result.error);
  } else {
    width = result.width, height = result.height;
    result.faces.forEach((f, idx) => {
      if (f.embedding.length !== dim) {
        throw new ToolkitError(`store: embedding has ${f.embedding.length} values, store holds ${dim}`);
      }
      const info = faceInfo(f);
      const vector = bytesOf(f.embedding);
      const thumb = f.thumbnail ?? null;
      faces.push({ idx, info, vector, thumb, checksum: faceChecksum(keyId, hash, idx, info, vector, thumb) });
    });
  }
  const checksum = photoChecksum(keyId, hash, width, height, error, faces.length);
  return { photo: { hash, width, height, error, face_count: faces.length, checksum }, faces };
}

/** The record a checked photo stands for. */
export function toImage(c: Pick<CheckedPhoto, "photo" | "faces">): StoredImage {
  const p = c.photo;
  if (p.error !== null) return { hash: p.hash, faces: [], error: JSON.parse(p.error) };
  return {
    hash: p.hash,
    width: p.width ?? undefined,
    height: p.height ?? undefined,
    faces: c.faces.map((f) => JSON.parse(f.info) as StoredFace),
  };
}
