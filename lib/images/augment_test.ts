import assert from "node:assert/strict";
import { flipHorizontal } from "./augment.ts";
import type { RgbImage } from "./decode.ts";

const image = (w: number, h: number): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
  return { data, width: w, height: h };
};

Deno.test("flipHorizontal mirrors every pixel exactly and leaves the input unchanged", () => {
  const img = image(5, 3);
  const before = img.data.slice();
  const f = flipHorizontal(img);
  assert.deepEqual(img.data, before);
  assert.equal(f.width, 5);
  assert.equal(f.height, 3);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 5; x++) {
      for (let c = 0; c < 3; c++) {
        assert.equal(f.data[(y * 5 + x) * 3 + c], img.data[(y * 5 + (4 - x)) * 3 + c], `(${x}, ${y}, ${c})`);
      }
    }
  }
});

Deno.test("flipHorizontal twice gives the original bytes; a 1-pixel-wide image is its own mirror", () => {
  const img = image(112, 112);
  assert.deepEqual(flipHorizontal(flipHorizontal(img)).data, img.data);
  assert.notDeepEqual(flipHorizontal(img).data, img.data);
  const col = image(1, 4);
  assert.deepEqual(flipHorizontal(col).data, col.data);
  assert.equal(flipHorizontal({ ...img, scale: 2 }).scale, 2);
});

Deno.test("flipHorizontal refuses data of the wrong length", () => {
  assert.throws(
    () => flipHorizontal({ data: new Uint8Array(10), width: 2, height: 2 }),
    /10 bytes for a 2x2/,
  );
});
