import assert from "node:assert/strict";
import { alignmentTransform, TEMPLATE_112 } from "../../faces/align.ts";
import { NO_COLOUR, NO_GEOMETRY } from "../../images/augment.ts";
import type { RgbImage } from "../../images/decode.ts";
import { invertAffine, warpAffine } from "../../images/warp.ts";
import { seededRandom } from "../../util/random.ts";
import { renderView, sampleView, type ViewRecipe } from "./views.ts";

/** A 200x200 photo with a smooth pattern; the face's landmarks are the template, 1.5x, moved by 20. */
const photo: RgbImage = (() => {
  const data = new Uint8Array(200 * 200 * 3);
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 200; x++) data.set([x, y, (x * y) % 251], (y * 200 + x) * 3);
  }
  return { data, width: 200, height: 200 };
})();
const lm = TEMPLATE_112.map((v) => v * 1.5 + 20);
const plain: ViewRecipe = { flip: false, geometry: { ...NO_GEOMETRY }, colour: { ...NO_COLOUR }, blur: 0 };

const at = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

Deno.test("renderView with nothing drawn is the aligned crop; the mirror flag mirrors it", () => {
  const want = warpAffine(photo, invertAffine(alignmentTransform(lm, 112)), 112, 112);
  const got = renderView(photo, lm, plain);
  assert.deepEqual(got.data, want.data);
  const mirrored = renderView(photo, lm, { ...plain, flip: true });
  assert.deepEqual(at(mirrored, 0, 50), at(got, 111, 50));
});

Deno.test("renderView: a shift takes the crop from elsewhere in the photo (no black border)", () => {
  const base = renderView(photo, lm, plain);
  const shifted = renderView(photo, lm, { ...plain, geometry: { angle: 0, scale: 1, dx: 6, dy: 0 } });
  // Output pixel x + 6 of the shifted view shows what pixel x of the plain view showed.
  for (const [x, y] of [[20, 30], [50, 60], [80, 100]]) {
    assert.deepEqual(at(shifted, x + 6, y).slice(0, 2), at(base, x, y).slice(0, 2));
  }
  assert.ok(at(shifted, 2, 56).some((v) => v > 0), "the left edge comes from the photo");
});

Deno.test("renderView: a mask drawn on the jittered face covers its mouth and leaves its eyes", () => {
  const geometry = { angle: 8, scale: 1.05, dx: 3, dy: -2 };
  const mask: ViewRecipe = {
    ...plain,
    geometry,
    occlusion: { kind: "mask", top: 0.4, halfWidth: 0.95, colour: [250, 0, 250] },
  };
  const bare = renderView(photo, lm, { ...plain, geometry });
  const masked = renderView(photo, lm, mask);
  let eyes = 0, mouth = 0;
  for (let y = 40; y < 55; y++) {
    for (let x = 30; x < 80; x++) if (at(masked, x, y).join() !== at(bare, x, y).join()) eyes++;
  }
  for (let y = 90; y < 100; y++) for (let x = 40; x < 70; x++) if (at(masked, x, y)[1] < 40) mouth++;
  assert.equal(eyes, 0);
  assert.equal(mouth, 300);
});

Deno.test("sampleView is reproduced by its seed and honours zero probabilities", () => {
  assert.deepEqual(sampleView(seededRandom(3)), sampleView(seededRandom(3)));
  const r = seededRandom(8);
  let flips = 0, occluded = 0;
  for (let i = 0; i < 400; i++) {
    const v = sampleView(r, 112, { flip: 0, occlusion: 1, kinds: ["hand"], blur: 0 });
    if (v.flip) flips++;
    if (v.occlusion?.kind === "hand") occluded++;
    assert.equal(v.blur, 0);
  }
  assert.equal(flips, 0);
  assert.equal(occluded, 400);
  const a = renderView(photo, lm, sampleView(seededRandom(5)));
  assert.deepEqual(a.data, renderView(photo, lm, sampleView(seededRandom(5))).data);
});
