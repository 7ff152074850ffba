import assert from "node:assert/strict";
import { checkConfig, expandRuns, runId, stableJson } from "./config.ts";

Deno.test("expandRuns: grid x list x seeds, defaults filled, duplicates dropped", () => {
  const runs = expandRuns(checkConfig({
    seeds: [1, 2],
    methods: [
      { method: "dbscan", grid: { eps: [0.3, 0.4], minSamples: [2, 3] }, params: { neighbours: 16 } },
      { method: "kmeans", list: [{ k: 3 }, { k: 4 }, { k: 3 }], seeds: [7] },
    ],
  }));
  assert.equal(runs.length, 2 * 2 * 2 + 2);
  const first = runs[0];
  assert.deepEqual(first.params, { eps: 0.3, minSamples: 2, neighbours: 16 });
  assert.equal(first.id, runId("dbscan", { neighbours: 16, minSamples: 2, eps: 0.3 }, 1));
  assert.deepEqual(runs.filter((r) => r.method === "kmeans").map((r) => [r.params.k, r.seed]), [[3, 7], [
    4,
    7,
  ]]);
});

Deno.test("expandRuns: an invalid value names the block, the method and the parameter", () => {
  assert.throws(
    () =>
      expandRuns(
        checkConfig({ methods: [{ method: "dbscan" }, { method: "louvain", grid: { resolution: [0] } }] }),
      ),
    /methods\[1\] \(louvain\).*"resolution"/,
  );
  assert.throws(
    () => expandRuns(checkConfig({ methods: [{ method: "nope" }] })),
    /unknown clustering method/,
  );
  assert.throws(() => checkConfig({ methods: [] }), /non-empty/);
  assert.throws(() => checkConfig({ seeds: [1.5], methods: [{ method: "dbscan" }] }), /seeds/);
});

Deno.test("stableJson sorts keys at every depth", () => {
  assert.equal(
    stableJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: "x" } }),
    '{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}',
  );
});

Deno.test("the shipped default config expands and covers every method", async () => {
  const { CLUSTERERS } = await import("../cluster/registry.ts");
  const raw = JSON.parse(
    await Deno.readTextFile(new URL("../../configs/sweep-default.json", import.meta.url)),
  );
  const runs = expandRuns(checkConfig(raw));
  const methods = new Set(runs.map((r) => r.method));
  for (const c of CLUSTERERS) assert.ok(methods.has(c.name), `default config lacks ${c.name}`);
});
