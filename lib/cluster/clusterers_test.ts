/**
 * Every registered clusterer through the same checks: parameter validation, seeded
 * reproducibility, label conventions, recovery of well-separated clusters, constraints.
 */
import assert from "node:assert/strict";
import { externalMetrics } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { violations } from "./constraints.ts";
import { CLUSTERERS, getClusterer, resolveParams, runClusterer } from "./registry.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import type { ParamSpec } from "./types.ts";
import { knnBruteForce } from "../graph/knn.ts";
import { MAX_ROWS_UNPREPARED } from "./input.ts";
import { prepareInputs } from "./prepare.ts";

const data = syntheticClusters({ n: 240, dim: 32, clusters: 8, spread: 0.5, sizeSkew: 0, seed: 11 });
const input = { x: data.x };

/** Parameters under which each method should recover the 8 clusters. */
const RECOVER: Record<string, Record<string, unknown>> = {
  "dbscan": { eps: 0.4, minSamples: 3 },
  "optics": { minSamples: 3, maxEps: 0.7, eps: 0.4 },
  "hdbscan": { minClusterSize: 5, minSamples: 3 },
  "kmeans": { k: 8, restarts: 4 },
  "chinese-whispers": { threshold: 0.5, neighbours: 16 },
  "louvain": { threshold: 0.5, neighbours: 16 },
  "rank-order": { neighbours: 20, threshold: 1.8, minSim: 0.5 },
  "graph-agglomerative": { linkage: "average", threshold: 0.5, neighbours: 32 },
  "agglomerative": { linkage: "average", threshold: 0.5 },
};

function badValues(spec: ParamSpec): unknown[] {
  switch (spec.type) {
    case "int":
      return [
        1.5,
        "3",
        ...(spec.min !== undefined ? [spec.min - 1] : []),
        ...(spec.max !== undefined ? [spec.max + 1] : []),
      ];
    case "number":
      return [
        NaN,
        "0.5",
        ...(spec.min !== undefined ? [spec.min - 1] : []),
        ...(spec.max !== undefined ? [spec.max + 1] : []),
      ];
    case "enum":
      return ["no-such-value", 3];
    case "boolean":
      return ["yes", 1];
  }
}

Deno.test("every method is registered once, with tests parameters", () => {
  const names = CLUSTERERS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.ok(name in RECOVER, `no recovery parameters for ${name}`);
  assert.throws(() => getClusterer("nope"), /unknown clustering method "nope"/);
});

for (const c of CLUSTERERS) {
  Deno.test(`${c.name}: defaults are valid; bad and unknown parameters are named in the error`, async () => {
    resolveParams(c, {});
    for (const [key, spec] of Object.entries(c.params) as [string, ParamSpec][]) {
      for (const bad of badValues(spec)) {
        await assert.rejects(
          () => c.run(input, { ...c.defaults, [key]: bad }, { random: seededRandom(1) }),
          (e: Error) =>
            e instanceof RangeError && e.message.includes(`"${key}"`) && e.message.includes(c.name),
          `${c.name}.${key} = ${JSON.stringify(bad)} should be rejected`,
        );
      }
    }
    assert.throws(() => resolveParams(c, { bogus: 1 }), /unknown parameter "bogus"/);
  });

  Deno.test(`${c.name}: recovers well-separated clusters, seeded and with valid labels`, async () => {
    const params = resolveParams(c, RECOVER[c.name]);
    const a = (await runClusterer(c, input, params, { random: seededRandom(5) })).labels;
    const b = (await runClusterer(c, input, params, { random: seededRandom(5) })).labels;
    assert.ok(a instanceof Int32Array);
    assert.equal(a.length, data.x.rows);
    assert.deepEqual(a, b, "same seed, same labels");
    const ids = new Set(Array.from(a).filter((l) => l >= 0));
    for (const l of a) assert.ok(l >= -1);
    assert.deepEqual([...ids].sort((p, q) => p - q), [...ids.keys()].map((_, i) => i), "labels are 0..C-1");
    const m = externalMetrics(data.truth, a);
    assert.ok(m.ari > 0.95, `${c.name}: ARI ${m.ari.toFixed(3)}`);
    assert.ok(m.bcubedF1 > 0.95, `${c.name}: BCubed F1 ${m.bcubedF1.toFixed(3)}`);
  });

  Deno.test(`${c.name}: cannot-link pairs never share a cluster; must-link pairs do`, async () => {
    // Pairs inside true clusters (the method would otherwise join them).
    const byTruth = new Map<number, number[]>();
    data.truth.forEach((t, i) => (byTruth.get(t) ?? byTruth.set(t, []).get(t)!).push(i));
    const cl: number[] = [];
    for (const members of byTruth.values()) cl.push(members[0], members[1], members[2], members[3]);
    const cannotLink = Int32Array.from(cl);
    const params = resolveParams(c, RECOVER[c.name]);
    const ctx = { random: seededRandom(3) };
    const run = await runClusterer(c, { ...input, cannotLink }, params, ctx);
    assert.equal(violations(run.labels, cannotLink), 0);
    if (c.enforcesCannotLink) {
      assert.equal(violations((await c.run({ ...input, cannotLink }, params, ctx)).labels, cannotLink), 0);
    }
    // Must-link across two true clusters.
    const [c0, c1] = [...byTruth.values()];
    const mustLink = Int32Array.from([c0[5], c1[5]]);
    const ml = (await runClusterer(c, { ...input, mustLink }, params, ctx)).labels;
    assert.ok(ml[c0[5]] >= 0 && ml[c0[5]] === ml[c1[5]], "must-link pair shares a cluster");
  });
}

