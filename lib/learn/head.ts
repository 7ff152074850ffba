/**
 * The adapter head as plain weights, and its forward pass in TypeScript (typed arrays): the
 * numbers the exported ONNX model gives, without tfjs or ONNX Runtime.
 *
 * - `linear`: `y = normalise(x W + b)`, `W` is `inDim x outDim`.
 * - `mlp-residual`: `y = normalise(x + relu(x W1 + b1) W2 + b2)` (`outDim = inDim`).
 * @module
 */
import type { HeadKind } from "./types.ts";

/** The trained numbers of a head; matrices row-major, `[rows of the input side][columns]`. */
export interface AdapterWeights {
  /** The head's shape. */
  head: HeadKind;
  /** Input vector length. */
  inDim: number;
  /** Output vector length. */
  outDim: number;
  /** Hidden width (`mlp-residual`); 0 for `linear`. */
  hidden: number;
  /** First matrix: `inDim x outDim` (linear) or `inDim x hidden`. */
  w1: Float32Array;
  /** First bias: `outDim` (linear) or `hidden`. */
  b1: Float32Array;
  /** Second matrix, `hidden x outDim` (`mlp-residual` only). */
  w2?: Float32Array;
  /** Second bias, `outDim` (`mlp-residual` only). */
  b2?: Float32Array;
}

/** Checks that the arrays of `w` have the sizes its dimensions say; throws naming the field. */
export function checkWeights(w: AdapterWeights): void {
  const want: [string, Float32Array | undefined, number][] = w.head === "linear"
    ? [["w1", w.w1, w.inDim * w.outDim], ["b1", w.b1, w.outDim]]
    : [
      ["w1", w.w1, w.inDim * w.hidden],
      ["b1", w.b1, w.hidden],
      ["w2", w.w2, w.hidden * w.outDim],
      ["b2", w.b2, w.outDim],
    ];
  if (w.head === "mlp-residual" && w.outDim !== w.inDim) {
    throw new RangeError(`mlp-residual head needs outDim = inDim, got ${w.outDim} and ${w.inDim}`);
  }
  for (const [name, a, n] of want) {
    if (!a || a.length !== n) {
      throw new RangeError(`adapter weights: ${name} has ${a?.length ?? 0} values, needs ${n}`);
    }
  }
}

/** `out[r] = x[r] M + b` for `rows` rows of `x` (`k` wide) and `M` (`k x m`). */
function affine(
  x: Float32Array,
  rows: number,
  k: number,
  m: Float32Array,
  b: Float32Array,
  cols: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[o + c] = b[c];
    for (let i = 0; i < k; i++) {
      const v = x[r * k + i];
      if (v === 0) continue;
      const mi = i * cols;
      for (let c = 0; c < cols; c++) out[o + c] += v * m[mi + c];
    }
  }
  return out;
}

/**
 * Applies the head to `vectors` (`rows x dim`, row-major): unit rows of `w.outDim`. A row that
 * comes out all zero stays zero.
 */
export function applyAdapter(w: AdapterWeights, vectors: Float32Array, dim: number): Float32Array {
  if (dim !== w.inDim) throw new RangeError(`adapter takes vectors of ${w.inDim}, got ${dim}`);
  if (vectors.length % dim !== 0) throw new RangeError(`${vectors.length} values are not rows of ${dim}`);
  const rows = vectors.length / dim;
  let y: Float64Array;
  if (w.head === "linear") {
    y = affine(vectors, rows, dim, w.w1, w.b1, w.outDim);
  } else {
    const h = affine(vectors, rows, dim, w.w1, w.b1, w.hidden);
    const hf = new Float32Array(h.length);
    for (let i = 0; i < h.length; i++) hf[i] = h[i] > 0 ? h[i] : 0;
    y = affine(hf, rows, w.hidden, w.w2!, w.b2!, w.outDim);
    for (let i = 0; i < y.length; i++) y[i] += vectors[i];
  }
  const out = new Float32Array(rows * w.outDim);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < w.outDim; c++) s += y[r * w.outDim + c] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < w.outDim; c++) out[r * w.outDim + c] = y[r * w.outDim + c] * inv;
  }
  return out;
}
