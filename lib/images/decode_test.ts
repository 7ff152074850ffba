import assert from "node:assert/strict";
import sharp from "sharp";
import { type BmpSpec, writeBmp } from "./bmp_testing.ts";
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

/** A 7x5 test card (odd width, so rows are padded): 4 colours in quarters, a transparent corner. */
function card(): { rgba: Uint8Array; w: number; h: number } {
  const w = 7, h = 5, rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = y < 2 ? (x < 3 ? [250, 10, 10] : [10, 250, 10]) : (x < 3 ? [10, 10, 250] : [240, 240, 20]);
      rgba.set([...c, x === 0 && y === 0 ? 0 : 255], (y * w + x) * 4);
    }
  }
  return { rgba, w, h };
}

Deno.test("BMP (which this sharp build cannot read) decodes: 1, 4, 8, 16, 24 and 32 bits, bottom-up and top-down, gaps", async () => {
  const { rgba, w, h } = card();
  await assert.rejects(
    () => sharp(writeBmp(rgba, w, h, { bpp: 24 })).raw().toBuffer(),
    /unsupported image format/,
    "sharp still reads no BMP: the bmp-ts path is the one used",
  );
  const specs: BmpSpec[] = [
    { bpp: 4 },
    { bpp: 16 },
    { bpp: 24 },
    { bpp: 24, topDown: true },
    { bpp: 8 },
    { bpp: 8, gap: 10 },
    { bpp: 32, headerSize: 124, topDown: true, gap: 6 },
  ];
  for (const spec of specs) {
    const img = await decodeImage(writeBmp(rgba, w, h, spec), { name: "card.bmp" });
    assert.deepEqual([img.width, img.height], [w, h], JSON.stringify(spec));
    for (let i = 0; i < w * h; i++) {
      // The transparent corner of the 32-bit file is flattened onto white; others keep colour.
      const want = spec.bpp === 32 && i === 0 ? [255, 255, 255] : Array.from(rgba.subarray(i * 4, i * 4 + 3));
      // 16 bits keep 5 bits a channel: 250 comes back as 248.
      const got = Array.from(img.data.subarray(i * 3, i * 3 + 3));
      const tolerance = spec.bpp === 16 ? 7 : 0;
      assert.ok(
        got.every((c, k) => Math.abs(c - want[k]) <= tolerance),
        `${JSON.stringify(spec)} pixel ${i}: ${got}`,
      );
    }
  }
  // 1 bit: two colours.
  const two = new Uint8Array(9 * 3 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i >> 2) % 2 ? 200 : 30));
  const one = await decodeImage(writeBmp(two, 9, 3, { bpp: 1 }));
  assert.deepEqual(Array.from(one.data), Array.from(two).filter((_, i) => i % 4 !== 3));
  // maxSide goes through the same resize as other formats.
  const big = new Uint8Array(300 * 200 * 4).fill(128);
  const reduced = await decodeImage(writeBmp(big, 300, 200, { bpp: 24 }), { maxSide: 150 });
  assert.deepEqual([reduced.width, reduced.height, reduced.scale], [150, 100, 2]);
});

Deno.test("bad BMPs are clear errors naming the file, with what to do where a variant is not read", async () => {
  const { rgba, w, h } = card();
  const good = writeBmp(rgba, w, h, { bpp: 24 });
  await assert.rejects(
    () => decodeImage(good.subarray(0, good.length - 5), { name: "cut.bmp" }),
    /cut\.bmp: truncated BMP/,
  );
  const rle = writeBmp(rgba, w, h, { bpp: 8, compression: 1 });
  await assert.rejects(
    () => decodeImage(rle, { name: "rle.bmp" }),
    /rle\.bmp: RLE8-compressed BMP is not supported: convert it to PNG or JPEG/,
  );
  // A header claiming 100000 x 100000 pixels is refused before anything is allocated.
  const bomb = good.slice();
  new DataView(bomb.buffer).setInt32(18, 100_000, true);
  new DataView(bomb.buffer).setInt32(22, 100_000, true);
  await assert.rejects(
    () => decodeImage(bomb, { name: "bomb.bmp" }),
    /bomb\.bmp: image is larger than the limit/,
  );
  const os2 = good.slice();
  new DataView(os2.buffer).setUint32(14, 12, true);
  await assert.rejects(() => decodeImage(os2, { name: "os2.bmp" }), /os2\.bmp: OS\/2 BMP is not supported/);
});

// halves-64x48.heic: left half (230, 20, 20), right half (20, 20, 230), made with
// `heif-enc -q 90 halves.png` (libheif 1.15, x265), HEVC-coded like a phone's photos.
const HEIC = new URL("./testdata/halves-64x48.heic", import.meta.url);

Deno.test("HEIC (HEVC, which this sharp build cannot decode) decodes through heic-decode", async () => {
  const heic = await Deno.readFile(HEIC);
  const viaSharp = await sharp(heic).raw().toBuffer().then(() => "decoded", (e) => (e as Error).message);
  if (viaSharp === "decoded") console.log("note: this sharp build decodes HEIC itself now");
  const img = await decodeImage(heic, { name: "halves.heic" });
  assert.deepEqual([img.width, img.height], [64, 48]);
  const at = (x: number, y: number) => Array.from(img.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
  for (const [x, want] of [[10, [230, 20, 20]], [54, [20, 20, 230]]] as const) {
    at(x, 24).forEach((c, i) =>
      assert.ok(Math.abs(c - want[i]) <= 12, `pixel ${x}: ${at(x, 24)} vs ${want}`)
    );
  }
  const reduced = await decodeImage(heic, { maxSide: 32 });
  assert.deepEqual([reduced.width, reduced.height, reduced.scale], [32, 24, 2]);
  await assert.rejects(
    () => decodeImage(heic, { name: "big.heic", maxPixels: 1000 }),
    /big\.heic: image is larger than the limit of 1000 pixels/,
  );
  await assert.rejects(
    () => decodeImage(heic.subarray(0, heic.length - 200), { name: "cut.heic" }),
    /cut\.heic: cannot decode HEIC/,
  );
});
