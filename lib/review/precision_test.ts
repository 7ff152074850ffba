import assert from "node:assert/strict";
import { estimatePrecision, wilson } from "./precision.ts";
import type { VerdictRecord } from "./decisions.ts";

Deno.test("wilson: the published 95% intervals (Newcombe 1998: 81/263; 0/10; 10/10)", () => {
  const r = wilson(81, 263);
  assert.equal(r.low.toFixed(4), "0.2553");
  assert.equal(r.high.toFixed(4), "0.3662");
  assert.deepEqual([wilson(0, 10).low, +wilson(0, 10).high.toFixed(4)], [0, 0.2775]);
  assert.deepEqual([+wilson(10, 10).low.toFixed(4), wilson(10, 10).high], [0.7225, 1]);
  assert.ok(Number.isNaN(wilson(0, 0).p));
});

Deno.test("estimatePrecision: clusters and faces, wrong without faces counts all, other samples left out", () => {
  const v = (cluster: string, faces: string[], verdict: "correct" | "wrong", wrong: string[] = []) =>
    [cluster, { cluster, faces, verdict, wrong }] as [string, VerdictRecord];
  const verdicts = new Map([
    v("a", ["a", "a2", "a3"], "correct"),
    v("b", ["b", "b2", "b3", "b4"], "wrong", ["b4"]),
    v("c", ["c", "c2"], "wrong"),
    v("old", ["old"], "correct"),
  ]);
  const e = estimatePrecision(["a", "b", "c", "d"], verdicts);
  assert.equal(e.sampled, 4);
  assert.equal(e.checked, 3);
  assert.deepEqual([e.clusters.k, e.clusters.n], [1, 3]);
  assert.deepEqual([e.faces.k, e.faces.n], [3 + 3, 9]);
  assert.ok(e.faces.low < 6 / 9 && e.faces.high > 6 / 9);
});
