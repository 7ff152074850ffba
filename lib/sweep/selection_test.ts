import assert from "node:assert/strict";
import { bestBy, consensusScores, pickLabelFree, type RunRow } from "./selection.ts";

const row = (id: string, metrics: Record<string, number>, error?: string): RunRow => ({
  id,
  method: "m",
  params: {},
  seed: 1,
  timeMs: 1,
  metrics,
  error,
});

Deno.test("bestBy: highest, or lowest for lower-is-better metrics; skips failures and NaN", () => {
  const rows = [
    row("a", { f: 0.5, daviesBouldin: 2 }),
    row("b", { f: 0.9, daviesBouldin: 1 }),
    row("c", { f: NaN }),
    row("d", { f: 1 }, "x"),
  ];
  assert.equal(bestBy(rows, "f")?.id, "b");
  assert.equal(bestBy(rows, "daviesBouldin")?.id, "b");
  assert.equal(bestBy([], "f"), undefined);
});

Deno.test("consensus picks the labeling that agrees most with the others", () => {
  const truth = Int32Array.from({ length: 60 }, (_, i) => Math.floor(i / 10));
  const near1 = truth.map((l, i) => (i === 3 ? 5 : l));
  const near2 = truth.map((l, i) => (i === 17 ? -1 : l));
  const coarse = truth.map((l) => l >> 1);
  const one = new Int32Array(60);
  const labelings = [coarse, near1, truth, near2, one];
  const s = consensusScores(labelings);
  assert.equal(s.indexOf(Math.max(...s)), 2);
  const rows = labelings.map((_, i) => row(String(i), { silhouette: i === 4 ? 0.9 : 0.1 }));
  assert.equal(pickLabelFree("consensus", rows, labelings)?.row.id, "2");
  assert.equal(pickLabelFree("silhouette", rows, labelings)?.row.id, "4");
  assert.throws(() => pickLabelFree("nope", rows, labelings), /unknown label-free rule/);
});
