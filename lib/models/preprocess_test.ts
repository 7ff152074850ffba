import assert from "node:assert/strict";
import { resizeRgb } from "../images/decode.ts";
import { seededRandom } from "../util/random.ts";
import { padTensor, resizeToTensor, toTensorData } from "./preprocess.ts";

const spec = {
  width: 8,
  height: 6,
  channels: 3 as const,
  colorOrder: "BGR" as const,
  mean: [127, 127, 127],
  std: [128, 128, 128],
};

Deno.test("toTensorData writes planar, normalised values in the spec's channel order", () => {
  const rgb = new Uint8Array([255, 0, 127, 1, 2, 3]);
  const t = toTensorData(rgb, 2, 1, { ...spec, width: 2, height: 1 });
  // BGR: plane 0 is blue.
  assert.deepEqual(Array.from(t), [0, -124 / 128, -127 / 128, -125 / 128, 1, -126 / 128]);
});

Deno.test("resizeToTensor equals sampling by hand and stays close to sharp's resize", async () => {
  const random = seededRandom(9);
  // A smooth image (so that interpolation methods agree), 10x7 -> 8x6 (mild shrink).
  const w = 10, h = 7;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgb.set([20 * x + 10, 25 * y + 5, 100 + 5 * x + 5 * y], (y * w + x) * 3);
  }
  const t = resizeToTensor(rgb, w, h, spec);
  // Output pixel (3, 2) samples source (3.5*10/8-0.5, 2.5*7/6-0.5) = (3.875, 2.41667).
  const fx = 3.875, fy = 2.5 * 7 / 6 - 0.5;
  const red = 20 * fx + 10, green = 25 * fy + 5, blue = 100 + 5 * fx + 5 * fy;
  const o = 2 * 8 + 3;
  assert.ok(Math.abs(t[o] - (blue - 127) / 128) < 1e-5);
  assert.ok(Math.abs(t[48 + o] - (green - 127) / 128) < 1e-5);
  assert.ok(Math.abs(t[96 + o] - (red - 127) / 128) < 1e-5);
  const viaSharp = toTensorData(await resizeRgb({ data: rgb, width: w, height: h }, 8, 6), 8, 6, spec);
  let worst = 0;
  for (let i = 0; i < t.length; i++) worst = Math.max(worst, Math.abs(t[i] - viaSharp[i]) * 128);
  assert.ok(worst <= 12, `largest difference from sharp: ${worst} grey levels`);
  // Enlarging a random image keeps values within the source range.
  const noise = Uint8Array.from({ length: 5 * 4 * 3 }, () => Math.floor(random() * 256));
  const big = resizeToTensor(noise, 5, 4, spec);
  for (const v of big) assert.ok(v >= -127 / 128 - 1e-6 && v <= 128 / 128 + 1e-6);
});

Deno.test("resizeToTensor with a size letterboxes into the input's top-left; padTensor fills the rest as black", () => {
  const rng = seededRandom(3);
  const rgb = Uint8Array.from({ length: 5 * 4 * 3 }, () => Math.floor(rng() * 256));
  const out = new Float32Array(3 * 8 * 6).fill(NaN);
  resizeToTensor(rgb, 5, 4, spec, { out, size: { width: 4, height: 3 } });
  padTensor(out, 0, spec, 4, 3);
  // The 4x3 part equals a plain resize to 4x3; the rest is (0 - 127) / 128.
  const small = resizeToTensor(rgb, 5, 4, { ...spec, width: 4, height: 3 });
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) {
        const v = out[c * 48 + y * 8 + x];
        if (x < 4 && y < 3) assert.equal(v, small[c * 12 + y * 4 + x]);
        else assert.equal(v, (0 - 127) * (1 / 128));
      }
    }
  }
  assert.throws(
    () => resizeToTensor(rgb, 5, 4, spec, { size: { width: 9, height: 3 } }),
    /size 9x3 does not fit 8x6/,
  );
});
