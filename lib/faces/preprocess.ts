/**
 * Turning interleaved 8-bit pixels into a model's NCHW float input.
 * @module
 */
import type { InputSpec } from "../models/catalogue.ts";

/**
 * Converts interleaved RGB bytes (`width` x `height`) into planar float values
 * `(v - mean[c]) / std[c]` in the channel order of `spec` (RGB, BGR, or GREY = luma).
 * Writes into `out` at `offset` when given (for batches).
 */
export function toTensorData(
  rgb: Uint8Array,
  width: number,
  height: number,
  spec: InputSpec,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const plane = width * height;
  const channels = spec.channels;
  const dst = out ?? new Float32Array(plane * channels);
  if (spec.colorOrder === "GREY") {
    const m = spec.mean[0], s = 1 / spec.std[0];
    for (let i = 0; i < plane; i++) {
      const g = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
      dst[offset + i] = (g - m) * s;
    }
    return dst;
  }
  const order = spec.colorOrder === "BGR" ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const src = order[c], m = spec.mean[c], s = 1 / spec.std[c], base = offset + c * plane;
    for (let i = 0; i < plane; i++) dst[base + i] = (rgb[i * 3 + src] - m) * s;
  }
  return dst;
}
