import assert from "node:assert/strict";
import type { FaceMeta } from "../store/embedding_set.ts";
import { labelledFaces, labelledTruth, scoredMetrics } from "./evaluate.ts";

const face = (path: string, face: number, w: number, label: string): FaceMeta => ({
  path,
  face,
  imageId: path,
  label,
  box: [0, 0, w, w],
});

Deno.test("one labelled face per photo: the largest; bystanders are not scored", () => {
  const faces = [
    face("a/1.jpg", 0, 30, "a"), // bystander
    face("a/1.jpg", 1, 90, "a"),
    face("b/1.jpg", 0, 50, "b"),
    face("b/2.jpg", 0, 40, "b"),
    face("b/2.jpg", 1, 80, "b"),
  ];
  assert.deepEqual([...labelledFaces(faces)], [1, 2, 4]);
  assert.deepEqual([...labelledTruth(faces)!], [-1, 0, 1, -1, 1]);
  // The bystanders sit with the wrong people: only the labelled faces count, so the score is perfect.
  const labels = Int32Array.from([1, 0, 1, 0, 1]);
  assert.equal(scoredMetrics(labelledTruth(faces)!, labels).bcubedF1, 1);
  // Counting every face as its photo's person (the old way) would not be.
  const all = Int32Array.from([0, 0, 1, 1, 1]);
  assert.ok(scoredMetrics(all, labels).bcubedF1 < 1);
  assert.equal(labelledTruth([{ path: "x.jpg", face: 0, imageId: "x" }]), undefined);
});
