import assert from "node:assert/strict";
import { enforceConstraints, violations } from "./constraints.ts";
import { dropSmallClusters, relabel } from "./labels.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { UnionFind } from "./union_find.ts";

const data = syntheticClusters({ n: 60, dim: 16, clusters: 3, spread: 0.4, sizeSkew: 0, seed: 4 });

Deno.test("UnionFind refuses unions that join cannot-linked elements, transitively", () => {
  const uf = new UnionFind(5, Int32Array.from([0, 4]));
  assert.ok(uf.union(0, 1));
  assert.ok(uf.union(2, 4));
  assert.ok(uf.conflicts(1, 2));
  assert.equal(uf.union(1, 2), false);
  assert.ok(uf.union(3, 1));
  assert.deepEqual(Array.from(uf.labels()), [0, 0, 1, 0, 1]);
});

Deno.test("enforceConstraints splits a merged cluster along the true groups", () => {
  // Everything in one cluster; cannot-link between two rows of different true groups.
  const all = new Int32Array(data.x.rows);
  const a = data.truth.indexOf(0), b = data.truth.indexOf(1), c = data.truth.indexOf(2);
  const cannotLink = Int32Array.from([a, b, b, c]);
  assert.equal(violations(all, cannotLink), 2);
  const out = enforceConstraints(data.x, all, cannotLink);
  assert.equal(violations(out, cannotLink), 0);
  // The split follows the truth: each resulting cluster is pure.
  const truthOf = new Map<number, number>();
  for (let i = 0; i < out.length; i++) {
    const t = truthOf.get(out[i]);
    if (t === undefined) truthOf.set(out[i], data.truth[i]);
    else assert.equal(t, data.truth[i], `row ${i}`);
  }
});

Deno.test("enforceConstraints merges must-link pairs unless that breaks a cannot-link", () => {
  const labels = relabel(data.truth.slice());
  const a = data.truth.indexOf(0), b = data.truth.indexOf(1), c = data.truth.indexOf(2);
  const out = enforceConstraints(data.x, labels, Int32Array.from([a, c]), Int32Array.from([a, b, b, c]));
  assert.equal(out[a], out[b]);
  assert.notEqual(out[b], out[c]);
  const noise = new Int32Array(4).fill(-1);
  const x4 = { data: data.x.data.subarray(0, 64), rows: 4, cols: 16 };
  assert.deepEqual(Array.from(enforceConstraints(x4, noise, undefined, Int32Array.from([1, 2]))), [
    -1,
    0,
    0,
    -1,
  ]);
});

Deno.test("dropSmallClusters marks members of small clusters as noise", () => {
  assert.deepEqual(Array.from(dropSmallClusters(Int32Array.from([0, 0, 1, 2, 2, -1]), 2)), [
    0,
    0,
    -1,
    2,
    2,
    -1,
  ]);
});
