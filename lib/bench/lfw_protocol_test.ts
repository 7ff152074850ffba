import assert from "node:assert/strict";
import { centreFace, parsePairs, tenFoldAccuracy } from "./lfw_protocol.ts";

Deno.test("pairs.txt lines parse into same and different pairs with folds", () => {
  const text = "2 1\nAnn 1 2\nAnn 1 Bob 3\nCid 2 4\nDee 1 Eve 10\n";
  const pairs = parsePairs(text);
  assert.deepEqual(pairs.map((p) => [p.a, p.b, p.same, p.fold]), [
    ["Ann/Ann_0001.jpg", "Ann/Ann_0002.jpg", true, 0],
    ["Ann/Ann_0001.jpg", "Bob/Bob_0003.jpg", false, 0],
    ["Cid/Cid_0002.jpg", "Cid/Cid_0004.jpg", true, 1],
    ["Dee/Dee_0001.jpg", "Eve/Eve_0010.jpg", false, 1],
  ]);
});

Deno.test("ten-fold accuracy picks thresholds on the other folds", () => {
  // Perfectly separable at 0.5 in every fold.
  const pairs = [];
  const sims = [];
  for (let f = 0; f < 10; f++) {
    for (let i = 0; i < 10; i++) {
      pairs.push({ a: "", b: "", same: i < 5, fold: f });
      sims.push(i < 5 ? 0.6 + i * 0.01 : 0.1 + i * 0.01);
    }
  }
  const r = tenFoldAccuracy(Float64Array.from(sims), pairs);
  assert.equal(r.mean, 1);
  assert.ok(r.thresholds.every((t) => t > 0.2 && t < 0.6));
  // One flipped label in fold 3 costs exactly that pair.
  pairs[30].same = false;
  assert.equal(tenFoldAccuracy(Float64Array.from(sims), pairs).mean, 0.99);
});

Deno.test("the centre face is the one nearest the middle", () => {
  assert.equal(centreFace([[0, 0, 10, 10], [100, 100, 50, 50], [200, 0, 40, 40]], 250, 250), 1);
  assert.equal(centreFace([], 250, 250), -1);
});
