/**
 * Large, realistic synthetic face sets built from real embeddings (for the scale benchmark).
 *
 * Model: a real set (vectors with identities, e.g. LFW and pins as embedded by the toolkit) gives
 * identity directions `u_A` (normalised means) and a pool of within-identity residuals
 * `r = x - mean_A` (identities with 2+ faces). A synthetic identity j takes a real identity A at
 * random and perturbs its direction inside the span of real identities:
 * `c_j = normalise(u_A + beta · z_j)`, `z_j` a random Gaussian mix of four other identities'
 * deviations from the global mean. A face of j is `normalise(c_j + s_j · w)`, `w` a unit random
 * mix of three real residuals (random signs and weights) plus a little isotropic noise, and
 * `s_j = s0 · exp(sigma · N(0,1))` (people vary in how alike their photos are).
 *
 * Calibration (on the real set, seeded): `s0` by bisection so that the mean cosine of two faces of
 * one synthetic identity equals the real genuine mean; `sigma` (a small grid) so that their
 * standard deviation is closest to the real one; `beta` by bisection so that two faces of two
 * synthetic identities grown from the same real one are as similar, on average, as two real faces
 * of different people. Both real and synthetic figures are returned. (On LFW + pins beta comes out
 * near 9.5: a synthetic person keeps about a tenth of the real direction, the rest is a new mix of
 * real people's deviations, so that many people can be grown from one without becoming look-alikes.)
 *
 * Sizes: identity sizes from a discrete Pareto (Zipf-like) law, `floor(U^(-1/alpha))` capped at
 * `maxSize`: with alpha 1.1 about 53% of people are seen once and a few hundreds of times. Faces
 * are then grouped into photos (most photos one face, some 2 to 6 faces of distinct people), the
 * faces of one photo being cannot-link pairs.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type Random, seededRandom, shuffleInPlace } from "../util/random.ts";

/** A labelled real set the synthetic one is grown from. */
export interface BaseSet {
  /** L2-normalised rows. */
  x: Matrix;
  /** Identity of each row (0-based ids). */
  labels: Int32Array;
}

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** Faces to make. */
  faces: number;
  /** Seed (default 1). */
  seed?: number;
  /** Pareto exponent of identity sizes (default 1.1). */
  alpha?: number;
  /** Largest identity (default 500). */
  maxSize?: number;
  /** Share of photos holding more than one face (default 0.25). */
  groupShare?: number;
}

/** Similarity figures of a set: genuine (same person) and impostor (different people) cosines. */
export interface SimFigures {
  /** Mean cosine of two faces of one person. */
  genuineMean: number;
  /** Its standard deviation. */
  genuineSd: number;
  /** Mean cosine of two faces of different people. */
  impostorMean: number;
  /** Its standard deviation. */
  impostorSd: number;
}

/** The calibration of a synthetic set. */
export interface Calibration {
  /** Residual scale. */
  s0: number;
  /** Log-normal spread of the residual scale across identities. */
  sigma: number;
  /** Identity perturbation. */
  beta: number;
  /** Figures of the real set. */
  real: SimFigures;
  /** Figures of the synthetic set (sampled). */
  synthetic: SimFigures;
}

/** A synthetic set with its truth. */
export interface SynthSet {
  /** L2-normalised rows. */
  x: Matrix;
  /** True identity of each row. */
  truth: Int32Array;
  /** Photo of each row (faces of one photo are distinct people). */
  photoOf: Int32Array;
  /** Identities. */
  identities: number;
  /** How the noise was set. */
  calibration: Calibration;
}

/** A standard normal variate source (Box-Muller on `random`). */
export function gaussian(random: Random): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = random();
    const r = Math.sqrt(-2 * Math.log(u)), t = 2 * Math.PI * random();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Identity sizes summing to exactly `faces` (discrete Pareto, capped; the last one trimmed). */
