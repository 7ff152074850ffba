/**
 * Checksums of stored records: CRC-32 (zlib's, through `node:zlib`) over everything a record
 * holds, so that a flipped byte in a vector, a thumbnail or a face's fields is found when the
 * record is read. CRC-32 is for accidental damage (disk, a killed copy, a stray write), not for
 * tampering; it costs about 20 ms per 25,000 vectors of 512 values.
 * @module
 */
import { crc32 } from "node:zlib";

const enc = new TextEncoder();
const NONE = new Uint8Array([0]);
const SOME = new Uint8Array([1]);

/** The bytes of a typed array, without copying. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Checksum of one stored face: its store key, photo hash, index, fields (JSON text), vector
 * bytes and thumbnail (absent and empty differ).
 */
export function faceChecksum(
  keyId: string,
  hash: string,
  index: number,
  info: string,
  vector: Uint8Array,
  thumb: Uint8Array | null | undefined,
): number {
  let c = crc32(enc.encode(`${keyId}\n${hash}\n${index}\n${info}\n`));
  c = crc32(vector, c);
  c = crc32(thumb ? SOME : NONE, c);
  if (thumb) c = crc32(thumb, c);
  return c >>> 0;
}

/** Checksum of one stored photo row: key, hash, size, error and face count. */
export function photoChecksum(
  keyId: string,
  hash: string,
  width: number | null,
  height: number | null,
  error: string | null,
  faceCount: number,
): number {
  return crc32(enc.encode(JSON.stringify([keyId, hash, width, height, error, faceCount]))) >>> 0;
}
