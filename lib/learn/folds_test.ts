import assert from "node:assert/strict";
import { seededRandom } from "../util/random.ts";
import { drawFoldPairs, foldAccuracy, parsePeopleFolds, splitPeople } from "./folds.ts";

Deno.test("parsePeopleFolds reads LFW's people.txt layout", () => {
  const folds = parsePeopleFolds("2\n2\nAda\t3\nBob\t1\n1\nCy\t2\n");
  assert.deepEqual(folds, [["Ada", "Bob"], ["Cy"]]);
  assert.throws(() => parsePeopleFolds("2\n2\nAda 1\n"), /ends early/);
});

Deno.test("splitPeople makes disjoint folds covering everyone", () => {
  const people = Array.from({ length: 48 }, (_, i) => `p${i}`);
  const f = splitPeople(people, 10, seededRandom(1));
  assert.equal(f.length, 10);
  assert.deepEqual(f.flat().sort(), [...people].sort());
  assert.ok(f.every((x) => x.length === 4 || x.length === 5));
});

Deno.test("foldAccuracy takes the threshold from the other folds", () => {
  // training folds separate at 0.5; the test fold's pairs sit at 0.45 (same) and 0.2 (different):
  // at 0.5 the same pair is called different -> accuracy 0.5
  const pairs = [
    { sim: 0.8, same: true, fold: 0 },
    { sim: 0.6, same: true, fold: 0 },
    { sim: 0.4, same: false, fold: 0 },
    { sim: 0.1, same: false, fold: 0 },
    { sim: 0.45, same: true, fold: 1 },
    { sim: 0.2, same: false, fold: 1 },
  ];
  const r = foldAccuracy(pairs, 1);
  assert.ok(Math.abs(r.threshold - 0.5) < 1e-9);
  assert.equal(r.accuracy, 0.5);
});

Deno.test("drawFoldPairs stays inside each fold", () => {
  const rows = new Map([["a", [0, 1, 2]], ["b", [3, 4]], ["c", [5, 6]], ["d", [7, 8]]]);
  const folds = [["a", "b"], ["c", "d"]];
  const pairs = drawFoldPairs(rows, folds, 10, seededRandom(2));
  const foldOf = (r: number) => (r <= 4 ? 0 : 1);
  for (const p of pairs) {
    assert.equal(foldOf(p.a), p.fold);
    assert.equal(foldOf(p.b), p.fold);
  }
  assert.equal(pairs.filter((p) => p.fold === 0 && p.same).length, 4); // 3 + 1 positive pairs
  assert.equal(pairs.filter((p) => p.fold === 0 && !p.same).length, 4);
});
