import assert from "node:assert/strict";
import { cosineMatrix, mineBatchHard, mineSemiHard } from "./mining.ts";

// 2-D unit vectors at angles (degrees); labels A A A B B
const deg = [0, 10, 55, 30, 90];
const e = new Float32Array(
  deg.flatMap((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]),
);
const labels = Int32Array.from([0, 0, 0, 1, 1]);
const sim = cosineMatrix(e, 5, 2);

Deno.test("cosineMatrix gives the cosine of the angle between rows", () => {
  assert.ok(Math.abs(sim[0 * 5 + 2] - Math.cos((55 * Math.PI) / 180)) < 1e-6);
  assert.ok(Math.abs(sim[3 * 5 + 4] - Math.cos((60 * Math.PI) / 180)) < 1e-6);
});

Deno.test("batch-hard mining picks the farthest positive and the closest negative", () => {
  const t = mineBatchHard(sim, labels);
  assert.deepEqual([...t.a], [0, 1, 2, 3, 4]);
  // anchor 0 (0°): positives 10°, 55° -> 55° (row 2); negatives 30°, 90° -> 30° (row 3)
  // anchor 2 (55°): positives 0°, 10° -> 0° (row 0); negatives 30° (25° away), 90° (35°) -> row 3
  // anchor 3 (30°): positive 90° (row 4); negatives 0°, 10°, 55° at 30°, 20°, 25° -> 10° (row 1)
  // anchor 4 (90°): positive 30° (row 3); negatives 0°, 10°, 55° -> 55° (row 2)
  assert.deepEqual([...t.p], [2, 2, 0, 4, 3]);
  assert.deepEqual([...t.n], [3, 3, 3, 1, 2]);
});

Deno.test("semi-hard mining takes the closest negative farther than the positive, else the farthest", () => {
  const t = mineSemiHard(sim, labels);
  const at = (a: number, p: number) => {
    for (let i = 0; i < t.a.length; i++) if (t.a[i] === a && t.p[i] === p) return t.n[i];
    return -1;
  };
  assert.equal(t.a.length, 3 * 2 + 2 * 1); // one triplet per ordered positive pair
  // (0°, 10°): negatives at 30° and 90° both farther; the closer is 30° (row 3)
  assert.equal(at(0, 1), 3);
  // (0°, 55°): negatives farther than 55° from 0°: 90° only (30° is closer) -> row 4
  assert.equal(at(0, 2), 4);
  // (10°, 0°): positive 10° away; negatives 30° (20° away) and 90° -> row 3
  assert.equal(at(1, 0), 3);
  // (90°, 30°): positive 60° away; negatives 0°,10°,55° at 90°,80°,35°: farther than 60° and
  // closest: 10° (row 1)
  assert.equal(at(4, 3), 1);
  // (30°, 90°): positive 60° away; negatives 0°,10°,55° at 30°,20°,25°: none farther -> the farthest, 0° (row 0)
  assert.equal(at(3, 4), 0);
});

Deno.test("rows with an unknown label are never mined", () => {
  const t = mineBatchHard(sim, Int32Array.from([0, 0, -1, 1, 1]));
  assert.ok(![...t.a, ...t.p, ...t.n].includes(2));
});
