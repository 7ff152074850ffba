import assert from "node:assert/strict";
import {
  adjustColour,
  composeAffine,
  flipHorizontal,
  gaussianBlur,
  jitterAffine,
  NO_COLOUR,
  NO_GEOMETRY,
  occlude,
  occlusionCoverage,
  sampleBlur,
  sampleColour,
  sampleGeometric,
  sampleOcclusion,
} from "./augment.ts";
import type { RgbImage } from "./decode.ts";
import { applyAffine, invertAffine, warpAffine } from "./warp.ts";
import { seededRandom } from "../util/random.ts";

const image = (w: number, h: number): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
  return { data, width: w, height: h };
};

const flat = (w: number, h: number, rgb: [number, number, number]): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width: w, height: h };
};

/** The standard 112x112 template's landmarks (eyes, nose, mouth corners). */
const TEMPLATE = [38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041];

const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

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

Deno.test("jitterAffine: no jitter is the identity; a shift moves points; a rotation keeps the centre", () => {
  const id = jitterAffine(NO_GEOMETRY, 56, 56);
  for (const [a, b] of id.map((v, i) => [v, [1, 0, 0, 0, 1, 0][i]])) assert.ok(Math.abs(a - b) < 1e-12);
  const shift = jitterAffine({ angle: 0, scale: 1, dx: 3, dy: -2 }, 56, 56);
  assert.deepEqual(applyAffine(shift, 10, 20).map((v) => +v.toFixed(9)), [13, 18]);
  const rot = jitterAffine({ angle: 90, scale: 2, dx: 0, dy: 0 }, 56, 56);
  assert.deepEqual(applyAffine(rot, 56, 56).map((v) => +v.toFixed(9)), [56, 56]);
  // 90 degrees counter-clockwise on screen (y down): a point to the right of the centre goes up.
  const [x, y] = applyAffine(rot, 66, 56);
  assert.ok(Math.abs(x - 56) < 1e-9 && Math.abs(y - 36) < 1e-9, `got ${x}, ${y}`);
});

Deno.test("composeAffine applies the inner map first", () => {
  const inner: [number, number, number, number, number, number] = [2, 0, 1, 0, 3, -1];
  const outer = jitterAffine({ angle: 30, scale: 1.1, dx: 2, dy: 1 }, 10, 10);
  const m = composeAffine(outer, inner);
  const [ix, iy] = applyAffine(inner, 4, 7);
  const want = applyAffine(outer, ix, iy);
  const got = applyAffine(m, 4, 7);
  assert.ok(Math.abs(got[0] - want[0]) < 1e-9 && Math.abs(got[1] - want[1]) < 1e-9);
});

Deno.test("a shift jitter warps a bright dot by the shift", () => {
  const img = flat(32, 32, [0, 0, 0]);
  img.data.set([255, 255, 255], (10 * 32 + 12) * 3);
  const m = jitterAffine({ angle: 0, scale: 1, dx: 4, dy: 2 }, 16, 16);
  const out = warpAffine(img, invertAffine(m), 32, 32);
  assert.deepEqual(px(out, 16, 12), [255, 255, 255]);
  assert.deepEqual(px(out, 12, 10), [0, 0, 0]);
});

Deno.test("sampleGeometric stays within its limits and is reproduced by its seed", () => {
  const r = seededRandom(5);
  for (let i = 0; i < 200; i++) {
    const j = sampleGeometric(r, 112, { maxAngle: 8, maxScale: 0.05, maxShift: 0.04 });
    assert.ok(Math.abs(j.angle) <= 8 && Math.abs(j.scale - 1) <= 0.05);
    assert.ok(Math.abs(j.dx) <= 4.48 && Math.abs(j.dy) <= 4.48);
  }
  assert.deepEqual(sampleGeometric(seededRandom(9), 112), sampleGeometric(seededRandom(9), 112));
  assert.notDeepEqual(sampleGeometric(seededRandom(9), 112), sampleGeometric(seededRandom(10), 112));
});

Deno.test("adjustColour: identity factors give the bytes back; results stay in 0..255", () => {
  const img = image(20, 20);
  assert.deepEqual(adjustColour(img, NO_COLOUR).data, img.data);
  const r = seededRandom(3);
  for (let i = 0; i < 20; i++) {
    const j = sampleColour(r, { brightness: 0.9, contrast: 0.9, saturation: 0.9 });
    const out = adjustColour(img, j).data;
    assert.equal(out.length, img.data.length);
    for (const v of out) assert.ok(Number.isInteger(v) && v >= 0 && v <= 255);
  }
  assert.throws(() => adjustColour(img, { brightness: -1, contrast: 1, saturation: 1 }), /brightness/);
});

Deno.test("adjustColour: brightness scales, saturation 0 gives grey, contrast 0 gives the mean", () => {
  const img = flat(4, 4, [100, 50, 20]);
  assert.deepEqual(px(adjustColour(img, { brightness: 1.5, contrast: 1, saturation: 1 }), 0, 0), [
    150,
    75,
    30,
  ]);
  const g = px(adjustColour(img, { brightness: 1, contrast: 1, saturation: 0 }), 1, 1);
  assert.ok(g[0] === g[1] && g[1] === g[2], `grey: ${g}`);
  const two = image(8, 8);
  const c0 = adjustColour(two, { brightness: 1, contrast: 0, saturation: 0 }).data;
  assert.ok(c0.every((v) => Math.abs(v - c0[0]) <= 1), "contrast 0 flattens a grey image to one level");
  // Saturation above 1 moves channels apart.
  const s = px(adjustColour(img, { brightness: 1, contrast: 1, saturation: 1.5 }), 0, 0);
  assert.ok(s[0] > 100 && s[2] < 20);
});

