import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { silhouette, silhouetteSampledGraph } from "./silhouette.ts";

Deno.test("silhouetteSampledGraph: close to the exact silhouette, seeded, at most slightly optimistic", () => {
  const { x, truth } = syntheticClusters({ n: 1500, dim: 24, clusters: 60, spread: 0.7, seed: 2 });
  const g = knnBruteForce(x, 15);
  const exact = silhouette(x, truth);
  const full = silhouetteSampledGraph(x, truth, g, 1500, 1);
  assert.equal(full.population, 1500);
  assert.ok(full.value >= exact - 1e-9, `graph ${full.value} < exact ${exact}`);
  // Clusters of 25 with k = 15: many whose members' neighbours never leave them (+0.022 measured).
  assert.ok(full.value - exact < 0.03, `graph ${full.value} vs exact ${exact}`);
  assert.ok(full.scoredExactly > 0 && full.sampleSize === 1500);
  const a = silhouetteSampledGraph(x, truth, g, 300, 7), b = silhouetteSampledGraph(x, truth, g, 300, 7);
  assert.equal(a.value, b.value);
  assert.ok(
    Math.abs(a.value - exact) < 4 * a.standardError + 0.02,
    `${a.value} ± ${a.standardError} vs ${exact}`,
  );
  // A clustering that mixes people scores lower.
  const shuffled = truth.map((l, i) => (i % 3 === 0 ? (l + 1) % 60 : l));
  assert.ok(silhouetteSampledGraph(x, shuffled, g, 1500, 1).value < full.value - 0.1);
  assert.throws(() => silhouetteSampledGraph(x, truth, { ...g, n: 10 }, 10), /graph of 10 rows/);
});