export function identitySizes(faces: number, random: Random, alpha = 1.1, maxSize = 500): Int32Array {
  if (!Number.isInteger(faces) || faces < 0) {
    throw new RangeError(`identitySizes: faces must be an integer >= 0, got ${faces}`);
  }
  if (!(alpha > 0)) throw new RangeError(`identitySizes: alpha must be > 0, got ${alpha}`);
  const sizes: number[] = [];
  let total = 0;
  while (total < faces) {
    let u = 0;
    while (u === 0) u = random();
    const s = Math.min(maxSize, Math.floor(Math.pow(u, -1 / alpha)), faces - total);
    sizes.push(s);
    total += s;
  }
  return Int32Array.from(sizes);
}

/** Normalises `v` in place (returns its former norm). */
function normalise(v: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) { for (let i = 0; i < v.length; i++) v[i] /= n; }
  return n;
}

function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[ao + c] * b[bo + c];
  return s;
}

/** Per-identity directions and the residual pool of a real set. */
interface BaseModel {
  d: number;
  /** Normalised identity directions, `ids x d`. */
  dirs: Float32Array;
  ids: number;
  /** Identity deviations from the global mean direction, `ids x d`. */
  devs: Float32Array;
  /** Residuals of faces of identities with 2+ faces, `res x d`. */
  resid: Float32Array;
  res: number;
}

function baseModel(base: BaseSet): BaseModel {
  const { x, labels } = base;
  const d = x.cols;
  let ids = 0;
  for (const l of labels) if (l + 1 > ids) ids = l + 1;
  const sums = new Float64Array(ids * d), count = new Int32Array(ids);
  for (let i = 0; i < x.rows; i++) {
    count[labels[i]]++;
    for (let c = 0; c < d; c++) sums[labels[i] * d + c] += x.data[i * d + c];
  }
  const dirs = new Float32Array(ids * d), global = new Float64Array(d);
  for (let a = 0; a < ids; a++) {
    const v = sums.subarray(a * d, (a + 1) * d).map((s) => s / Math.max(1, count[a]));
    const means = Float64Array.from(v);
    normalise(v);
    dirs.set(v, a * d);
    for (let c = 0; c < d; c++) global[c] += v[c] / ids;
    sums.set(means, a * d);
  }
  const devs = new Float32Array(ids * d);
  for (let a = 0; a < ids; a++) for (let c = 0; c < d; c++) devs[a * d + c] = dirs[a * d + c] - global[c];
  const rows: number[] = [];
  for (let i = 0; i < x.rows; i++) if (count[labels[i]] > 1) rows.push(i);
  const resid = new Float32Array(rows.length * d);
  rows.forEach((i, t) => {
    for (let c = 0; c < d; c++) resid[t * d + c] = x.data[i * d + c] - sums[labels[i] * d + c];
  });
  if (rows.length < 2 || ids < 5) {
    throw new RangeError(
      `synthesize: the real set needs 5+ identities and some with 2+ faces (got ${ids} identities)`,
    );
  }
  return { d, dirs, ids, devs, resid, res: rows.length };
}

/** Makes identity centres and faces from a {@link BaseModel}. */
class Grower {
  readonly normal: () => number;
  constructor(readonly m: BaseModel, readonly random: Random) {
    this.normal = gaussian(random);
  }
  /** `out = normalise(u_A + beta z)`. */
  centre(a: number, beta: number, out: Float32Array): void {
    const { d, dirs, devs, ids } = this.m;
    out.fill(0);
    for (let t = 0; t < 4; t++) {
      const b = Math.floor(this.random() * ids), g = this.normal();
      for (let c = 0; c < d; c++) out[c] += g * devs[b * d + c];
    }
    normalise(out);
    for (let c = 0; c < d; c++) out[c] = dirs[a * d + c] + beta * out[c];
    normalise(out);
  }
  /** `out = normalise(centre + s w)`. */
  face(centre: Float32Array, s: number, out: Float32Array): void {
    const { d, resid, res } = this.m;
    out.fill(0);
    for (let t = 0; t < 3; t++) {
      const r = Math.floor(this.random() * res), g = this.normal();
      for (let c = 0; c < d; c++) out[c] += g * resid[r * d + c];
    }
    normalise(out);
    const e = 0.3 / Math.sqrt(d);
    for (let c = 0; c < d; c++) out[c] += e * this.normal();
    normalise(out);
    for (let c = 0; c < d; c++) out[c] = centre[c] + s * out[c];
    normalise(out);
  }
}

