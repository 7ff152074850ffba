/**
 * Affine warps of RGB images into small model inputs (face crops, aligned faces), with
 * bilinear sampling and supersampling when shrinking so that large faces do not alias.
 * @module
 */
import type { RgbImage } from "./decode.ts";

/**
 * A 2-D affine map `[a, b, c, d, e, f]`: x' = a*x + b*y + c, y' = d*x + e*y + f.
 */
export type Affine = [number, number, number, number, number, number];

/** Inverts an affine map; throws on a singular one. */
export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new RangeError("invertAffine: the map is singular");
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Applies an affine map to a point. */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * Samples an output image of `width` x `height` RGB pixels where output pixel (x, y) takes the
 * source colour at `dstToSrc(x, y)` (bilinear; outside the source is black). When the map
 * shrinks by more than 1.5x, each output pixel averages a small grid of samples (up to 4x4).
 */
export function warpAffine(src: RgbImage, dstToSrc: Affine, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const [a, b, c, d, e, f] = dstToSrc;
  const scale = Math.sqrt(Math.abs(a * e - b * d));
  const n = Math.max(1, Math.min(4, Math.round(scale / 1.5 + 0.49)));
  const sw = src.width, sh = src.height, s = src.data;
  if (n === 1) {
    // Fast path (no shrinking): one bilinear sample per output pixel.
    for (let y = 0; y < height; y++) {
      let px = b * y + c, py = e * y + f;
      let o = y * width * 3;
      for (let x = 0; x < width; x++, px += a, py += d, o += 3) {
        const x0 = Math.floor(px), y0 = Math.floor(py);
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
          const fx = px - x0, fy = py - y0;
          const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
          const i00 = (y0 * sw + x0) * 3, i10 = i00 + sw * 3;
          out[o] = w00 * s[i00] + w01 * s[i00 + 3] + w10 * s[i10] + w11 * s[i10 + 3] + 0.5;
          out[o + 1] = w00 * s[i00 + 1] + w01 * s[i00 + 4] + w10 * s[i10 + 1] + w11 * s[i10 + 4] + 0.5;
          out[o + 2] = w00 * s[i00 + 2] + w01 * s[i00 + 5] + w10 * s[i10 + 2] + w11 * s[i10 + 5] + 0.5;
          continue;
        }
        let r = 0, g = 0, bl = 0;
        const fx = px - x0, fy = py - y0;
        for (let k = 0; k < 4; k++) {
          const cx = x0 + (k & 1), cy = y0 + (k >> 1);
          if (cx < 0 || cy < 0 || cx >= sw || cy >= sh) continue;
          const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
          const i = (cy * sw + cx) * 3;
          r += w * s[i], g += w * s[i + 1], bl += w * s[i + 2];
        }
        out[o] = r + 0.5, out[o + 1] = g + 0.5, out[o + 2] = bl + 0.5;
      }
    }
    return { data: out, width, height };
  }
  // Supersampled path: n x n bilinear samples per output pixel, averaged.
  const off = new Float64Array(n);
  for (let k = 0; k < n; k++) off[k] = (k + 0.5) / n - 0.5;
  const inv = 1 / (n * n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, bl = 0;
      for (let sy = 0; sy < n; sy++) {
        const yy = y + off[sy];
        for (let sx = 0; sx < n; sx++) {
          const xx = x + off[sx];
          const px = a * xx + b * yy + c, py = d * xx + e * yy + f;
          const x0 = Math.floor(px), y0 = Math.floor(py);
          const fx = px - x0, fy = py - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
            // All four taps inside (the usual case), in the same order as the loop below.
            const i00 = (y0 * sw + x0) * 3, i10 = i00 + sw * 3;
            const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
            r += w00 * s[i00], g += w00 * s[i00 + 1], bl += w00 * s[i00 + 2];
            r += w01 * s[i00 + 3], g += w01 * s[i00 + 4], bl += w01 * s[i00 + 5];
            r += w10 * s[i10], g += w10 * s[i10 + 1], bl += w10 * s[i10 + 2];
            r += w11 * s[i10 + 3], g += w11 * s[i10 + 4], bl += w11 * s[i10 + 5];
            continue;
          }
          for (let k = 0; k < 4; k++) {
            const cx = x0 + (k & 1), cy = y0 + (k >> 1);
            if (cx < 0 || cy < 0 || cx >= sw || cy >= sh) continue;
            const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
            const o = (cy * sw + cx) * 3;
            r += w * s[o], g += w * s[o + 1], bl += w * s[o + 2];
          }
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(r * inv);
      out[o + 1] = Math.round(g * inv);
      out[o + 2] = Math.round(bl * inv);
    }
  }
  return { data: out, width, height };
}

/**
 * The map from output pixels of a `width` x `height` resize of the source rectangle
 * (x, y, w, h) back to source pixels, with pixel centres aligned as in OpenCV's resize.
 */
export function rectToSize(
  x: number,
  y: number,
  w: number,
  h: number,
  width: number,
  height: number,
): Affine {
  const sx = w / width, sy = h / height;
  return [sx, 0, x + 0.5 * sx - 0.5, 0, sy, y + 0.5 * sy - 0.5];
}
