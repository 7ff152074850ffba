import assert from "node:assert/strict";
import type { EmbeddingSet, FaceMeta } from "../store/embedding_set.ts";
import { labelledTruth } from "../sweep/evaluate.ts";
import { photosPerPerson, regimes, subset } from "./regimes.ts";

/** A set of `people` persons with `photos(p)` one-face photos each, row value = row index. */
function fake(prefix: string, people: number, photos: (p: number) => number): EmbeddingSet {
  const faces: FaceMeta[] = [];
  for (let p = 0; p < people; p++) {
    for (let i = 0; i < photos(p); i++) {
      faces.push(
        {
          imageId: `${prefix}${p}-${i}`,
          path: `${prefix}${p}/${i}.jpg`,
          face: 0,
          label: `${prefix}${p}`,
        } as FaceMeta,
      );
    }
  }
  const data = Float32Array.from(faces, (_, i) => i);
  return { x: { rows: faces.length, cols: 1, data }, faces };
}

Deno.test("regimes: LFW 10+, LFW 30+, pins 8 per person, pins + 2,000 one-photo strangers", () => {
  const lfw = fake("l", 2100, (p) => (p < 2 ? 31 : p < 5 ? 12 : p < 10 ? 3 : 1));
  const pins = fake("p", 4, () => 20);
  const got = new Map(regimes(lfw, pins));
  assert.deepEqual([...got.keys()], ["lfw-10+", "lfw-30+", "pins-8/person", "pins+2000", "pins+bystanders"]);
  assert.equal(got.get("lfw-10+")!.x.rows, 2 * 31 + 3 * 12);
  assert.equal(got.get("lfw-30+")!.x.rows, 2 * 31);
  const p8 = got.get("pins-8/person")!;
  assert.equal(p8.x.rows, 32);
  for (const paths of photosPerPerson(p8.faces).values()) assert.equal(paths.size, 8);
  const mixed = got.get("pins+2000")!;
  assert.equal(mixed.x.rows, 80 + 2000);
  assert.ok(mixed.faces.slice(80).every((f) => f.label!.startsWith("l")));
  // The same strangers as bystanders: in pins photos, unlabelled, never the scored face.
  const by = got.get("pins+bystanders")!;
  assert.equal(by.x.rows, 80 + 2000);
  assert.deepEqual(by.x.data.slice(80), mixed.x.data.slice(80));
  const pinsPhotos = new Set(pins.faces.map((f) => f.imageId));
  assert.ok(by.faces.slice(80).every((f) => f.label === undefined && pinsPhotos.has(f.imageId)));
  const truth = labelledTruth(by.faces)!;
  assert.equal(truth.filter((t) => t >= 0).length, 80);
  assert.ok(truth.slice(0, 80).every((t) => t >= 0));
  // Rows carry their vectors along.
  const s = subset(lfw, (_, i) => i % 7 === 0);
  s.faces.forEach((f, k) => assert.equal(lfw.faces[s.x.data[k]], f));
  // Without pins only LFW's regimes.
  assert.deepEqual(regimes(lfw).map(([n]) => n), ["lfw-10+", "lfw-30+"]);
});
