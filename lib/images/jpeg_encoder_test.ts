import assert from "node:assert/strict";
import sharp from "sharp";
import { seededRandom } from "../util/random.ts";
import { decodeImage, type RgbImage } from "./decode.ts";
import { encodeJpegSmall, JpegEncoder } from "./jpeg_encoder.ts";

/** A smooth picture with some edges and texture, `width` x `height`. */
function picture(width: number, height: number, seed = 1): RgbImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = x > width / 2 ? 60 : 0;
      const i = (y * width + x) * 3;
      data[i] = Math.min(255, 40 + (150 * x) / width + edge + 8 * random());
      data[i + 1] = Math.min(255, 60 + (120 * y) / height + 8 * random());
      data[i + 2] = Math.min(255, 90 + 60 * Math.sin(x / 5) * Math.cos(y / 7) + 50);
    }
  }
  return { data, width, height };
}

async function psnr(jpeg: Uint8Array, ref: RgbImage): Promise<number> {
  const d = await decodeImage(jpeg, { name: "test.jpg" });
  assert.equal(d.width, ref.width);
  assert.equal(d.height, ref.height);
  let se = 0;
  for (let i = 0; i < d.data.length; i++) se += (d.data[i] - ref.data[i]) ** 2;
  return 10 * Math.log10(255 ** 2 / Math.max(1e-9, se / d.data.length));
}

async function viaSharp(img: RgbImage, quality: number): Promise<Uint8Array> {
  const raw = { width: img.width, height: img.height, channels: 3 as const };
  return new Uint8Array(await sharp(img.data, { raw }).jpeg({ quality }).toBuffer());
}

Deno.test("encoded JPEGs decode (sharp, strict) as close to the source as libjpeg-turbo's", async () => {
  for (const [w, h] of [[96, 96], [17, 33], [250, 7], [1, 1], [16, 16], [33, 16]]) {
    const img = picture(w, h);
    const jpeg = encodeJpegSmall(img, 80);
    assert.deepEqual([jpeg[0], jpeg[1]], [0xff, 0xd8], "starts with SOI");
    assert.deepEqual([jpeg.at(-2), jpeg.at(-1)], [0xff, 0xd9], "ends with EOI");
    const mine = await psnr(jpeg, img);
    const ref = await psnr(await viaSharp(img, 80), img);
    assert.ok(mine > 28, `${w}x${h}: PSNR ${mine.toFixed(2)} dB`);
    assert.ok(mine > ref - 1, `${w}x${h}: PSNR ${mine.toFixed(2)} dB vs sharp's ${ref.toFixed(2)} dB`);
  }
});

Deno.test("quality trades size for fidelity", async () => {
  const img = picture(96, 96, 3);
  const lo = encodeJpegSmall(img, 30), hi = new JpegEncoder(95).encode(img);
  assert.ok(hi.length > lo.length * 1.5, `sizes ${lo.length} and ${hi.length}`);
  assert.ok((await psnr(hi, img)) > (await psnr(lo, img)) + 3);
});

Deno.test("noise at quality 100 (many 0xFF bytes to stuff) still decodes strictly", async () => {
  const random = seededRandom(5);
  const img = { data: Uint8Array.from({ length: 64 * 48 * 3 }, () => random() * 256), width: 64, height: 48 };
  const jpeg = new JpegEncoder(100).encode(img);
  let ff = 0;
  for (let i = 2; i < jpeg.length - 2; i++) if (jpeg[i] === 0xff && jpeg[i + 1] === 0) ff++;
  assert.ok(ff > 10, `only ${ff} stuffed bytes`);
  // Chroma is subsampled, so noise cannot come back exactly; the luma must.
  const d = await decodeImage(jpeg, { name: "noise.jpg" });
  let err = 0;
  for (let i = 0; i < d.data.length; i += 3) {
    const y = (k: Uint8Array) => 0.299 * k[i] + 0.587 * k[i + 1] + 0.114 * k[i + 2];
    err += Math.abs(y(d.data) - y(img.data));
  }
  assert.ok(err / (64 * 48) < 6, `mean luma error ${err / (64 * 48)}`);
});

Deno.test("an encoder is reusable and gives the same bytes every time", () => {
  const enc = new JpegEncoder(80);
  const a = enc.encode(picture(40, 30)), b = enc.encode(picture(96, 96)), c = enc.encode(picture(40, 30));
  assert.deepEqual(a, c);
  assert.notDeepEqual(a, b);
});

Deno.test("bad sizes are refused with a clear error", () => {
  assert.throws(() => encodeJpegSmall({ data: new Uint8Array(0), width: 0, height: 5 }), /0x5/);
  assert.throws(() => encodeJpegSmall({ data: new Uint8Array(10), width: 4, height: 4 }), /10 bytes/);
});
