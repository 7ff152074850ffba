/**
 * Test-time augmentation of embeddings: a face embedded in several views (the aligned crop, the
 * same face zoomed out a little, and the mirror image of each), the vectors combined into one of
 * the same length.
 * @module
 */

/**
 * Zooms of the views embedded when TTA is on, each with its mirror image: the embedder's own crop
 * (1) and the face at 0.92 of that size, a little more of its surroundings in the frame (the
 * `zoom` of lib/faces/align.ts). One value was tried for the second view; figures in the README
 * ("Test-time augmentation").
 */
export const TTA_ZOOMS: readonly number[] = [1, 0.92];

/**
 * What the store key records when TTA is on: the views, so that vectors made with other views (the
 * mirror alone, `tta: true` in stores written before the zoomed view) are never reused for these.
 */
export const TTA_KEY = `mirror+zoom${TTA_ZOOMS.slice(1).join(",")}`;

/**
 * The zooms TTA embeds for a face, each with its mirror: {@link TTA_ZOOMS}, or the crop alone for
 * already aligned input (a crop has no surroundings to zoom out into).
 */
export function ttaZooms(aligned: boolean): readonly number[] {
  return aligned ? TTA_ZOOMS.slice(0, 1) : TTA_ZOOMS;
}

/**
 * The store key's `tta` for {@link ttaZooms}: {@link TTA_KEY} for the views, `true` for the mirror
 * alone (the key aligned input always had).
 */
export function ttaKey(aligned: boolean): string | true {
  return ttaZooms(aligned).length > 1 ? TTA_KEY : true;
}

/** Whether the embedding stage embeds the views of {@link TTA_ZOOMS} (see {@link combineViews}). */
export type TtaMode = "on" | "off";

/** Whether `v` names a {@link TtaMode}. */
export function isTtaMode(v: unknown): v is TtaMode {
  return v === "on" || v === "off";
}

/**
 * Combines rows of `plain` with the rows of `mirrored` at the same index (both `n` rows of
 * `dim`): the mean of the two, L2-normalised (a zero mean stays zero). The result has the
 * input's dimension, so stores, indexes and thresholds stay as they are.
 */
export function combineMirrored(plain: Float32Array, mirrored: Float32Array, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 1 || plain.length % dim !== 0 || mirrored.length !== plain.length) {
    throw new RangeError(
      `combineMirrored: ${plain.length} and ${mirrored.length} values are not matching rows of ${dim}`,
    );
  }
  return combineViews([plain, mirrored], dim);
}

/**
 * Combines views: `views` are arrays of the same `n` rows of `dim` (row i of each is face i),
 * the result row i their mean, L2-normalised (a zero mean stays zero).
 */
export function combineViews(views: readonly Float32Array[], dim: number): Float32Array {
  const len = views[0]?.length ?? 0;
  if (!Number.isInteger(dim) || dim < 1 || views.length === 0 || len % dim !== 0) {
    throw new RangeError(`combineViews: ${views.length} views of ${len} values are not rows of ${dim}`);
  }
  for (const v of views) {
    if (v.length !== len) throw new RangeError(`combineViews: views of ${len} and ${v.length} values`);
  }
  // The mean in float64, stored as float32; the norm from the float64 mean.
  const out = new Float32Array(len), mean = new Float64Array(dim);
  for (let r = 0; r < len; r += dim) {
    mean.fill(0);
    for (const v of views) for (let j = 0; j < dim; j++) mean[j] += v[r + j];
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const m = mean[j] / views.length;
      out[r + j] = m;
      s += m * m;
    }
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = r; j < r + dim; j++) out[j] *= inv;
  }
  return out;
}
