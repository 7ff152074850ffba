/**
 * Every registered clusterer through the same checks: parameter validation, seeded
 * reproducibility, label conventions, recovery of well-separated clusters, constraints.
 */
import assert from "node:assert/strict";
import { externalMetrics } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { violations } from "./constraints.ts";
import { CLUSTERERS, getClusterer, NATIVE_CANNOT_LINK, resolveParams, runClusterer } from "./registry.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import type { ParamSpec } from "./types.ts";

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
  Deno.test(`${c.name}: defaults are valid; bad and unknown parameters are named in the error`, () => {
    resolveParams(c, {});
    for (const [key, spec] of Object.entries(c.params) as [string, ParamSpec][]) {
      for (const bad of badValues(spec)) {
        assert.throws(
          () => c.run(input, { ...c.defaults, [key]: bad }, { random: seededRandom(1) }),
          (e: Error) =>
            e instanceof RangeError && e.message.includes(`"${key}"`) && e.message.includes(c.name),
          `${c.name}.${key} = ${JSON.stringify(bad)} should be rejected`,
        );
      }
    }
    assert.throws(() => resolveParams(c, { bogus: 1 }), /unknown parameter "bogus"/);
  });

  Deno.test(`${c.name}: recovers well-separated clusters, seeded and with valid labels`, () => {
    const params = resolveParams(c, RECOVER[c.name]);
    const a = runClusterer(c, input, params, { random: seededRandom(5) }).labels;
    const b = runClusterer(c, input, params, { random: seededRandom(5) }).labels;
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

  Deno.test(`${c.name}: cannot-link pairs never share a cluster; must-link pairs do`, () => {
    // Pairs inside true clusters (the method would otherwise join them).
    const byTruth = new Map<number, number[]>();
    data.truth.forEach((t, i) => (byTruth.get(t) ?? byTruth.set(t, []).get(t)!).push(i));
    const cl: number[] = [];
    for (const members of byTruth.values()) cl.push(members[0], members[1], members[2], members[3]);
    const cannotLink = Int32Array.from(cl);
    const params = resolveParams(c, RECOVER[c.name]);
    const ctx = { random: seededRandom(3) };
    const run = runClusterer(c, { ...input, cannotLink }, params, ctx);
    assert.equal(violations(run.labels, cannotLink), 0);
    if (NATIVE_CANNOT_LINK.has(c.name)) {
      assert.equal(violations(c.run({ ...input, cannotLink }, params, ctx).labels, cannotLink), 0);
    }
    // Must-link across two true clusters.
    const [c0, c1] = [...byTruth.values()];
    const mustLink = Int32Array.from([c0[5], c1[5]]);
    const ml = runClusterer(c, { ...input, mustLink }, params, ctx).labels;
    assert.ok(ml[c0[5]] >= 0 && ml[c0[5]] === ml[c1[5]], "must-link pair shares a cluster");
  });
}
