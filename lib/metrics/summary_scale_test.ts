import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { daviesBouldin, daviesBouldinGraph, daviesBouldinSampled } from "./davies_bouldin.ts";
import { silhouette } from "./silhouette.ts";
import { internalMetrics } from "./summary.ts";

// Clusters of varied size, some faces alone (noiseShare: unique labels), as a run's output looks.
const set = syntheticClusters({
  n: 2400,
  dim: 24,
  clusters: 160,
  spread: 0.75,
  sizeSkew: 1,
  noiseShare: 0.1,
  jitter: 0.2,
  seed: 4,
});
const { x, truth } = set;
const graph = knnBruteForce(x, 15);
const exactSil = silhouette(x, truth);
const exactDb = daviesBouldin(x, truth);

Deno.test("internalMetrics up to the exact size: exact values, the same keys as before", () => {
  const m = internalMetrics(x, truth, { graph });
  assert.equal(m.silhouette, exactSil);
  assert.equal(m.silhouetteStdErr, 0);
  assert.equal(m.daviesBouldin, exactDb);
  assert.deepEqual(Object.keys(m), [
    "silhouette",
    "silhouetteStdErr",
    "daviesBouldin",
    "calinskiHarabasz",
    "clusters",
    "seenOnce",
    "singletonShare",
    "noiseShare",
  ]);
  // A graph or a higher threshold changes nothing below the switch.
  assert.deepEqual(internalMetrics(x, truth, { exactMaxRows: 2400 }), m);
});

Deno.test("internalMetrics past the exact size (threshold lowered): estimates close to the exact values", () => {
  const m = internalMetrics(x, truth, { graph, exactMaxRows: 1000, sample: 600, seed: 3 });
  assert.equal(m.silhouetteSample, 600);
  assert.ok(m.silhouetteStdErr > 0 && m.silhouetteStdErr < 0.03, `stderr ${m.silhouetteStdErr}`);
  assert.ok(
    Math.abs(m.silhouette - exactSil) < 4 * m.silhouetteStdErr + 0.02,
    `graph silhouette ${m.silhouette} ± ${m.silhouetteStdErr} vs exact ${exactSil}`,
  );
  // Graph Davies-Bouldin: every cluster reached here, so at most the exact value, and close to it.
  assert.equal(m.daviesBouldinClusters, new Set(truth).size);
  assert.ok(m.daviesBouldin <= exactDb + 1e-12, `graph DB ${m.daviesBouldin} > exact ${exactDb}`);
  assert.ok(m.daviesBouldin > 0.9 * exactDb, `graph DB ${m.daviesBouldin} vs exact ${exactDb}`);
  // Calinski-Harabasz and the counts stay exact.
  const below = internalMetrics(x, truth);
  for (const k of ["calinskiHarabasz", "clusters", "seenOnce", "singletonShare", "noiseShare"]) {
    assert.equal(m[k], below[k], k);
  }
  // Without a graph: exact per-item silhouettes and per-cluster worst ratios of a seeded sample.
  const s = internalMetrics(x, truth, { exactMaxRows: 1000, sample: 200, seed: 3 });
  assert.equal(s.daviesBouldinClusters, 200);
  assert.ok(Math.abs(s.silhouette - exactSil) < 4 * s.silhouetteStdErr, `${s.silhouette} vs ${exactSil}`);
  assert.ok(s.daviesBouldinStdErr > 0);
  assert.ok(
    Math.abs(s.daviesBouldin - exactDb) < 4 * s.daviesBouldinStdErr,
    `sampled DB ${s.daviesBouldin} ± ${s.daviesBouldinStdErr} vs exact ${exactDb}`,
  );
  assert.deepEqual(internalMetrics(x, truth, { exactMaxRows: 1000, sample: 200, seed: 3 }), s);
  assert.throws(
    () => internalMetrics(x, truth, { graph: { ...graph, n: 5 }, exactMaxRows: 10 }),
    /graph of 5 rows/,
  );
});

Deno.test("daviesBouldinGraph on the complete graph and daviesBouldinSampled of every cluster are exact", () => {
  const small = syntheticClusters({ n: 300, dim: 8, clusters: 25, spread: 0.6, sizeSkew: 1, seed: 9 });
  const exact = daviesBouldin(small.x, small.truth);
  const full = daviesBouldinGraph(small.x, small.truth, knnBruteForce(small.x, 299));
  assert.ok(Math.abs(full.value - exact) < 1e-12, `${full.value} vs ${exact}`);
  assert.equal(full.unresolved, 0);
  const all = daviesBouldinSampled(small.x, small.truth, 1000, 1);
  assert.ok(Math.abs(all.value - exact) < 1e-12);
  assert.equal(all.standardError, 0);
  // A graph with no edge between clusters leaves them all unresolved.
  const none = daviesBouldinGraph(small.x, small.truth, {
    n: 300,
    k: 1,
    indices: new Int32Array(300).fill(-1),
  });
  assert.equal(none.unresolved, none.clusters);
  assert.ok(Number.isNaN(none.value));
  // A clustering that mixes people scores worse (higher).
  const mixed = small.truth.map((l, i) => (i % 3 === 0 ? (l + 1) % 25 : l));
  const g = knnBruteForce(small.x, 10);
  assert.ok(daviesBouldinGraph(small.x, mixed, g).value > daviesBouldinGraph(small.x, small.truth, g).value);
});
