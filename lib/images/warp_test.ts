import assert from "node:assert/strict";
import type { RgbImage } from "./decode.ts";
import { type Affine, applyAffine, invertAffine, rectToSize, warpAffine } from "./warp.ts";
import { seededRandom } from "../util/random.ts";

Deno.test("affine inversion and warping move pixels where the map says", () => {
  const m = [2, 0.5, 3, -0.25, 1.5, 7] as [number, number, number, number, number, number];
  const inv = invertAffine(m);
  const [x, y] = applyAffine(inv, ...applyAffine(m, 4, 9));
  assert.ok(Math.abs(x - 4) < 1e-12 && Math.abs(y - 9) < 1e-12);
  // A 4x4 image with one white pixel at (2, 1); a pure translation by (+1, +2) moves it to (3, 3).
  const src = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4 };
  src.data.set([255, 128, 0], (1 * 4 + 2) * 3);
  const out = warpAffine(src, [1, 0, -1, 0, 1, -2], 5, 5);
  assert.deepEqual(Array.from(out.data.subarray((3 * 5 + 3) * 3, (3 * 5 + 3) * 3 + 3)), [255, 128, 0]);
  assert.equal(out.data.reduce((a, b) => a + b, 0), 255 + 128);
  // Shrinking a checkerboard by 4 averages it to grey instead of aliasing.
  const board = { data: new Uint8Array(16 * 16 * 3), width: 16, height: 16 };
  for (let i = 0; i < 256; i++) board.data.fill(((i % 16) + (i >> 4)) % 2 ? 255 : 0, i * 3, i * 3 + 3);
  const small = warpAffine(board, rectToSize(0, 0, 16, 16, 4, 4), 4, 4);
  for (const v of small.data) assert.ok(Math.abs(v - 128) < 20, `pixel ${v}`);
});

/** The plain definition of {@link warpAffine}: n x n bilinear samples per pixel, zero outside. */
function referenceWarp(src: RgbImage, m: Affine, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const scale = Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
  const n = Math.max(1, Math.min(4, Math.round(scale / 1.5 + 0.49)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const xx = n === 1 ? x : x + (sx + 0.5) / n - 0.5, yy = n === 1 ? y : y + (sy + 0.5) / n - 0.5;
          const px = m[0] * xx + m[1] * yy + m[2], py = m[3] * xx + m[4] * yy + m[5];
          const x0 = Math.floor(px), y0 = Math.floor(py);
          for (let k = 0; k < 4; k++) {
            const cx = x0 + (k & 1), cy = y0 + (k >> 1);
            if (cx < 0 || cy < 0 || cx >= src.width || cy >= src.height) continue;
            const w = ((k & 1) ? px - x0 : 1 - (px - x0)) * ((k >> 1) ? py - y0 : 1 - (py - y0));
            for (let c = 0; c < 3; c++) acc[c] += w * src.data[(cy * src.width + cx) * 3 + c];
          }
        }
      }
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = Math.round(acc[c] / (n * n));
    }
  }
  return out;
}

Deno.test("warpAffine's fast paths agree with the plain definition, also across the image border", () => {
  const random = seededRandom(21);
  const src = { data: Uint8Array.from({ length: 40 * 30 * 3 }, () => random() * 256), width: 40, height: 30 };
  for (const scale of [0.7, 1, 1.9, 3.1, 7]) {
    const angle = random() * Math.PI;
    const a = scale * Math.cos(angle), b = -scale * Math.sin(angle);
    // Centred so that part of every output falls outside the source.
    const m: Affine = [a, b, 20 - 8 * (a + b), -b, a, 15 - 8 * (a - b)];
    const got = warpAffine(src, m, 16, 16).data;
    const want = referenceWarp(src, m, 16, 16);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assert.ok(worst <= 1, `scale ${scale}: largest difference ${worst}`);
  }
});
