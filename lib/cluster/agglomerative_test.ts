import assert from "node:assert/strict";
import { agglomerate, agglomerative, buildDendrogram, cutDendrogram, type Linkage } from "./agglomerative.ts";
import { cosineDistancesJs } from "../graph/distance_matrix.ts";
import { normalizeRows } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";

function randomUnit(n: number, d: number, seed: number) {
  const r = seededRandom(seed);
  return normalizeRows({ data: Float32Array.from({ length: n * d }, () => r() - 0.5), rows: n, cols: d });
}

/** Textbook O(n³) agglomerative clustering: always merge the closest pair of clusters. */
function naive(dist: Float32Array, n: number, linkage: Linkage, threshold: number): Int32Array {
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const cd = (a: number[], b: number[]) => {
    const ds = a.flatMap((i) => b.map((j) => dist[i * n + j]));
    if (linkage === "single") return Math.min(...ds);
    if (linkage === "complete") return Math.max(...ds);
    return ds.reduce((s, v) => s + v, 0) / ds.length;
  };
  for (;;) {
    let best = Infinity, bi = -1, bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const v = cd(clusters[i], clusters[j]);
        if (v < best) best = v, bi = i, bj = j;
      }
    }
    if (bi < 0 || best > threshold) break;
    clusters[bi] = clusters[bi].concat(clusters[bj]);
    clusters = clusters.filter((_, k) => k !== bj);
  }
  const labels = new Int32Array(n);
  clusters.forEach((c, id) => c.forEach((i) => labels[i] = id));
  return labels;
}

function samePartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]), ba.set(b[i], a[i]);
  }
  return true;
}

for (const linkage of ["single", "average", "complete"] as const) {
  Deno.test(`${linkage} linkage matches the textbook algorithm at several thresholds`, () => {
    const x = randomUnit(40, 6, 7);
    const dist = cosineDistancesJs(x);
    for (const t of [0.3, 0.6, 0.9, 1.2]) {
      const dg = buildDendrogram(dist.slice(), 40, linkage);
      const got = cutDendrogram(dg, { threshold: t });
      assert.ok(samePartition(got, naive(dist, 40, linkage, t)), `threshold ${t}`);
    }
  });
}

Deno.test("the dendrogram is sorted, cut by k gives k clusters, and every cut is nested", () => {
  const x = randomUnit(60, 8, 3);
  const dg = buildDendrogram(cosineDistancesJs(x).slice(), 60, "average");
  assert.equal(dg.dist.length, 59);
  for (let m = 1; m < dg.dist.length; m++) assert.ok(dg.dist[m] >= dg.dist[m - 1]);
  for (const k of [1, 5, 17, 60]) assert.equal(new Set(cutDendrogram(dg, { k })).size, k);
});

Deno.test("cannot-link pairs never share a cluster under average and complete linkage", () => {
  // Two tight pairs; the pairs are cannot-linked across.
  const x = normalizeRows({
    data: new Float32Array([1, 0, 0.99, 0.05, 0.98, 0.1, 0, 1]),
    rows: 4,
    cols: 2,
  });
  const cl = new Int32Array([0, 2]);
  for (const linkage of ["average", "complete"] as const) {
    const dg = buildDendrogram(cosineDistancesJs(x).slice(), 4, linkage, cl);
    const labels = cutDendrogram(dg, { threshold: 2 });
    assert.notEqual(labels[0], labels[2]);
    assert.equal(labels[0], labels[1]);
    const all = cutDendrogram(dg, { k: 1 });
    assert.notEqual(all[0], all[2], "even asked for one cluster, the constraint holds");
  }
});

Deno.test("agglomerate (onnxruntime distances) equals the synchronous clusterer", async () => {
  const x = randomUnit(120, 16, 11);
  const a = await agglomerate(x, { threshold: 0.8 });
  const b = await agglomerative.run({ x }, { linkage: "average", threshold: 0.8, k: 0 }, {
    random: seededRandom(1),
  });
  assert.ok(samePartition(a, b.labels));
  await assert.rejects(
    () =>
      agglomerative.run({ x }, { linkage: "ward" as Linkage, threshold: 0.8, k: 0 }, { random: Math.random }),
    /agglomerative: parameter "linkage".*must be one of/,
  );
});
