/**
 * Five-point similarity alignment of faces to the standard 112x112 template.
 * @module
 */
import type { Affine } from "../images/warp.ts";

/** The standard 5-point template for 112x112 aligned faces (eyes, nose tip, mouth corners). */
export const TEMPLATE_112: readonly number[] = [
  38.2946,
  51.6963,
  73.5318,
  51.5014,
  56.0252,
  71.7366,
  41.5493,
  92.3655,
  70.7299,
  92.2041,
];

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection)
 * taking points `src` onto `dst` (both flat `[x0, y0, x1, y1, ...]`), as in Umeyama (1991).
 * Returns the map from source to destination coordinates.
 */
export function estimateSimilarity(src: ArrayLike<number>, dst: ArrayLike<number>): Affine {
  const n = src.length / 2;
  if (n < 2 || dst.length !== src.length) {
    throw new RangeError("estimateSimilarity: need >= 2 matching points");
  }
  let msx = 0, msy = 0, mdx = 0, mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[2 * i];
    msy += src[2 * i + 1];
    mdx += dst[2 * i];
    mdy += dst[2 * i + 1];
  }
  msx /= n, msy /= n, mdx /= n, mdy /= n;
  // For a 2-D similarity, the optimum is x' = a*x - b*y + tx, y' = b*x + a*y + ty.
  let sxx = 0, sab = 0, sba = 0;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i] - msx, y = src[2 * i + 1] - msy;
    const u = dst[2 * i] - mdx, v = dst[2 * i + 1] - mdy;
    sxx += x * x + y * y;
    sab += x * u + y * v;
    sba += x * v - y * u;
  }
  if (sxx === 0) throw new RangeError("estimateSimilarity: source points coincide");
  const a = sab / sxx, b = sba / sxx;
  return [a, -b, mdx - a * msx + b * msy, b, a, mdy - b * msx - a * msy];
}

/**
 * The map from landmarks in the image to an aligned crop of `size` pixels, where the face fills
 * `zoom` of the standard 112 template (1 = the embedder's crop; under 1 shows more context).
 */
export function alignmentTransform(landmarks: ArrayLike<number>, size = 112, zoom = 1): Affine {
  const s = (size / 112) * zoom, off = size / 2 - 56 * s;
  const dst = TEMPLATE_112.map((v) => v * s + off);
  return estimateSimilarity(landmarks, dst);
}
