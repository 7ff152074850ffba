/**
 * An embedding set on disk: the hand-off between embedding and every later stage
 * (clustering, sweeps, metrics, UMAP, reports).
 *
 * A directory holding `vectors.npy` (float32, N x D, L2-normalised rows, readable by numpy)
 * and `faces.jsonl` (N lines, one {@link FaceMeta} per row of `vectors.npy`), and optionally
 * `thumbs.bin` (JPEG thumbnails, located by {@link FaceMeta.thumb}).
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { readMatrixNpy, writeMatrixNpy } from "./npy.ts";

/** What is known of the face behind one row of an embedding set. */
export interface FaceMeta {
  /** Path of the photo relative to the source root. */
  path: string;
  /** Index of the face within its photo (0-based, in detection order). */
  face: number;
  /** Stable id of the photo (content hash); faces sharing it come from one photo. */
  imageId: string;
  /** Ground-truth identity where known (e.g. the first folder level), for evaluation. */
  label?: string;
  /** Face box in the photo's pixel coordinates, [x, y, w, h]. */
  box?: [number, number, number, number];
  /** Detector score. */
  score?: number;
  /** Link to the photo at its origin (e.g. its Drive page). */
  webUrl?: string;
  /** Byte offset and length of the face's JPEG thumbnail in the set's `thumbs.bin`. */
  thumb?: [number, number];
}

/** An embedding set in memory. */
export interface EmbeddingSet {
  /** One L2-normalised row per face. */
  x: Matrix;
  /** One entry per row of `x`. */
  faces: FaceMeta[];
}

/** Reads an embedding set directory, checking that the two files agree. */
export async function readEmbeddingSet(dir: string): Promise<EmbeddingSet> {
  const x = await readMatrixNpy(`${dir}/vectors.npy`);
  const text = await Deno.readTextFile(`${dir}/faces.jsonl`);
  const faces: FaceMeta[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      faces.push(JSON.parse(line));
    } catch (e) {
      throw new ToolkitError(`${dir}/faces.jsonl: line ${i + 1} is not JSON`, { cause: e });
    }
  }
  if (faces.length !== x.rows) {
    throw new ToolkitError(
      `${dir}: vectors.npy has ${x.rows} rows but faces.jsonl has ${faces.length} lines`,
    );
  }
  return { x, faces };
}

/**
 * Writes an embedding set directory (created if missing); each file is replaced atomically.
 * With `thumbnails` (one per face, or undefined), `thumbs.bin` is written and each face's
 * `thumb` set.
 */
export async function writeEmbeddingSet(
  dir: string,
  set: EmbeddingSet,
  thumbnails?: readonly (Uint8Array | undefined)[],
): Promise<void> {
  if (set.faces.length !== set.x.rows) {
    throw new ToolkitError(`writeEmbeddingSet: ${set.x.rows} vectors but ${set.faces.length} faces`);
  }
  await Deno.mkdir(dir, { recursive: true });
  await writeMatrixNpy(`${dir}/vectors.npy`, set.x);
  if (thumbnails) {
    let off = 0;
    const total = thumbnails.reduce((n, t) => n + (t?.length ?? 0), 0);
    const buf = new Uint8Array(total);
    set.faces.forEach((f, i) => {
      const t = thumbnails[i];
      if (!t) return delete f.thumb;
      buf.set(t, off);
      f.thumb = [off, t.length];
      off += t.length;
    });
    await writeFileAtomic(`${dir}/thumbs.bin`, buf);
  }
  await writeFileAtomic(`${dir}/faces.jsonl`, set.faces.map((f) => JSON.stringify(f)).join("\n") + "\n");
}

/** Reads the thumbnails of an embedding set (undefined where a face has none). */
export async function readThumbnails(
  dir: string,
  faces: readonly FaceMeta[],
): Promise<(Uint8Array | undefined)[]> {
  if (!faces.some((f) => f.thumb)) return faces.map(() => undefined);
  const all = await Deno.readFile(`${dir}/thumbs.bin`);
  return faces.map((f) => (f.thumb ? all.subarray(f.thumb[0], f.thumb[0] + f.thumb[1]) : undefined));
}

/**
 * Labels as integers (same string -> same id, first seen first), or undefined when any
 * face lacks a label.
 */
export function labelIds(faces: readonly FaceMeta[]): Int32Array | undefined {
  const ids = new Map<string, number>();
  const out = new Int32Array(faces.length);
  for (let i = 0; i < faces.length; i++) {
    const l = faces[i].label;
    if (l === undefined) return undefined;
    let id = ids.get(l);
    if (id === undefined) ids.set(l, id = ids.size);
    out[i] = id;
  }
  return out;
}

/**
 * Cannot-link pairs: every two different faces of one photo, flat `[a0, b0, a1, b1, ...]`.
 * Byte-identical copies of a photo share an `imageId`; their faces with the same index are
 * the same face, so they are not paired.
 */
export function samePhotoPairs(faces: readonly FaceMeta[]): Int32Array {
  const byImage = new Map<string, number[]>();
  faces.forEach((f, i) => {
    const list = byImage.get(f.imageId);
    if (list) list.push(i);
    else byImage.set(f.imageId, [i]);
  });
  const pairs: number[] = [];
  for (const list of byImage.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        if (faces[list[a]].face !== faces[list[b]].face) pairs.push(list[a], list[b]);
      }
    }
  }
  return Int32Array.from(pairs);
}