Deno.test("gaussianBlur: sigma 0 is the identity, a flat image stays flat, detail is smoothed", () => {
  const img = image(16, 12);
  assert.deepEqual(gaussianBlur(img, 0).data, img.data);
  const f = flat(9, 7, [10, 200, 77]);
  assert.deepEqual(gaussianBlur(f, 1.3).data, f.data);
  const variance = (d: Uint8Array) => {
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    return d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length;
  };
  const b = gaussianBlur(img, 1.5);
  assert.ok(variance(b.data) < variance(img.data) / 2);
  // A dot spreads symmetrically.
  const dot = flat(11, 11, [0, 0, 0]);
  dot.data.set([255, 255, 255], (5 * 11 + 5) * 3);
  const db = gaussianBlur(dot, 1);
  assert.deepEqual(px(db, 4, 5), px(db, 6, 5));
  assert.deepEqual(px(db, 5, 4), px(db, 5, 6));
  assert.ok(px(db, 5, 5)[0] < 255 && px(db, 4, 5)[0] > 0);
  assert.throws(() => gaussianBlur(img, -1), /sigma/);
});

Deno.test("sampleBlur: none with probability 1 - p, else within (0, max]", () => {
  const r = seededRandom(1);
  let none = 0;
  for (let i = 0; i < 2000; i++) {
    const s = sampleBlur(r, 0.25, 2);
    if (s === 0) none++;
    else assert.ok(s > 0 && s <= 2);
  }
  assert.ok(none > 1350 && none < 1650, `${none} of 2000 without blur`);
});

/** Share of pixels covered (> 0.5) in rows [y0, y1) of a 112x112 template face. */
function coveredShare(cover: Float32Array, y0: number, y1: number, x0 = 0, x1 = 112): number {
  let n = 0, k = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, k++) if (cover[y * 112 + x] > 0.5) n++;
  return n / k;
}

const at = (cover: Float32Array, x: number, y: number) => cover[Math.round(y) * 112 + Math.round(x)];

Deno.test("a face mask covers the lower face (nose tip, mouth, chin) and leaves the eyes and forehead", () => {
  const r = seededRandom(11);
  for (let i = 0; i < 20; i++) {
    const m = sampleOcclusion(r, "mask");
    const c = occlusionCoverage(112, 112, TEMPLATE, m);
    assert.equal(at(c, TEMPLATE[0], TEMPLATE[1]), 0, "left eye visible");
    assert.equal(at(c, TEMPLATE[2], TEMPLATE[3]), 0, "right eye visible");
    assert.equal(coveredShare(c, 0, 45), 0, "nothing above the eyes");
    assert.equal(at(c, TEMPLATE[6], TEMPLATE[7]), 1, "left mouth corner covered");
    assert.equal(at(c, TEMPLATE[8], TEMPLATE[9]), 1, "right mouth corner covered");
    assert.equal(at(c, 56, 105), 1, "chin covered");
    assert.ok(coveredShare(c, 85, 100, 30, 82) > 0.95);
  }
});

Deno.test("sunglasses cover the eyes and leave the mouth; a hand covers part of the lower or side face", () => {
  const r = seededRandom(12);
  for (let i = 0; i < 20; i++) {
    const g = occlusionCoverage(112, 112, TEMPLATE, sampleOcclusion(r, "sunglasses"));
    assert.equal(at(g, TEMPLATE[0], TEMPLATE[1]), 1);
    assert.equal(at(g, TEMPLATE[2], TEMPLATE[3]), 1);
    assert.equal(at(g, TEMPLATE[6], TEMPLATE[7]), 0);
    assert.equal(coveredShare(g, 75, 112), 0);
    const h = occlusionCoverage(112, 112, TEMPLATE, sampleOcclusion(r, "hand"));
    const share = coveredShare(h, 0, 112);
    assert.ok(share > 0.03 && share < 0.5, `hand covers ${share}`);
    assert.equal(coveredShare(h, 0, 30), 0, "no hand on the forehead");
  }
});

Deno.test("the occlusion follows the face: a shifted face moves its mask", () => {
  const m = sampleOcclusion(seededRandom(3), "mask");
  const shifted = TEMPLATE.map((v, i) => (i % 2 === 0 ? v + 10 : v));
  const a = occlusionCoverage(112, 112, TEMPLATE, m), b = occlusionCoverage(112, 112, shifted, m);
  for (let y = 0; y < 112; y += 7) {
    for (let x = 0; x < 100; x += 7) assert.ok(Math.abs(a[y * 112 + x] - b[y * 112 + x + 10]) < 1e-4);
  }
  assert.throws(() => occlusionCoverage(112, 112, [1, 1, 1, 1], m), /eyes coincide/);
});

Deno.test("occlude changes only covered pixels, deterministically, within 0..255", () => {
  const img = image(112, 112);
  for (const kind of ["mask", "sunglasses", "hand"] as const) {
    const o = sampleOcclusion(seededRandom(4), kind);
    const out = occlude(img, TEMPLATE, o);
    assert.deepEqual(out.data, occlude(img, TEMPLATE, sampleOcclusion(seededRandom(4), kind)).data);
    const cover = occlusionCoverage(112, 112, TEMPLATE, o);
    let changed = 0;
    for (let p = 0; p < cover.length; p++) {
      const same = out.data[p * 3] === img.data[p * 3] && out.data[p * 3 + 1] === img.data[p * 3 + 1] &&
        out.data[p * 3 + 2] === img.data[p * 3 + 2];
      if (cover[p] === 0) assert.ok(same, `${kind}: pixel ${p} uncovered but changed`);
      else if (!same) changed++;
    }
    assert.ok(changed > 100, `${kind}: ${changed} pixels changed`);
  }
});
