import assert from "node:assert/strict";
import { combineMirrored, combineViews, isTtaMode, TTA_KEY, TTA_ZOOMS, ttaKey, ttaZooms } from "./tta.ts";

Deno.test("combineMirrored: unit mean of each pair of rows, same dimension", () => {
  const a = new Float32Array([1, 0, 0, 0, 1, 0]);
  const b = new Float32Array([0, 1, 0, 0, 1, 0]);
  const c = combineMirrored(a, b, 3);
  assert.equal(c.length, 6);
  const h = Math.SQRT1_2;
  assert.deepEqual(Array.from(c.subarray(0, 3)).map((v) => +v.toFixed(6)), [+h.toFixed(6), +h.toFixed(6), 0]);
  // Identical rows give the row itself.
  assert.deepEqual(Array.from(c.subarray(3)), [0, 1, 0]);
  // Opposite rows have a zero mean, which stays zero (no NaN).
  assert.deepEqual(Array.from(combineMirrored(new Float32Array([1, 0]), new Float32Array([-1, 0]), 2)), [
    0,
    0,
  ]);
  assert.equal(a[0], 1, "inputs unchanged");
});

Deno.test("combineMirrored refuses rows that do not match", () => {
  assert.throws(() => combineMirrored(new Float32Array(6), new Float32Array(3), 3), /not matching rows of 3/);
  assert.throws(() => combineMirrored(new Float32Array(5), new Float32Array(5), 3), /rows of 3/);
});

Deno.test("isTtaMode", () => {
  assert.ok(isTtaMode("on") && isTtaMode("off"));
  assert.ok(!isTtaMode("yes") && !isTtaMode(true));
});

Deno.test("combineViews: unit mean of row i of every view; combineMirrored is its two-view case", () => {
  const a = new Float32Array([3, 0, 0, 1]),
    b = new Float32Array([0, 4, 0, -1]),
    c = new Float32Array(4);
  const v = combineViews([a, b, c], 2);
  // Row 0: (3, 4) / 5; row 1: (0, 1) + (0, -1) + (0, 0) = 0, which stays 0.
  assert.deepEqual(Array.from(v), [0.6, 0.8, 0, 0].map(Math.fround));
  assert.deepEqual(combineViews([a, b], 2), combineMirrored(a, b, 2));
  assert.throws(() => combineViews([a, new Float32Array(2)], 2), /views of 4 and 2 values/);
  assert.throws(() => combineViews([], 2), /0 views/);
  assert.throws(() => combineViews([new Float32Array(3)], 2), /not rows of 2/);
});

Deno.test("ttaZooms and ttaKey: the views for photos, the crop alone (key true) for aligned input", () => {
  assert.deepEqual(ttaZooms(false), TTA_ZOOMS);
  assert.deepEqual(ttaZooms(true), [1]);
  assert.equal(ttaKey(false), TTA_KEY);
  assert.equal(ttaKey(true), true);
});
