/**
 * A planted-partition k-NN graph made directly, without vectors: people of Zipf-like sizes
 * (lib/scale/synthetic.ts's `identitySizes`) in a random row order; each row lists up to `k`
 * faces of its own person with similarities drawn around `within`, and fills its other slots
 * with random strangers drawn around `stranger` (the top of the impostor tail, as the far
 * slots of a real k-NN graph over many people are). For tests and for timing graph
 * clusterers at sizes where computing a real graph would dominate (lib/bench/cluster/cw_scale.ts).
 * @module
 */
import type { KnnGraph } from "../../graph/knn.ts";
import { gaussian, identitySizes } from "../../scale/synthetic.ts";
import { seededRandom, shuffleInPlace } from "../../util/random.ts";

/** Options of {@link plantedKnn}. */
export interface PlantedOptions {
  /** Rows. */
  n: number;
  /** Neighbours per row. */
  k: number;
  /** Seed (default 1). */
  seed?: number;
  /** Mean and standard deviation of a same-person similarity (default 0.62, 0.13). */
  within?: readonly [number, number];
  /** Mean and standard deviation of a listed stranger's similarity (default 0.33, 0.05). */
  stranger?: readonly [number, number];
  /** Largest person (default 500). */
  maxSize?: number;
}

/** A planted k-NN graph and the person of each row. */
export interface PlantedGraph {
  /** The k-NN graph (each row most similar first, self excluded). */
  graph: KnnGraph;
  /** The person of each row. */
  truth: Int32Array;
  /** Number of people. */
  people: number;
}

/** Makes the planted graph (see the module doc); deterministic for a seed. */
export function plantedKnn(o: PlantedOptions): PlantedGraph {
  const { n } = o;
  const k = Math.min(o.k, Math.max(0, n - 1));
  const random = seededRandom(o.seed ?? 1);
  const normal = gaussian(random);
  const [wm, ws] = o.within ?? [0.62, 0.13];
  const [sm, ss] = o.stranger ?? [0.33, 0.05];
  const sizes = identitySizes(n, random, 1.1, o.maxSize ?? 500);
  // Rows of each person: a random permutation cut into runs of the sizes.
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  shuffleInPlace(rows, random);
  const truth = new Int32Array(n);
  const start = new Int32Array(sizes.length + 1);
  for (let c = 0; c < sizes.length; c++) {
    start[c + 1] = start[c] + sizes[c];
    for (let t = start[c]; t < start[c + 1]; t++) truth[rows[t]] = c;
  }
  const indices = new Int32Array(n * k), sims = new Float32Array(n * k);
  const stamp = new Int32Array(n).fill(-1);
  const ri = new Int32Array(k), rs = new Float32Array(k);
  const clip = (v: number) => (v > 1 ? 1 : v < -1 ? -1 : v);
  for (let c = 0; c < sizes.length; c++) {
    const s0 = start[c], s = sizes[c];
    for (let a = s0; a < s0 + s; a++) {
      const i = rows[a];
      stamp[i] = i;
      let m = 0;
      const own = Math.min(s - 1, k);
      while (m < own) {
        const j = own === s - 1 ? rows[s0 + (m < a - s0 ? m : m + 1)] : rows[s0 + Math.floor(random() * s)];
        if (stamp[j] === i) continue;
        stamp[j] = i;
        ri[m] = j;
        rs[m++] = clip(wm + ws * normal());
      }
      const listed = own + Math.min(k - own, n - s); // strangers exist only outside the person
      while (m < listed) {
        const j = Math.floor(random() * n);
        if (stamp[j] === i || truth[j] === c) continue;
        stamp[j] = i;
        ri[m] = j;
        rs[m++] = clip(sm + ss * normal());
      }
      // Most similar first (insertion sort of k entries).
      for (let p = 1; p < listed; p++) {
        const vi = ri[p], vs = rs[p];
        let q = p - 1;
        while (q >= 0 && rs[q] < vs) {
          ri[q + 1] = ri[q];
          rs[q + 1] = rs[q];
          q--;
        }
        ri[q + 1] = vi;
        rs[q + 1] = vs;
      }
      for (let p = listed; p < k; p++) ri[p] = -1, rs[p] = -Infinity; // missing slots, as IVF's
      indices.set(ri, i * k);
      sims.set(rs, i * k);
    }
  }
  return { graph: { n, k, indices, sims }, truth, people: sizes.length };
}
