import assert from "node:assert/strict";
import sharp from "sharp";
import { storedImageSize } from "./image_size.ts";

const raw = (w: number, h: number) => ({
  raw: { width: w, height: h, channels: 3 as const },
});
const pixels = (w: number, h: number) => new Uint8Array(w * h * 3).fill(90);

Deno.test("JPEG (baseline, progressive, with EXIF) and PNG sizes come from the header", async () => {
  const cases: [string, Uint8Array, number, number][] = [
    ["baseline", await sharp(pixels(37, 21), raw(37, 21)).jpeg().toBuffer(), 37, 21],
    [
      "progressive",
      await sharp(pixels(300, 1201), raw(300, 1201)).jpeg({ progressive: true }).toBuffer(),
      300,
      1201,
    ],
    [
      "EXIF orientation 6",
      await sharp(pixels(40, 10), raw(40, 10)).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      40,
      10,
    ],
    ["png", await sharp(pixels(700, 3), raw(700, 3)).png().toBuffer(), 700, 3],
  ];
  for (const [what, bytes, width, height] of cases) {
    assert.deepEqual(storedImageSize(new Uint8Array(bytes)), { width, height }, what);
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [width, height], `${what}: agrees with sharp`);
  }
});

Deno.test("other formats, garbage and cut headers give undefined (callers fall back)", async () => {
  const webp = new Uint8Array(await sharp(pixels(8, 8), raw(8, 8)).webp().toBuffer());
  const jpeg = new Uint8Array(await sharp(pixels(8, 8), raw(8, 8)).jpeg().toBuffer());
  assert.equal(storedImageSize(webp), undefined);
  assert.equal(storedImageSize(new TextEncoder().encode("not an image at all")), undefined);
  assert.equal(storedImageSize(new Uint8Array(0)), undefined);
  assert.equal(storedImageSize(jpeg.subarray(0, 30)), undefined);
  // A segment length that runs past the end.
  assert.equal(storedImageSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 0, 0])), undefined);
});