Deno.test("each method declares what it reads: a graph (with its k), the distances, or the vectors alone", () => {
  for (const c of CLUSTERERS) {
    assert.ok(["graph", "distances", "vectors"].includes(c.needs), c.name);
    assert.equal(typeof c.enforcesCannotLink, "boolean", c.name);
    assert.equal(c.graphK !== undefined, c.needs === "graph", `${c.name}: graphK iff it needs a graph`);
    if (c.graphK) assert.ok(c.graphK(resolveParams(c, {})) >= 1, c.name);
  }
  assert.equal(getClusterer("agglomerative").needs, "distances");
  assert.equal(getClusterer("kmeans").needs, "vectors");
});

Deno.test("graph methods read the graph they are given: a larger one gives the same labels, another matrix's does not", async () => {
  const other = syntheticClusters({ n: 240, dim: 32, clusters: 8, spread: 0.5, sizeSkew: 0, seed: 99 }).x;
  const wrong = knnBruteForce(other, 64), right = knnBruteForce(data.x, 64);
  for (const c of CLUSTERERS.filter((c) => c.needs === "graph")) {
    const params = resolveParams(c, RECOVER[c.name]);
    const ctx = () => ({ random: seededRandom(2) });
    const own = (await c.run(input, params, ctx())).labels;
    assert.deepEqual((await c.run({ ...input, graph: right }, params, ctx())).labels, own, c.name);
    const given = (await c.run({ ...input, graph: wrong }, params, ctx())).labels;
    assert.notDeepEqual(given, own, `${c.name} ignored its input graph`);
  }
});

Deno.test("agglomerative reads the distances it is given", async () => {
  const c = getClusterer("agglomerative");
  const params = resolveParams(c, RECOVER.agglomerative);
  const own = (await c.run(input, params, { random: seededRandom(1) })).labels;
  const n = data.x.rows, flat = new Float32Array(n * n).fill(0.1);
  for (let i = 0; i < n; i++) flat[i * n + i] = 0;
  const one =
    (await c.run({ ...input, distances: { n, data: flat } }, params, { random: seededRandom(1) })).labels;
  assert.ok(new Set(own).size >= 8);
  assert.equal(new Set(one).size, 1, "all pairs at 0.1 merge into one cluster");
  assert.equal(flat[1], Math.fround(0.1), "the given matrix is left as it was");
});

Deno.test("a large input without its graph: a clusterer refuses, naming prepareInputs; runClusterer computes it", async () => {
  const big = syntheticClusters({ n: MAX_ROWS_UNPREPARED + 1, dim: 8, clusters: 20, spread: 0.3, seed: 4 });
  const cw = getClusterer("chinese-whispers");
  const params = resolveParams(cw, { threshold: 0.5, neighbours: 8 });
  await assert.rejects(() => cw.run({ x: big.x }, params, { random: seededRandom(1) }), /prepareInputs/);
  const run = await runClusterer(cw, { x: big.x }, params, { random: seededRandom(1) });
  const { graph } = await prepareInputs(big.x, [{ method: cw.name, params }]);
  const given = await runClusterer(cw, { x: big.x, graph }, params, { random: seededRandom(1) });
  assert.deepEqual(run.labels, given.labels);
  assert.ok(new Set(run.labels).size > 1);
});
