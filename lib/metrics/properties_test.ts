/**
 * Properties every registered metric must have: symmetry where declared, invariance to
 * renaming label ids and to reordering items, declared bounds, and edge cases.
 */
import assert from "node:assert/strict";
import { type Matrix, matrix, normalizeRows } from "../matrix.ts";
import { type Random, seededRandom } from "../util/random.ts";
import { EXTERNAL_METRICS, INTERNAL_METRICS, METRICS } from "./registry.ts";
import type { ExternalMetricSpec, NoiseMode } from "./types.ts";

const MODES: NoiseMode[] = ["singletons", "cluster"];

function randomLabels(random: Random, n: number, k: number, noiseRate = 0): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = random() < noiseRate ? -1 : Math.floor(random() * k);
  return out;
}

/** A labeling correlated with `truth`: a share of items moved, some clusters split. */
function noisyCopy(random: Random, truth: Int32Array, k: number, noiseRate = 0): Int32Array {
  return truth.map((t) =>
    random() < noiseRate ? -1 : random() < 0.25 ? Math.floor(random() * k) : random() < 0.2 ? t + 1000 : t
  );
}

function permutation(random: Random, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Renames label ids by a random injective map (to large, negative-free ids); -1 stays -1. */
function renameIds(random: Random, labels: Int32Array): Int32Array {
  const map = new Map<number, number>();
  const used = new Set<number>();
  return labels.map((l) => {
    if (l === -1) return -1;
    let v = map.get(l);
    if (v === undefined) {
      do v = Math.floor(random() * 2e9); while (used.has(v));
      used.add(v);
      map.set(l, v);
    }
    return v;
  });
}

function reorder(labels: Int32Array, perm: Int32Array): Int32Array {
  return perm.map((i) => labels[i]);
}

function reorderRows(x: Matrix, perm: Int32Array): Matrix {
  const data = new Float32Array(x.data.length);
  for (let r = 0; r < perm.length; r++) {
    data.set(x.data.subarray(perm[r] * x.cols, (perm[r] + 1) * x.cols), r * x.cols);
  }
  return matrix(data, x.rows, x.cols);
}

/** Unit rows around `k` random centres; `spread` is the noise scale. */
function blobs(random: Random, labels: Int32Array, d: number, spread: number): Matrix {
  const n = labels.length;
  const centres = new Map<number, Float32Array>();
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let c = centres.get(labels[i]);
    if (!c) {
      c = Float32Array.from({ length: d }, () => random() * 2 - 1);
      centres.set(labels[i], c);
    }
    for (let j = 0; j < d; j++) data[i * d + j] = c[j] + spread * (random() * 2 - 1);
  }
  return normalizeRows(matrix(data, n, d));
}

const same = (a: number, b: number, what: string, tol = 1e-9) =>
  assert.ok(
    (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)),
    `${what}: ${a} vs ${b}`,
  );

const spec = (name: string) => EXTERNAL_METRICS.find((s) => s.name === name) as ExternalMetricSpec;

Deno.test("registry: unique names, sane metadata, every metric covered below", () => {
  const names = METRICS.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  for (const m of METRICS) {
    assert.ok(m.range[0] < m.range[1], m.name);
    assert.ok(m.noise.length > 0 && m.description.length > 0, m.name);
    assert.equal(typeof m.higherIsBetter, "boolean");
  }
  for (const m of EXTERNAL_METRICS) {
    assert.ok(m.symmetric !== (m.swapsWith !== undefined), `${m.name}: symmetric xor swapsWith`);
    if (m.swapsWith) assert.equal(spec(m.swapsWith).swapsWith, m.name);
  }
  assert.deepEqual(
    EXTERNAL_METRICS.map((m) => m.name).sort(),
    [
      "ari",
      "bcubedF1",
      "bcubedP",
      "bcubedR",
      "completeness",
      "homogeneity",
      "inversePurity",
      "nmi",
      "pairwiseF1",
      "pairwiseP",
      "pairwiseR",
      "purity",
      "vMeasure",
    ],
  );
  assert.deepEqual(
    INTERNAL_METRICS.map((m) => m.name).sort(),
    ["calinskiHarabasz", "clusters", "daviesBouldin", "noiseShare", "silhouette", "singletonShare"],
  );
});

Deno.test("external: symmetric metrics unchanged and paired metrics swap when truth and pred swap", () => {
  const random = seededRandom(1);
  for (let trial = 0; trial < 5; trial++) {
    const truth = randomLabels(random, 200, 15);
    const pred = trial % 2 ? noisyCopy(random, truth, 15) : randomLabels(random, 200, 9);
    for (const m of EXTERNAL_METRICS) {
      const other = m.symmetric ? m : spec(m.swapsWith!);
      same(m.fn(truth, pred), other.fn(pred, truth), `${m.name} vs swapped ${other.name}`);
    }
  }
});

