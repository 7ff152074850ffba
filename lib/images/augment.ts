/**
 * Augmentations of RGB images as pure functions (the input is never changed): used for
 * test-time augmentation of aligned face crops, and meant to be shared by training-time uses.
 * @module
 */
import type { RgbImage } from "./decode.ts";

/**
 * The mirror image of `img` (left and right swapped): pixel (x, y) of the result is pixel
 * (width - 1 - x, y) of the input. Exact (a copy of bytes, no resampling); `scale` is kept.
 */
export function flipHorizontal(img: RgbImage): RgbImage {
  const { width, height, data } = img;
  if (data.length !== width * height * 3) {
    throw new RangeError(`flipHorizontal: ${data.length} bytes for a ${width}x${height} RGB image`);
  }
  const out = new Uint8Array(data.length);
  const row = width * 3;
  for (let y = 0; y < height; y++) {
    const base = y * row;
    for (let x = 0; x < width; x++) {
      const s = base + x * 3, d = base + (width - 1 - x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return img.scale === undefined
    ? { data: out, width, height }
    : { data: out, width, height, scale: img.scale };
}