function meanSd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / Math.max(1, v.length - 1));
  return [m, s];
}

/** Genuine and impostor cosine figures of a labelled set, from `pairs` seeded random pairs of each kind. */
export function simFigures(x: Matrix, labels: Int32Array, pairs = 20_000, seed = 7): SimFigures {
  const random = seededRandom(seed), n = x.rows, d = x.cols;
  const byId = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = byId.get(labels[i]);
    if (l) l.push(i);
    else byId.set(labels[i], [i]);
  }
  const multi = [...byId.values()].filter((l) => l.length > 1);
  const gen: number[] = [], imp: number[] = [];
  for (let t = 0; t < pairs * 4 && (gen.length < pairs || imp.length < pairs); t++) {
    const i = Math.floor(random() * n), j = Math.floor(random() * n);
    if (labels[i] !== labels[j] && imp.length < pairs) imp.push(dot(x.data, i * d, x.data, j * d, d));
    if (multi.length > 0 && gen.length < pairs) {
      // A face of a person with 2+ faces, and another of theirs (pairs weighted by faces).
      const l = byId.get(labels[i])!;
      if (l.length > 1) {
        let j2 = l[Math.floor(random() * l.length)];
        if (j2 === i) j2 = l[(l.indexOf(i) + 1) % l.length];
        gen.push(dot(x.data, i * d, x.data, j2 * d, d));
      }
    }
  }
  const [genuineMean, genuineSd] = meanSd(gen), [impostorMean, impostorSd] = meanSd(imp);
  return { genuineMean, genuineSd, impostorMean, impostorSd };
}

/** Mean and sd of the cosine of two faces of one synthetic identity, for `s0`, `sigma`. */
function genuineOf(g: Grower, s0: number, sigma: number, trials: number): [number, number] {
  const d = g.m.d, c = new Float32Array(d), f1 = new Float32Array(d), f2 = new Float32Array(d);
  const v: number[] = [];
  for (let t = 0; t < trials; t++) {
    g.centre(Math.floor(g.random() * g.m.ids), 0, c);
    const s = s0 * Math.exp(sigma * g.normal());
    g.face(c, s, f1);
    g.face(c, s, f2);
    v.push(dot(f1, 0, f2, 0, d));
  }
  return meanSd(v);
}

/** Mean cosine of faces of two identities grown from one real identity. */
function siblingOf(g: Grower, s0: number, beta: number, trials: number): number {
  const d = g.m.d, c1 = new Float32Array(d), c2 = new Float32Array(d);
  const f1 = new Float32Array(d), f2 = new Float32Array(d);
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    const a = Math.floor(g.random() * g.m.ids);
    g.centre(a, beta, c1);
    g.centre(a, beta, c2);
    g.face(c1, s0, f1);
    g.face(c2, s0, f2);
    sum += dot(f1, 0, f2, 0, d);
  }
  return sum / trials;
}

