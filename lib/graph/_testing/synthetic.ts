/**
 * Seeded synthetic embeddings with known clusters: unit-norm centres on the sphere,
 * members scattered around them, plus optional uniform noise points.
 * @module
 */
import type { Matrix } from "../../matrix.ts";
import { type Random, seededRandom, shuffleInPlace } from "../../util/random.ts";

/** Options of {@link syntheticClusters}. */
export interface SyntheticOptions {
  /** Total points. */
  n: number;
  /** Dimension. */
  dim: number;
  /** Number of clusters. */
  clusters: number;
  /** Spread of members around their centre (per-coordinate std times sqrt(dim)); default 0.6. */
  spread?: number;
  /** Share of points that are isolated noise (each gets its own true label). */
  noiseShare?: number;
  /** Cluster sizes vary as a power law when > 0 (default 1); 0 gives equal sizes. */
  sizeSkew?: number;
  /** Per-point spread varies as exp(jitter * N(0, 1)) (default 0: none). */
  jitter?: number;
  /** Share of clusters whose centre is a perturbed copy of the previous one (look-alikes; default 0). */
  familyShare?: number;
  /** Distance of a look-alike centre from its sibling, as for `spread` (default 1). */
  familySpread?: number;
  /** Seed. */
  seed?: number;
}

/** Synthetic data: L2-normalised rows and their true cluster (noise points get unique labels). */
export interface SyntheticSet {
  /** Rows. */
  x: Matrix;
  /** True labels, one per row. */
  truth: Int32Array;
}

function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function unit(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
}

/** Makes a seeded set of well-defined clusters on the unit sphere. */
export function syntheticClusters(opts: SyntheticOptions): SyntheticSet {
  const { n, dim, clusters } = opts;
  const spread = opts.spread ?? 0.6;
  const random = seededRandom(opts.seed ?? 1);
  const noise = Math.round(n * (opts.noiseShare ?? 0));
  const members = n - noise;
  const skew = opts.sizeSkew ?? 1;
  const weights = Array.from(
    { length: clusters },
    (_, c) => 1 / Math.pow(c + 1, skew * 0.5) + random() * 0.2,
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * members)));
  let left = members - sizes.reduce((a, b) => a + b, 0);
  for (let c = 0; left > 0; c = (c + 1) % clusters, left--) sizes[c]++;
  for (let c = 0; left < 0; c = (c + 1) % clusters) if (sizes[c] > 1) sizes[c]--, left++;
  const data = new Float32Array(n * dim);
  const truth = new Int32Array(n);
  const centre = new Float32Array(dim);
  const sd = spread / Math.sqrt(dim);
  let r = 0;
  const jitter = opts.jitter ?? 0;
  const family = opts.familyShare ?? 0;
  const fsd = (opts.familySpread ?? 1) / Math.sqrt(dim);
  for (let c = 0; c < clusters; c++) {
    if (c > 0 && random() < family) {
      for (let i = 0; i < dim; i++) centre[i] += fsd * gaussian(random);
    } else {
      for (let i = 0; i < dim; i++) centre[i] = gaussian(random);
    }
    unit(centre);
    for (let m = 0; m < sizes[c]; m++, r++) {
      const v = data.subarray(r * dim, (r + 1) * dim);
      const s = jitter > 0 ? sd * Math.exp(jitter * gaussian(random)) : sd;
      for (let i = 0; i < dim; i++) v[i] = centre[i] + s * gaussian(random);
      unit(v);
      truth[r] = c;
    }
  }
  for (let q = 0; q < noise; q++, r++) {
    const v = data.subarray(r * dim, (r + 1) * dim);
    for (let i = 0; i < dim; i++) v[i] = gaussian(random);
    unit(v);
    truth[r] = clusters + q;
  }
  // Shuffle rows so clusters are not contiguous.
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), random);
  const shuffled = new Float32Array(n * dim);
  const t2 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    shuffled.set(data.subarray(order[i] * dim, (order[i] + 1) * dim), i * dim);
    t2[i] = truth[order[i]];
  }
  return { x: { data: shuffled, rows: n, cols: dim }, truth: t2 };
}
