/**
 * Test-time augmentation of embeddings: a face embedded as seen and mirrored, the two vectors
 * combined into one of the same length.
 * @module
 */

/** Whether the embedding stage also embeds the mirrored crop (see {@link combineMirrored}). */
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
  const out = new Float32Array(plain.length);
  for (let r = 0; r < plain.length; r += dim) {
    let s = 0;
    for (let j = r; j < r + dim; j++) {
      const v = (plain[j] + mirrored[j]) / 2;
      out[j] = v;
      s += v * v;
    }
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = r; j < r + dim; j++) out[j] *= inv;
  }
  return out;
}