function bisect(
  f: (v: number) => number,
  target: number,
  lo: number,
  hi: number,
  increasing: boolean,
): number {
  for (let it = 0; it < 16; it++) {
    const mid = (lo + hi) / 2;
    if ((f(mid) < target) === increasing) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Calibrates the noise on `base` (see the module doc). */
export function calibrate(base: BaseSet, seed = 1): Omit<Calibration, "synthetic"> {
  const m = baseModel(base);
  const real = simFigures(base.x, base.labels);
  const trials = 600;
  let best: { s0: number; sigma: number; gap: number } | undefined;
  for (const sigma of [0, 0.15, 0.3, 0.45]) {
    const s0 = bisect(
      (s) => genuineOf(new Grower(m, seededRandom(seed)), s, sigma, trials)[0],
      real.genuineMean,
      0,
      10,
      false,
    );
    const sd = genuineOf(new Grower(m, seededRandom(seed + 1)), s0, sigma, trials)[1];
    const gap = Math.abs(sd - real.genuineSd);
    if (!best || gap < best.gap) best = { s0, sigma, gap };
  }
  const { s0, sigma } = best!;
  const beta = bisect(
    (b) => siblingOf(new Grower(m, seededRandom(seed + 2)), s0, b, trials),
    real.impostorMean,
    0,
    50,
    false,
  );
  return { s0, sigma, beta, real };
}

/** Photo of each face: faces in random order, photos of 1 face mostly, some of 2 to 6 distinct people. */
export function groupPhotos(truth: Int32Array, random: Random, groupShare = 0.25): Int32Array {
  const n = truth.length;
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), random);
  const photoOf = new Int32Array(n);
  let photo = -1, left = 0;
  const inPhoto = new Set<number>();
  for (const i of order) {
    if (left === 0 || inPhoto.has(truth[i])) {
      photo++;
      inPhoto.clear();
      left = random() < groupShare ? 2 + Math.floor(random() * 5) : 1;
    }
    photoOf[i] = photo;
    inPhoto.add(truth[i]);
    left--;
  }
  return photoOf;
}

/** Flat cannot-link pairs: every two faces of one photo. */
export function photoPairs(photoOf: Int32Array): Int32Array {
  const byPhoto = new Map<number, number[]>();
  photoOf.forEach((p, i) => {
    const l = byPhoto.get(p);
    if (l) l.push(i);
    else byPhoto.set(p, [i]);
  });
  const out: number[] = [];
  for (const l of byPhoto.values()) {
    for (let a = 0; a < l.length; a++) for (let b = a + 1; b < l.length; b++) out.push(l[a], l[b]);
  }
  return Int32Array.from(out);
}

/** A synthetic set of `opts.faces` faces grown from `base` (see the module doc). Seeded. */
export function synthesize(base: BaseSet, opts: SynthOptions): SynthSet {
  const seed = opts.seed ?? 1;
  const cal = calibrate(base, seed);
  const m = baseModel(base);
  const random = seededRandom(seed * 7919 + 13);
  const g = new Grower(m, random);
  const sizes = identitySizes(opts.faces, random, opts.alpha ?? 1.1, opts.maxSize ?? 500);
  const n = opts.faces, d = m.d;
  // Rows in random order, so that no stage sees one person's faces side by side.
  const truth = new Int32Array(n);
  let r = 0;
  sizes.forEach((s, id) => truth.fill(id, r, r += s));
  shuffleInPlace(truth, random);
  const rowsOf: number[][] = Array.from({ length: sizes.length }, () => []);
  truth.forEach((id, i) => rowsOf[id].push(i));
  const data = new Float32Array(n * d);
  const c = new Float32Array(d), f = new Float32Array(d);
  for (let id = 0; id < sizes.length; id++) {
    g.centre(Math.floor(random() * m.ids), cal.beta, c);
    const s = cal.s0 * Math.exp(cal.sigma * g.normal());
    for (const i of rowsOf[id]) {
      g.face(c, s, f);
      data.set(f, i * d);
    }
  }
  const x: Matrix = { data, rows: n, cols: d };
  const photoOf = groupPhotos(truth, random, opts.groupShare ?? 0.25);
  return {
    x,
    truth,
    photoOf,
    identities: sizes.length,
    calibration: { ...cal, synthetic: simFigures(x, truth) },
  };
}
