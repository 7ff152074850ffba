import assert from "node:assert/strict";
import { iou, nms } from "./nms.ts";
import { decodeBoxes } from "./detector.ts";

const det = (x: number, y: number, w: number, h: number, score: number) => ({ box: { x, y, w, h }, score });

Deno.test("iou of known boxes", () => {
  assert.equal(iou(det(0, 0, 10, 10, 1), det(0, 0, 10, 10, 1)), 1);
  assert.equal(iou(det(0, 0, 10, 10, 1), det(20, 20, 10, 10, 1)), 0);
  assert.ok(Math.abs(iou(det(0, 0, 10, 10, 1), det(5, 0, 10, 10, 1)) - 50 / 150) < 1e-12);
});

Deno.test("nms keeps the highest score of overlapping boxes, whatever their order or bottom edge", () => {
  // The lower-scoring box has the lower bottom edge: a bottom-edge sort (the reference JS) would keep it.
  const dets = [
    det(0, 0, 100, 120, 0.7),
    det(5, 5, 100, 100, 0.95),
    det(300, 0, 50, 50, 0.8),
    det(0, 0, 0, 10, 0.99),
  ];
  const kept = nms(dets, 0.4);
  assert.deepEqual(kept.map((d) => d.score), [0.95, 0.8]);
  assert.deepEqual(nms([...dets].reverse(), 0.4).map((d) => d.score), [0.95, 0.8]);
  // A looser threshold keeps both overlapping boxes.
  assert.equal(nms(dets, 0.9).length, 3);
  assert.equal(nms(dets, 0.4, 1).length, 1);
});

Deno.test("decodeBoxes reads decoded normalised corners and the face score column", () => {
  const scores = new Float32Array([0.9, 0.1, 0.2, 0.8, 0.05, 0.95]);
  const boxes = new Float32Array([0, 0, 1, 1, 0.1, 0.2, 0.3, 0.6, -0.1, 0.5, 0.2, 1.2]);
  const out = decodeBoxes(scores, boxes, 200, 100, 0.65);
  assert.equal(out.length, 2);
  const round = (b: { x: number; y: number; w: number; h: number }) =>
    [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 1000) / 1000);
  assert.deepEqual(round(out[0].box), [20, 20, 40, 40]);
  assert.equal(out[0].score, scores[3]);
  // Clipped to the image.
  assert.deepEqual(round(out[1].box), [0, 50, 40, 50]);
  assert.throws(() => decodeBoxes(scores, boxes.subarray(0, 8), 10, 10, 0.5), /3 scores but 2 boxes/);
});
