import assert from "node:assert/strict";
import { replay } from "../review/decisions.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { fromDecisions } from "./sources/decisions.ts";
import { shownClusters, simulateReview, unreviewedTruth } from "./review_sim.ts";

/**
 * 12 photos, one face each, except photo 11 which has a bystander (row 12). Clusters: A = rows
 * 0-3 (all person 0), B = rows 4-7 (persons 1, 1, 1, 2), C = rows 8-9 (persons 3 and 4), row 10
 * alone, D = rows 11 and 12 (person 5 and the bystander).
 */
function sample() {
  const faces: FaceMeta[] = Array.from(
    { length: 12 },
    (_, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `h${i}` }),
  );
  faces.push({ path: "p11.jpg", face: 1, imageId: "h11" });
  const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 4]);
  const truth = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 6, 5, -1]);
  return { faces, labels, truth };
}

Deno.test("shownClusters: clusters of 2+ faces, largest first; singletons -1", () => {
  assert.deepEqual([...shownClusters(Int32Array.from([5, 5, 7, 9, 9, 9, -1]))], [1, 1, -1, 0, 0, 0, -1]);
});

Deno.test("simulateReview: correct, wrong with the odd face listed, and wrong with none listed", () => {
  const { faces, labels, truth } = sample();
  const sim = simulateReview(labels, faces, truth, { clusters: 10 });
  assert.equal(sim.sampled.length, 4, "every shown cluster (row 10 is alone)");
  assert.deepEqual(sim.counts, { correct: 1, wrong: 1, unusable: 2, facesShown: 12, facesWrong: 5 });
  const byCluster = new Map(sim.decisions.map((d) => [d.op === "verdict" ? d.cluster : "", d]));
  const b = byCluster.get("h4#0")!;
  assert.ok(b.op === "verdict" && b.verdict === "wrong");
  assert.deepEqual(b.op === "verdict" && b.wrong, ["h7#0"]);
  const a = byCluster.get("h0#0")!;
  assert.ok(a.op === "verdict" && a.verdict === "correct");
  assert.ok(!sim.reviewed.has(10));
  assert.equal(sim.reviewed.size, 12);
  // The same seed gives the same review; the decisions replay into a training set.
  assert.deepEqual(simulateReview(labels, faces, truth, { clusters: 10 }).decisions, sim.decisions);
  const src = fromDecisions(
    { x: { rows: 13, cols: 1, data: new Float32Array(13) }, faces },
    replay(sim.decisions),
    {
      samePhoto: false,
    },
  );
  assert.equal(src.summary.identities, 2);
  // h7 against the three faces of person 1; clusters C and D (two faces each, two people) one pair each.
  assert.equal(src.summary.cannotLink, 5);
});

Deno.test("simulateReview: at most `clusters` clusters and `faces` faces each", () => {
  const { faces, labels, truth } = sample();
  const sim = simulateReview(labels, faces, truth, { clusters: 2, faces: 3, seed: 4 });
  assert.equal(sim.sampled.length, 2);
  for (const c of sim.sampled) assert.ok(c.rows.length <= 3);
  assert.throws(() => simulateReview(labels.subarray(1), faces, truth), /12 labels, 13 truth labels/);
});

Deno.test("unreviewedTruth: by faces drops the rows shown; by people every row of a person shown", () => {
  const truth = Int32Array.from([0, 0, 1, 1, 2, -1]);
  const reviewed = new Set([0, 5]);
  assert.deepEqual([...unreviewedTruth(truth, reviewed, "faces")], [-1, 0, 1, 1, 2, -1]);
  assert.deepEqual([...unreviewedTruth(truth, reviewed, "people")], [-1, -1, 1, 1, 2, -1]);
});
