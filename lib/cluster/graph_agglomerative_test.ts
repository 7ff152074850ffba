import assert from "node:assert/strict";
import { ari } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { agglomerative } from "./agglomerative.ts";
import { graphAgglomerative } from "./graph_agglomerative.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";

const { x } = syntheticClusters({ n: 120, dim: 16, clusters: 10, spread: 1.2, noiseShare: 0.2, seed: 5 });
const ctx = { random: seededRandom(1) };

Deno.test("graph-agglomerative on the complete graph equals exact agglomerative", async () => {
  for (const linkage of ["single", "average", "complete"] as const) {
    for (const threshold of [0.3, 0.6, 0.9]) {
      const exact = (await agglomerative.run({ x }, { linkage, threshold, k: 0 }, ctx)).labels;
      const sparse = (await graphAgglomerative.run(
        { x },
        { linkage, threshold, k: 0, neighbours: 119, unknown: "bound" },
        ctx,
      ))
        .labels;
      const clusters = new Set(exact).size;
      assert.ok(clusters < 110, `${linkage} at ${threshold}: ${clusters} clusters`);
      assert.equal(ari(exact, sparse), 1, `${linkage} at ${threshold}`);
    }
    const exactK = (await agglomerative.run({ x }, { linkage, threshold: 0, k: 15 }, ctx)).labels;
    const sparseK = (await graphAgglomerative.run({ x }, {
      linkage,
      threshold: 0,
      k: 15,
      neighbours: 119,
      unknown: "bound",
    }, ctx))
      .labels;
    assert.equal(new Set(sparseK).size, 15);
    assert.equal(ari(exactK, sparseK), 1, `${linkage} with k=15`);
  }
});

Deno.test("graph-agglomerative single linkage on a k-NN graph equals exact single linkage below the k-NN radius", async () => {
  // Single linkage merges at distance t need only edges <= t; a 10-NN graph holds them for small t.
  const exact = (await agglomerative.run({ x }, { linkage: "single", threshold: 0.35, k: 0 }, ctx)).labels;
  const sparse = (await graphAgglomerative.run({ x }, {
    linkage: "single",
    threshold: 0.35,
    k: 0,
    neighbours: 10,
    unknown: "bound",
  }, ctx)).labels;
  const clusters = new Set(exact).size;
  assert.ok(clusters > 5 && clusters < 100, `${clusters} clusters`);
  assert.equal(ari(exact, sparse), 1);
});

Deno.test("graph-agglomerative: counting missing pairs at their bound keeps complete/average linkage near exact", async () => {
  const big =
    syntheticClusters({ n: 400, dim: 24, clusters: 20, spread: 1.0, jitter: 0.3, noiseShare: 0.1, seed: 6 })
      .x;
  for (const linkage of ["complete", "average"] as const) {
    const threshold = 0.5; // below the graph's k-th neighbour distances, where the graph can tell
    const exact = (await agglomerative.run({ x: big }, { linkage, threshold, k: 0 }, ctx)).labels;
    const run = async (unknown: "bound" | "ignore") =>
      (await graphAgglomerative.run({ x: big }, { linkage, threshold, k: 0, neighbours: 32, unknown }, ctx))
        .labels;
    const withBound = ari(exact, await run("bound")), ignoring = ari(exact, await run("ignore"));
    assert.ok(withBound > 0.9, `${linkage}: ARI to exact with bound ${withBound.toFixed(3)}`);
    assert.ok(
      withBound >= ignoring,
      `${linkage}: bound ${withBound.toFixed(3)} vs ignore ${ignoring.toFixed(3)}`,
    );
  }
});