Deno.test("external: invariant to renaming label ids and to reordering items", () => {
  const random = seededRandom(2);
  for (let trial = 0; trial < 4; trial++) {
    const truth = randomLabels(random, 180, 20);
    const pred = noisyCopy(random, truth, 20, 0.1);
    const renamedT = renameIds(random, truth);
    const renamedP = renameIds(random, pred);
    const perm = permutation(random, truth.length);
    for (const m of EXTERNAL_METRICS) {
      for (const noise of MODES) {
        const base = m.fn(truth, pred, { noise });
        same(m.fn(renamedT, renamedP, { noise }), base, `${m.name}/${noise} renamed`);
        same(
          m.fn(reorder(truth, perm), reorder(pred, perm), { noise }),
          base,
          `${m.name}/${noise} reordered`,
        );
      }
    }
  }
});

Deno.test("external: values within the declared range on random labelings", () => {
  const random = seededRandom(3);
  for (let trial = 0; trial < 30; trial++) {
    const n = 1 + Math.floor(random() * 150);
    const truth = randomLabels(random, n, 1 + Math.floor(random() * 30));
    const pred = trial % 3 === 0
      ? noisyCopy(random, truth, 30, 0.2)
      : randomLabels(random, n, 1 + Math.floor(random() * 30), trial % 2 ? 0.3 : 0);
    for (const m of EXTERNAL_METRICS) {
      for (const noise of MODES) {
        const v = m.fn(truth, pred, { noise });
        assert.ok(v >= m.range[0] - 1e-12 && v <= m.range[1] + 1e-12, `${m.name}/${noise} = ${v} (n=${n})`);
      }
    }
  }
});

Deno.test("external: identical labelings (up to renaming) score 1 on every metric", () => {
  const random = seededRandom(4);
  for (
    const truth of [
      randomLabels(random, 100, 10),
      new Int32Array(7),
      Int32Array.from({ length: 9 }, (_, i) => i),
    ]
  ) {
    for (const m of EXTERNAL_METRICS) same(m.fn(truth, renameIds(random, truth)), 1, `${m.name}`, 1e-12);
  }
});

Deno.test("external: all one cluster and all singletons", () => {
  const truth = Int32Array.from([0, 0, 0, 1, 1, 2, 3, 3, 3, 3]);
  const one = new Int32Array(truth.length);
  const singles = Int32Array.from(truth.keys());
  const hTruth = -[3, 2, 1, 4].reduce((h, s) => h + (s / 10) * Math.log(s / 10), 0);
  const want: Record<string, [number, number]> = {
    // [all one cluster, all singletons]
    purity: [0.4, 1],
    inversePurity: [1, 0.4],
    pairwiseP: [(3 + 1 + 6) / 45, 1],
    pairwiseR: [1, 0],
    pairwiseF1: [2 * (10 / 45) / (1 + 10 / 45), 0],
    bcubedP: [(9 + 4 + 1 + 16) / 100, 1],
    bcubedR: [1, 4 / 10],
    nmi: [0, 2 * hTruth / (hTruth + Math.log(10))],
    ari: [0, 0],
    homogeneity: [0, 1],
    completeness: [1, hTruth / Math.log(10)],
  };
  for (const [name, [a, b]] of Object.entries(want)) {
    same(spec(name).fn(truth, one), a, `${name} all one cluster`, 1e-12);
    same(spec(name).fn(truth, singles), b, `${name} all singletons`, 1e-12);
  }
  // All-noise prediction equals all singletons by default and one cluster with noise: "cluster".
  const noise = new Int32Array(truth.length).fill(-1);
  for (const m of EXTERNAL_METRICS) {
    same(m.fn(truth, noise), m.fn(truth, singles), `${m.name} all noise (singletons)`);
    same(m.fn(truth, noise, { noise: "cluster" }), m.fn(truth, one), `${m.name} all noise (cluster)`);
  }
  // A single item: every metric is 1.
  for (const m of EXTERNAL_METRICS) same(m.fn(new Int32Array([5]), new Int32Array([-1])), 1, `${m.name} n=1`);
});

Deno.test("external: empty input, length mismatch, bad labels and bad noise mode are clear errors", () => {
  for (const m of EXTERNAL_METRICS) {
    assert.throws(() => m.fn(new Int32Array(0), new Int32Array(0)), /empty/, m.name);
    assert.throws(
      () => m.fn(new Int32Array(5), new Int32Array(7)),
      (e: unknown) => e instanceof RangeError && /\b5\b/.test(e.message) && /\b7\b/.test(e.message),
      m.name,
    );
    assert.throws(() => m.fn(Int32Array.from([0, -1]), Int32Array.from([0, 0])), RangeError, m.name);
    assert.throws(() => m.fn(Int32Array.from([0, 1]), Int32Array.from([0, -2])), RangeError, m.name);
    assert.throws(
      () => m.fn(Int32Array.from([0, 1]), Int32Array.from([0, 0]), { noise: "drop" as NoiseMode }),
      RangeError,
      m.name,
    );
  }
});

