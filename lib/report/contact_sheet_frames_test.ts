import assert from "node:assert/strict";
import sharp from "sharp";
import { composeContactSheet, composeContactSheets, FRAME_WIDTH } from "./contact_sheet.ts";
import { solidJpeg } from "./_testing/sample.ts";

async function pixelAt(jpeg: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [data[o], data[o + 1], data[o + 2]];
}

const near = (a: number[], b: number[], tol = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

Deno.test("frames: a marked tile gets a coloured border inside it, the others none", async () => {
  const white = await solidJpeg(255, 255, 255);
  const red = { r: 207, g: 34, b: 46 };
  const sheet = await composeContactSheet([white, white], { tile: 48, gap: 2 }, [undefined, red]);
  const [a, b] = sheet.tiles;
  const edge = Math.floor(FRAME_WIDTH / 2);
  assert.ok(near(await pixelAt(sheet.jpeg, b.x + edge, b.y + 24), [207, 34, 46]));
  assert.ok(near(await pixelAt(sheet.jpeg, b.x + 24, b.y + b.h - 1 - edge), [207, 34, 46]));
  assert.ok(near(await pixelAt(sheet.jpeg, b.x + 24, b.y + 24), [255, 255, 255]), "centre untouched");
  assert.ok(near(await pixelAt(sheet.jpeg, a.x + edge, a.y + 24), [255, 255, 255]), "unmarked tile");
  // Frames follow their tiles across sheets.
  const sheets = await composeContactSheets([white, white, white], { tile: 16, gap: 1, maxTiles: 2 }, [
    undefined,
    undefined,
    red,
  ]);
  const t = sheets[1].tiles[0];
  assert.ok(near(await pixelAt(sheets[1].jpeg, t.x + 1, t.y + 8), [207, 34, 46]));
  const u = sheets[0].tiles[1];
  assert.ok(near(await pixelAt(sheets[0].jpeg, u.x + 1, u.y + 8), [255, 255, 255]));
});
