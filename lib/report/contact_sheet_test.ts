import assert from "node:assert/strict";
import sharp from "sharp";
import { composeContactSheet, composeContactSheets, contactSheetLayout } from "./contact_sheet.ts";
import { solidJpeg } from "./_testing/sample.ts";

/** RGB of the pixel at (x, y) of a decoded image. */
async function pixelAt(jpeg: Uint8Array, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [data[o], data[o + 1], data[o + 2]];
}

function near(actual: number[], expected: number[], tol = 12): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]) <= tol);
}

Deno.test("layout: 8 columns of 96px tiles with 2px gaps; narrow sheets for few tiles", () => {
  const ten = contactSheetLayout(10);
  assert.deepEqual([ten.columns, ten.rows, ten.width, ten.height], [8, 2, 8 * 98 + 2, 2 * 98 + 2]);
  assert.deepEqual(ten.tiles[9], { index: 9, x: 2 + 98, y: 2 + 98, w: 96, h: 96 });
  const three = contactSheetLayout(3, { columns: 8, tile: 50, gap: 4 });
  assert.deepEqual([three.columns, three.rows, three.width, three.height], [3, 1, 3 * 54 + 4, 58]);
  assert.throws(() => contactSheetLayout(0), RangeError);
  assert.throws(() => contactSheetLayout(3, { tile: 0 }), RangeError);
});

Deno.test("a sheet decodes with sharp, has the expected size, and puts each tile where the layout says", async () => {
  const red = await solidJpeg(255, 0, 0);
  const green = await solidJpeg(0, 255, 0, 40); // smaller than a tile: scaled up
  const tall = new Uint8Array(
    await sharp({ create: { width: 50, height: 120, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png()
      .toBuffer(),
  );
  const garbage = new Uint8Array([1, 2, 3, 4, 5]);
  const grey1 = new Uint8Array( // one-channel input
    await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 60, g: 60, b: 60 } } })
      .toColourspace("b-w").jpeg().toBuffer(),
  );
  const thumbs = [red, green, undefined, tall, garbage, grey1, red, red, red, green];
  const sheet = await composeContactSheet(thumbs);
  const meta = await sharp(sheet.jpeg).metadata();
  assert.equal(meta.format, "jpeg");
  assert.deepEqual([meta.width, meta.height], [sheet.width, sheet.height]);
  assert.deepEqual([sheet.width, sheet.height], [786, 198]);
  assert.deepEqual(sheet.tiles.map((t) => t.missing), [
    false,
    false,
    true,
    false,
    true,
    false,
    false,
    false,
    false,
    false,
  ]);
  const expected = [[255, 0, 0], [0, 255, 0], [200, 200, 200], [0, 0, 255], [200, 200, 200], [60, 60, 60], [
    255,
    0,
    0,
  ]];
  for (let i = 0; i < expected.length; i++) {
    const t = sheet.tiles[i];
    const px = await pixelAt(sheet.jpeg, t.x + t.w / 2, t.y + t.h / 2);
    assert.ok(near(px, expected[i]), `tile ${i}: got ${px}, want ${expected[i]}`);
  }
  // The last tile is on the second row; the rest of that row is background (white).
  assert.equal(sheet.tiles[9].y, 100);
  assert.ok(near(await pixelAt(sheet.jpeg, 2 + 5 * 98 + 48, 148), [255, 255, 255]));
});

Deno.test("sheets hold at most maxTiles tiles; tile indices refer to the whole list", async () => {
  const red = await solidJpeg(255, 0, 0, 16);
  const thumbs = Array.from({ length: 10 }, () => red);
  await assert.rejects(composeContactSheet(thumbs, { maxTiles: 4 }), /exceed/);
  const sheets = await composeContactSheets(thumbs, { maxTiles: 4, columns: 2, tile: 16, gap: 1 });
  assert.deepEqual(sheets.map((s) => s.tiles.length), [4, 4, 2]);
  assert.deepEqual(sheets.flatMap((s) => s.tiles.map((t) => t.index)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(sheets.map((s) => [s.width, s.height]), [[35, 35], [35, 35], [35, 18]]);
  assert.deepEqual(await composeContactSheets([]), []);
});
