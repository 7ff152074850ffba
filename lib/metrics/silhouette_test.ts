import assert from "node:assert/strict";
import { type Matrix, matrix } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";
import { encodeClusters } from "./clusters.ts";
import { silhouette, silhouetteOfItems, silhouetteSampled } from "./silhouette.ts";

/** Reference: per-item cosine silhouette from all pairwise distances (noise excluded). */
function bruteSilhouette(x: Matrix, labels: Int32Array): Float64Array {
  const { data, rows, cols } = x;
  const kept = [...labels.keys()].filter((i) => labels[i] !== -1);
  const norm = (i: number) => Math.hypot(...data.subarray(i * cols, (i + 1) * cols));
  const dist = (i: number, j: number) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += data[i * cols + c] * data[j * cols + c];
    const ni = norm(i), nj = norm(j);
    return Math.min(2, Math.max(0, 1 - (ni > 0 && nj > 0 ? s / (ni * nj) : 0)));
  };
  const out = new Float64Array(kept.length);
  kept.forEach((i, t) => {
    const sums = new Map<number, [number, number]>();
    for (const j of kept) {
      if (j === i) continue;
      const e = sums.get(labels[j]) ?? [0, 0];
      e[0] += dist(i, j);
      e[1]++;
      sums.set(labels[j], e);
    }
    const own = sums.get(labels[i]);
    if (!own) return; // singleton: 0
    const a = own[0] / own[1];
    let b = Infinity;
    for (const [l, [s, m]] of sums) if (l !== labels[i]) b = Math.min(b, s / m);
    out[t] = Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  });
  assert.equal(rows, labels.length);
  return out;
}

function randomCase(seed: number, n: number, d: number, k: number, noise: number) {
  const random = seededRandom(seed);
  const labels = Int32Array.from({ length: n }, () => (random() < noise ? -1 : Math.floor(random() * k)));
  const data = Float32Array.from({ length: n * d }, () => random() * 2 - 1);
  for (let c = 0; c < d; c++) data[c] = 0; // a zero row
  return { x: matrix(data, n, d), labels };
}

Deno.test("silhouette: matches a brute-force pairwise reference (odd sizes, many clusters, noise)", () => {
  // n not a multiple of 4 and > row block; k odd and > cluster block; raw (unnormalised) rows.
  for (const [seed, n, d, k, noise] of [[1, 203, 7, 151, 0.1], [2, 150, 5, 3, 0], [3, 97, 33, 20, 0.3]]) {
    const { x, labels } = randomCase(seed, n, d, k, noise);
    const want = bruteSilhouette(x, labels);
    const enc = encodeClusters(labels);
    const items = Int32Array.from(labels.keys()).filter((i) => labels[i] !== -1);
    const got = silhouetteOfItems(x, enc, items);
    for (let t = 0; t < got.length; t++) {
      assert.ok(Math.abs(got[t] - want[t]) < 1e-9, `seed ${seed} item ${items[t]}: ${got[t]} vs ${want[t]}`);
    }
    const mean = want.reduce((a, b) => a + b, 0) / want.length;
    assert.ok(Math.abs(silhouette(x, labels) - mean) < 1e-9);
  }
});

Deno.test("silhouetteSampled: exact when the sample covers everything, seeded, honest standard error", () => {
  const { x, labels } = randomCase(4, 400, 6, 8, 0.05);
  const exact = silhouette(x, labels);
  const full = silhouetteSampled(x, labels, 10_000, 1);
  assert.equal(full.value, exact);
  assert.equal(full.standardError, 0);
  assert.equal(full.sampleSize, full.population);

  const a = silhouetteSampled(x, labels, 60, 9);
  assert.deepEqual(silhouetteSampled(x, labels, 60, 9), a, "same seed, same estimate");
  assert.notEqual(silhouetteSampled(x, labels, 60, 10).value, a.value, "another seed, another sample");
  assert.equal(a.sampleSize, 60);
  assert.ok(a.standardError > 0);

  // Over many seeds the estimates centre on the exact value with the stated spread.
  const values: number[] = [];
  const errors: number[] = [];
  for (let seed = 0; seed < 60; seed++) {
    const e = silhouetteSampled(x, labels, 60, seed);
    values.push(e.value);
    errors.push(e.standardError);
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  const stated = errors.reduce((s, v) => s + v, 0) / errors.length;
  assert.ok(Math.abs(mean - exact) < 4 * stated / Math.sqrt(values.length), `mean ${mean} vs exact ${exact}`);
  assert.ok(sd / stated > 0.6 && sd / stated < 1.6, `empirical sd ${sd} vs stated ${stated}`);
  assert.throws(() => silhouetteSampled(x, labels, 0), RangeError);
});
