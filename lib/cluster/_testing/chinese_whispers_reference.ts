/**
 * Chinese whispers as it was before issue 17 (one class per row, every row visited in every
 * pass, the thresholded graph built from undirected pairs with a per-row sort), kept unchanged
 * as the reference that lib/cluster/chinese_whispers.ts must agree with (tests) and be timed
 * against (lib/bench/cluster/cw_scale.ts). Not for use in the toolkit itself.
 * @module
 */
import type { KnnGraph } from "../../graph/knn.ts";
import type { SparseGraph } from "../../graph/sparse.ts";
import { relabel } from "../labels.ts";
import { UnionFind } from "../union_find.ts";
import { type Random, shuffleInPlace } from "../../util/random.ts";

/** The thresholded graph as built before issue 17: undirected pairs, bucketed, sorted per bucket. */
export function thresholdedGraphReference(g: KnnGraph, minSim: number): SparseGraph {
  const cap = g.n * g.k;
  const a = new Int32Array(cap), b = new Int32Array(cap), s = new Float32Array(cap);
  let c = 0;
  for (let i = 0; i < g.n; i++) {
    for (let t = i * g.k, end = t + g.k; t < end; t++) {
      if (g.sims[t] < minSim || g.indices[t] < 0) break;
      a[c] = i;
      b[c] = g.indices[t];
      s[c++] = g.sims[t];
    }
  }
  return fromPairsReference(g.n, a, b, s, c);
}

/** `fromPairs` of lib/graph/sparse.ts as it was before issue 17. */
function fromPairsReference(
  n: number,
  a: Int32Array,
  b: Int32Array,
  s: Float32Array,
  count: number,
): SparseGraph {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) if (a[e] !== b[e]) start[Math.min(a[e], b[e]) + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const hiOf = new Int32Array(start[n]);
  const simOf = new Float32Array(start[n]);
  for (let e = 0; e < count; e++) {
    if (a[e] === b[e]) continue;
    const lo = Math.min(a[e], b[e]);
    hiOf[fill[lo]] = Math.max(a[e], b[e]);
    simOf[fill[lo]++] = s[e];
  }
  const degree = new Int32Array(n + 1);
  const keep = new Uint8Array(start[n]);
  let scratch: number[] = [];
  for (let lo = 0; lo < n; lo++) {
    const s0 = start[lo], s1 = start[lo + 1];
    if (s1 - s0 > 1) {
      scratch = [];
      for (let t = s0; t < s1; t++) scratch.push(t);
      scratch.sort((p, q) => hiOf[p] - hiOf[q]);
      const his = scratch.map((t) => hiOf[t]), sims = scratch.map((t) => simOf[t]);
      for (let t = 0; t < his.length; t++) hiOf[s0 + t] = his[t], simOf[s0 + t] = sims[t];
    }
    for (let t = s0; t < s1; t++) {
      if (t > s0 && hiOf[t] === hiOf[t - 1]) continue;
      keep[t] = 1;
      degree[lo + 1]++;
      degree[hiOf[t] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) degree[i + 1] += degree[i];
  const offsets = degree;
  const at = offsets.slice(0, n);
  const targets = new Int32Array(offsets[n]);
  const sims = new Float32Array(offsets[n]);
  for (let lo = 0; lo < n; lo++) {
    for (let t = start[lo]; t < start[lo + 1]; t++) {
      if (!keep[t]) continue;
      const hi = hiOf[t], sim = simOf[t];
      targets[at[lo]] = hi;
      sims[at[lo]++] = sim;
      targets[at[hi]] = lo;
      sims[at[hi]++] = sim;
    }
  }
  return { n, offsets, targets, sims };
}

/** Options of {@link chineseWhispersReference}: the clusterer's parameters and context. */
export interface ReferenceOptions {
  /** Minimum similarity of an edge. */
  threshold: number;
  /** Maximum passes. */
  iterations: number;
  /** Edge weight. */
  weighting: "sim" | "unit";
  /** Seeded random source. */
  random: Random;
  /** Cannot-link pairs, flat. */
  cannotLink?: Int32Array;
}

/** The pre-issue-17 Chinese whispers run on `knn` (labels relabelled 0..C-1), with its passes. */
export function chineseWhispersReference(
  knn: KnnGraph,
  o: ReferenceOptions,
): { labels: Int32Array; passes: number } {
  const n = knn.n;
  const g = thresholdedGraphReference(knn, o.threshold);
  const uf = new UnionFind(n, o.cannotLink);
  const label = Int32Array.from({ length: n }, (_, i) => i);
  const score = new Float64Array(n);
  const touched: number[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let passes = 0;
  for (let it = 0; it < o.iterations; it++) {
    passes++;
    shuffleInPlace(order, o.random);
    let changed = 0;
    for (const i of order) {
      const s0 = g.offsets[i], s1 = g.offsets[i + 1];
      if (s0 === s1) continue;
      for (let t = s0; t < s1; t++) {
        const l = label[g.targets[t]];
        if (score[l] === 0) touched.push(l);
        score[l] += o.weighting === "sim" ? Math.max(g.sims[t], 1e-6) : 1;
      }
      for (const q of uf.partnersOf(i)) score[label[q]] = -Infinity;
      let best = label[i], bestScore = score[best] > 0 ? score[best] : 0;
      for (const l of touched) {
        if (score[l] > bestScore) bestScore = score[l], best = l;
      }
      for (const l of touched) score[l] = 0;
      for (const q of uf.partnersOf(i)) score[label[q]] = 0;
      touched.length = 0;
      if (best !== label[i]) {
        label[i] = best;
        changed++;
      }
    }
    if (changed === 0) break;
  }
  return { labels: relabel(label), passes };
}
