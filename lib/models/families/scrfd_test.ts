import assert from "node:assert/strict";
import type { ModelBase } from "../catalogue.ts";
import { decodeScrfd, scrfd, type ScrfdSpec } from "./scrfd.ts";

const base: ModelBase = { id: "s", source: { url: "x" }, file: "s.onnx", sha256: "0".repeat(64) };

/** A 64x32 SCRFD spec with strides 8, 16, 32 and 2 anchors per cell. */
function spec(extra: Record<string, unknown> = {}): ScrfdSpec {
  return scrfd.parse({ input: { width: 64, height: 32 }, ...extra }, base, 'cat.json: model "s"');
}

/** Zeroed outputs for one view of a 64x32 input: per stride, anchors = (64/s) * (32/s) * 2. */
function emptyOutputs(batch: number) {
  return [8, 16, 32].map((s) => {
    const n = (64 / s) * (32 / s) * 2 * batch;
    return {
      stride: s,
      scores: new Float32Array(n),
      boxes: new Float32Array(4 * n),
      keypoints: new Float32Array(10 * n),
    };
  });
}

Deno.test("scrfd: defaults are InsightFace's (640x640 RGB, (x-127.5)/128, strides 8/16/32, 2 anchors, keypoints)", () => {
  const s = scrfd.parse({}, base, "w");
  assert.deepEqual(s.input, {
    width: 640,
    height: 640,
    channels: 3,
    colorOrder: "RGB",
    mean: [127.5, 127.5, 127.5],
    std: [128, 128, 128],
  });
  assert.deepEqual(s.output, { strides: [8, 16, 32], anchorsPerCell: 2, keypoints: true });
  assert.equal(scrfd.landmarks(s), 5);
  assert.equal(scrfd.landmarks(spec({ output: { keypoints: false } })), 0);
});

Deno.test("scrfd: bad entries are rejected naming the entry and the field", () => {
  assert.throws(
    () => spec({ output: { strides: [8, "16"] } }),
    /cat\.json: model "s": field "output\.strides\[1\]"/,
  );
  assert.throws(
    () => spec({ input: { width: 60, height: 32 } }),
    /field "input" size 60x32 must be a multiple of stride 8/,
  );
  assert.throws(
    () => spec({ input: { colorOrder: "GREY" } }),
    /field "input\.colorOrder" must be one of RGB, BGR/,
  );
  assert.throws(
    () => spec({ output: { names: { scores: ["a"] } } }),
    /field "output\.names\.scores" must be a list of 3/,
  );
  assert.throws(
    () => spec({ output: { keypoints: "yes" } }),
    /field "output\.keypoints" must be true or false/,
  );
});

Deno.test("scrfd: anchor centres, distances and keypoints are decoded as in scrfd.py", () => {
  const outs = emptyOutputs(1);
  // Stride 8 grid is 8 columns x 4 rows, 2 anchors per cell: anchor 2 * (row 2 * 8 + col 5) + 1
  // has its centre at (40, 16).
  const i = 2 * (2 * 8 + 5) + 1;
  outs[0].scores[i] = 0.9;
  outs[0].boxes.set([1, 0.5, 2, 1.5], 4 * i); // left, top, right, bottom in stride units
  outs[0].keypoints.set([-1, -1, 1, -1, 0, 0, -1, 1, 1, 1], 10 * i);
  // Stride 32: 2 x 1 cells; anchor 2 * 1 + 0 at (32, 0), under the threshold.
  outs[2].scores[2] = 0.3;
  const dets = decodeScrfd(outs, 64, 32, 2, 0.5, { width: 64, height: 32, scaleX: 1, scaleY: 1 });
  assert.equal(dets.length, 1);
  assert.ok(Math.abs(dets[0].score - 0.9) < 1e-7);
  assert.deepEqual(dets[0].box, { x: 32, y: 12, w: 24, h: 16 });
  assert.deepEqual(Array.from(dets[0].landmarks!), [32, 8, 48, 8, 40, 16, 32, 24, 48, 24]);
  // Halving the scale doubles every coordinate (a view shrunk by 2 into the input); boxes clip.
  const [d] = decodeScrfd(outs, 64, 32, 2, 0.5, { width: 100, height: 100, scaleX: 0.5, scaleY: 0.5 });
  assert.deepEqual(d.box, { x: 64, y: 24, w: 36, h: 32 });
  assert.deepEqual(Array.from(d.landmarks!).slice(0, 2), [64, 16]);
  assert.throws(
    () =>
      decodeScrfd([{ ...outs[0], scores: new Float32Array(3) }], 64, 32, 2, 0.5, {
        width: 1,
        height: 1,
        scaleX: 1,
        scaleY: 1,
      }),
    /stride 8 of a 64x32 input has 64 anchors, but the outputs hold 3 scores/,
  );
});

Deno.test("scrfd: the family letterboxes, reads outputs in scrfd.py's order, per view of a batch", () => {
  const s = spec();
  // A 200x50 view is wider than the 2:1 input: width fills, height is 64 * 50 / 200 = 16.
  assert.deepEqual(scrfd.fit(s, 200, 50), { width: 64, height: 16 });
  assert.deepEqual(scrfd.fit(s, 50, 100), { width: 16, height: 32 });
  const outs = emptyOutputs(2);
  // View 1 of the batch: stride 16 anchor 0 (centre 0, 0).
  const i = (64 / 16) * (32 / 16) * 2 + 0;
  outs[1].scores[i] = 0.8;
  outs[1].boxes.set([0, 0, 1, 1], 4 * i);
  outs[1].keypoints.set([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 10 * i);
  outs[0].scores[3] = 0.99; // view 0 only
  const names = ["s8", "s16", "s32", "b8", "b16", "b32", "k8", "k16", "k32"];
  const data: Record<string, Float32Array> = {};
  outs.forEach((o, j) => {
    data[names[j]] = o.scores;
    data[names[3 + j]] = o.boxes;
    data[names[6 + j]] = o.keypoints;
  });
  const fit = { viewWidth: 200, viewHeight: 50, width: 64, height: 16 };
  const dets = scrfd.decode(s, { names, data }, 2, 1, fit, 0.5);
  assert.equal(dets.length, 1);
  // 16 input pixels at a scale of 64 / 200 are 50 view pixels.
  assert.deepEqual(dets[0].box, { x: 0, y: 0, w: 50, h: 50 });
  assert.deepEqual(Array.from(dets[0].landmarks!), [25, 25, 25, 25, 25, 25, 25, 25, 25, 25]);
  assert.equal(scrfd.decode(s, { names, data }, 2, 0, fit, 0.5).length, 1);
  // Named outputs are read by name, whatever the model's order.
  const named = spec({
    output: { names: { scores: names.slice(0, 3), boxes: names.slice(3, 6), keypoints: names.slice(6) } },
  });
  const reversed = { names: [...names].reverse(), data };
  assert.deepEqual(scrfd.decode(named, reversed, 2, 1, fit, 0.5), dets);
  assert.throws(
    () => scrfd.decode(s, { names: names.slice(0, 6), data }, 2, 1, fit, 0.5),
    /scrfd needs 9 outputs, the model has 6/,
  );
});