Deno.test("internal: invariant to renaming label ids and to reordering items", () => {
  const random = seededRandom(5);
  const labels = randomLabels(random, 150, 9, 0.1);
  labels[0] = 50; // one singleton cluster
  const x = blobs(random, labels, 12, 0.8);
  const renamed = renameIds(random, labels);
  const perm = permutation(random, labels.length);
  const xp = reorderRows(x, perm);
  const lp = reorder(labels, perm);
  for (const m of INTERNAL_METRICS) {
    const base = m.fn(x, labels);
    assert.ok(Number.isFinite(base), `${m.name} = ${base}`);
    same(m.fn(x, renamed), base, `${m.name} renamed`, 1e-9);
    same(m.fn(xp, lp), base, `${m.name} reordered`, 1e-9);
  }
});

Deno.test("internal: values within the declared range; NaN only outside 2 <= k <= n-1", () => {
  const random = seededRandom(6);
  for (let trial = 0; trial < 20; trial++) {
    const n = 2 + Math.floor(random() * 80);
    const labels = randomLabels(random, n, 1 + Math.floor(random() * n), trial % 2 ? 0.2 : 0);
    const x = blobs(random, labels, 1 + Math.floor(random() * 10), random() * 2);
    const kept = labels.filter((l) => l !== -1);
    const k = new Set(kept).size;
    const inDomain = k >= 2 && k <= kept.length - 1;
    for (const m of INTERNAL_METRICS) {
      const v = m.fn(x, labels);
      if (Number.isNaN(v)) {
        assert.ok(!inDomain, `${m.name} NaN inside the domain (n=${n}, k=${k})`);
        assert.ok(["silhouette", "daviesBouldin", "calinskiHarabasz"].includes(m.name));
      } else {
        assert.ok(v >= m.range[0] - 1e-9 && v <= m.range[1] + 1e-9, `${m.name} = ${v}`);
      }
    }
  }
});

Deno.test("internal: all one cluster, all singletons, separated clusters, noise excluded", () => {
  const random = seededRandom(7);
  const n = 40;
  const x = blobs(random, randomLabels(random, n, 4), 6, 0.5);
  const byName = Object.fromEntries(INTERNAL_METRICS.map((m) => [m.name, m.fn]));
  const one = new Int32Array(n);
  const singles = Int32Array.from({ length: n }, (_, i) => i);
  for (const name of ["silhouette", "daviesBouldin", "calinskiHarabasz"]) {
    assert.ok(Number.isNaN(byName[name](x, one)), `${name} of one cluster`);
    assert.ok(Number.isNaN(byName[name](x, singles)), `${name} of all singletons`);
  }
  assert.equal(byName.clusters(x, one), 1);
  // An item alone is seen once, not a cluster (lib/metrics/clusters.ts, clusterCounts).
  assert.equal(byName.clusters(x, singles), 0);
  assert.equal(byName.singletonShare(x, one), 0);
  assert.equal(byName.singletonShare(x, singles), 1);
  assert.equal(byName.noiseShare(x, singles), 0);
  const noisy = singles.map((l) => (l % 4 === 0 ? -1 : l));
  assert.equal(byName.noiseShare(x, noisy), 0.25);
  assert.equal(byName.singletonShare(x, noisy), 0.75);
  assert.equal(byName.clusters(x, noisy), 0);
  const pairs = Int32Array.from({ length: n }, (_, i) => (i < 10 ? i >> 1 : i));
  assert.equal(byName.clusters(x, pairs), 5);

  // Tight, far-apart clusters: silhouette near 1, Davies-Bouldin near 0, CH large.
  const tightLabels = randomLabels(random, 60, 3);
  const tight = blobs(random, tightLabels, 8, 0.001);
  assert.ok(byName.silhouette(tight, tightLabels) > 0.99);
  assert.ok(byName.daviesBouldin(tight, tightLabels) < 0.01);
  assert.ok(byName.calinskiHarabasz(tight, tightLabels) > 1e4);

  // Adding noise items (random rows labelled -1) changes none of silhouette / DB / CH.
  const labels = randomLabels(random, 50, 5);
  const base = blobs(random, labels, 6, 0.7);
  const extra = blobs(random, randomLabels(random, 20, 20), 6, 0.7);
  const withNoise = matrix(new Float32Array([...base.data, ...extra.data]), 70, 6);
  const withNoiseLabels = Int32Array.from([...labels, ...new Array(20).fill(-1)]);
  for (const name of ["silhouette", "daviesBouldin", "calinskiHarabasz"]) {
    same(byName[name](withNoise, withNoiseLabels), byName[name](base, labels), `${name} with noise`, 1e-12);
  }
});

Deno.test("internal: empty input, length mismatch and bad labels are clear errors", () => {
  for (const m of INTERNAL_METRICS) {
    assert.throws(() => m.fn(matrix(new Float32Array(0), 0, 4), new Int32Array(0)), /empty/, m.name);
    assert.throws(
      () => m.fn(matrix(new Float32Array(20), 5, 4), new Int32Array(7)),
      (e: unknown) => e instanceof RangeError && /\b5\b/.test(e.message) && /\b7\b/.test(e.message),
      m.name,
    );
    assert.throws(
      () => m.fn(matrix(new Float32Array(8), 2, 4), Int32Array.from([0, -3])),
      RangeError,
      m.name,
    );
  }
});
