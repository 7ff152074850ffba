import assert from "node:assert/strict";
import sharp from "sharp";
import { decodeImage, encodeJpeg, resizeRgb } from "./decode.ts";

async function bytes(p: Promise<Uint8Array | { buffer: ArrayBufferLike }>): Promise<Uint8Array> {
  const b = await p as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A 40x20 image: left half red, right half blue. */
function halves() {
  const data = new Uint8Array(40 * 20 * 3);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 40; x++) data.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  }
  return sharp(data, { raw: { width: 40, height: 20, channels: 3 } });
}

Deno.test("EXIF orientation is applied: an orientation-6 JPEG comes out rotated", async () => {
  const jpg = await bytes(halves().jpeg().withMetadata({ orientation: 6 }).toBuffer());
  const img = await decodeImage(jpg, { name: "rotated.jpg" });
  assert.deepEqual([img.width, img.height], [20, 40]);
  // Rotated 90° clockwise for display: red (left) is now on top.
  const top = img.data.subarray((2 * 20 + 10) * 3, (2 * 20 + 10) * 3 + 3);
  assert.ok(top[0] > 200 && top[2] < 60, `top pixel ${Array.from(top)}`);
});

Deno.test("grey, CMYK, palette and transparent images all decode to 3-channel RGB", async () => {
  const grey = await bytes(
    sharp({ create: { width: 8, height: 6, channels: 3, background: "#808080" } }).greyscale().png()
      .toBuffer(),
  );
  const cmyk = await bytes(halves().toColourspace("cmyk").jpeg().toBuffer());
  const palette = await bytes(halves().png({ palette: true }).toBuffer());
  const alpha = await bytes(
    sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png()
      .toBuffer(),
  );
  for (
    const [name, b] of [["grey.png", grey], ["cmyk.jpg", cmyk], ["palette.png", palette], [
      "alpha.png",
      alpha,
    ]] as const
  ) {
    const img = await decodeImage(b, { name });
    assert.equal(img.data.length, img.width * img.height * 3, name);
  }
  const g = await decodeImage(grey);
  assert.ok(Math.abs(g.data[0] - 128) <= 2 && g.data[0] === g.data[1] && g.data[1] === g.data[2]);
  const c = await decodeImage(cmyk);
  assert.ok(c.data[0] > 180 && c.data[2] < 90, `CMYK red came out as ${Array.from(c.data.subarray(0, 3))}`);
  const a = await decodeImage(alpha);
  assert.deepEqual(Array.from(a.data.subarray(0, 3)), [255, 255, 255], "transparent becomes white");
});

Deno.test("bad files are clear errors naming the file", async () => {
  const jpg = await bytes(halves().jpeg().toBuffer());
  await assert.rejects(() => decodeImage(new Uint8Array(0), { name: "empty.jpg" }), /empty\.jpg: empty file/);
  await assert.rejects(
    () => decodeImage(new TextEncoder().encode("hello, not an image"), { name: "notes.jpg" }),
    /notes\.jpg: not an image/,
  );
  await assert.rejects(
    () => decodeImage(jpg.subarray(0, jpg.length / 2), { name: "cut.jpg" }),
    /cut\.jpg: cannot decode/,
  );
  await assert.rejects(
    () => decodeImage(jpg, { name: "big.jpg", maxPixels: 100 }),
    /big\.jpg: image is larger than the limit of 100 pixels/,
  );
});

Deno.test("resize and JPEG encoding keep sizes and colours", async () => {
  const img = await decodeImage(await bytes(halves().png().toBuffer()));
  const small = await resizeRgb(img, 10, 5);
  assert.equal(small.length, 10 * 5 * 3);
  assert.ok(small[0] > 200 && small[(10 * 5 - 1) * 3 + 2] > 200);
  const jpg = await encodeJpeg(img);
  assert.equal((await sharp(jpg).metadata()).width, 40);
});

Deno.test("a reduced decode keeps the long side under maxSide and says its scale", async () => {
  const jpg = await bytes(
    sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#123456" } }).jpeg().toBuffer(),
  );
  const img = await decodeImage(jpg, { maxSide: 1000 });
  assert.deepEqual([img.width, img.height], [1000, 667]);
  assert.ok(Math.abs(img.scale! - 3) < 1e-9);
  const small = await decodeImage(jpg, { maxSide: 5000 });
  assert.deepEqual([small.width, small.height, small.scale], [3000, 2000, 1]);
});
