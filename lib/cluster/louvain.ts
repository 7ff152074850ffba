/**
 * Louvain optimisation (Blondel et al. 2008) of modularity or of the constant Potts model
 * (CPM, Traag et al. 2011: a community pays `resolution` per pair of rows, so it holds when
 * its mean pairwise similarity, missing edges counting 0, exceeds the resolution), on the
 * thresholded k-NN graph weighted by similarity, followed by Leiden's guarantee that every
 * community is connected (disconnected communities are split into their components).
 * Moves into a community holding a cannot-link partner are never made.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, type RunContext, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { type SparseGraph, thresholdedGraph } from "../graph/sparse.ts";
import { UnionFind } from "./union_find.ts";
import { shuffleInPlace } from "../util/random.ts";

/** Parameters of {@link louvain}. */
export type LouvainParams = {
  /** Minimum cosine similarity for an edge. */
  threshold: number;
  /** k of the k-NN graph. */
  neighbours: number;
  /** Resolution: larger gives smaller communities (for CPM, a similarity density). */
  resolution: number;
  /** Quality: modularity, or the constant Potts model (resolution-limit free). */
  quality: "modularity" | "cpm";
  /** Maximum aggregation levels. */
  levels: number;
};

interface Level {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  self: Float64Array;
  /** Rows held by each node. */
  size: Float64Array;
  partners: number[][];
}

function shuffled(n: number, random: () => number): Int32Array {
  return shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), random);
}

/** One local-moving phase; returns the community of each node and whether anything moved. */
function moveNodes(
  lv: Level,
  gamma: number,
  cpm: boolean,
  ctx: RunContext,
): { comm: Int32Array; moved: boolean } {
  const { n, offsets, targets, weights, self } = lv;
  const k = new Float64Array(n);
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    let s = self[i];
    for (let t = offsets[i]; t < offsets[i + 1]; t++) s += weights[t];
    k[i] = s;
    m2 += s;
  }
  const comm = Int32Array.from({ length: n }, (_, i) => i);
  if (m2 === 0) return { comm, moved: false };
  // Modularity: mass = weighted degree, penalty scaled by 1/2m. CPM: mass = rows held.
  const mass = cpm ? lv.size : k;
  const scale = cpm ? 1 : 1 / m2;
  const tot = mass.slice();
  const w = new Float64Array(n);
  const touched: number[] = [];
  let moved = false;
  for (let pass = 0; pass < 50; pass++) {
    let changes = 0;
    for (const i of shuffled(n, ctx.random)) {
      if (ctx.signal?.aborted) throw new Error("louvain: aborted");
      const ci = comm[i];
      for (let t = offsets[i]; t < offsets[i + 1]; t++) {
        const c = comm[targets[t]];
        if (w[c] === 0) touched.push(c);
        w[c] += weights[t];
      }
      tot[ci] -= mass[i];
      const banned = new Set(lv.partners[i].map((q) => comm[q]));
      let best = ci, bestGain = w[ci] - gamma * tot[ci] * mass[i] * scale;
      for (const c of touched) {
        if (c === ci || banned.has(c)) continue;
        const gain = w[c] - gamma * tot[c] * mass[i] * scale;
        if (gain > bestGain + 1e-12) bestGain = gain, best = c;
      }
      for (const c of touched) w[c] = 0;
      w[ci] = 0;
      touched.length = 0;
      tot[best] += mass[i];
      if (best !== ci) {
        comm[i] = best;
        changes++;
        moved = true;
      }
    }
    if (changes === 0) break;
  }
  return { comm, moved };
}

function aggregate(lv: Level, comm: Int32Array): { next: Level; map: Int32Array } {
  const map = relabel(comm);
  let c = 0;
  for (const v of map) if (v + 1 > c) c = v + 1;
  const self = new Float64Array(c);
  const size = new Float64Array(c);
  for (let i = 0; i < lv.n; i++) size[map[i]] += lv.size[i];
  const rows: Map<number, number>[] = Array.from({ length: c }, () => new Map());
  for (let i = 0; i < lv.n; i++) {
    const a = map[i];
    self[a] += lv.self[i];
    for (let t = lv.offsets[i]; t < lv.offsets[i + 1]; t++) {
      const b = map[lv.targets[t]];
      if (a === b) self[a] += lv.weights[t];
      else rows[a].set(b, (rows[a].get(b) ?? 0) + lv.weights[t]);
    }
  }
  const offsets = new Int32Array(c + 1);
  for (let a = 0; a < c; a++) offsets[a + 1] = offsets[a] + rows[a].size;
  const targets = new Int32Array(offsets[c]);
  const weights = new Float64Array(offsets[c]);
  for (let a = 0; a < c; a++) {
    let t = offsets[a];
    for (const [b, wt] of rows[a]) targets[t] = b, weights[t++] = wt;
  }
  const partners: number[][] = Array.from({ length: c }, () => []);
  for (let i = 0; i < lv.n; i++) for (const q of lv.partners[i]) partners[map[i]].push(map[q]);
  return { next: { n: c, offsets, targets, weights, self, size, partners }, map };
}

/** Splits every community of `labels` into its connected components in `g`. */
export function connectedWithin(g: SparseGraph, labels: Int32Array): Int32Array {
  const uf = new UnionFind(g.n);
  for (let i = 0; i < g.n; i++) {
    for (let t = g.offsets[i]; t < g.offsets[i + 1]; t++) {
      if (labels[g.targets[t]] === labels[i]) uf.union(i, g.targets[t]);
    }
  }
  return uf.labels();
}

/** Louvain community detection with connected communities. */
export const louvain: Clusterer<LouvainParams> = {
  name: "louvain",
  defaults: { threshold: 0.5, neighbours: 32, resolution: 1, levels: 10, quality: "modularity" },
  params: {
    threshold: { type: "number", min: -1, max: 1, description: "minimum cosine similarity of an edge" },
    neighbours: { type: "int", min: 1, max: 1000, description: "k of the k-NN graph" },
    resolution: { type: "number", min: 0, exclusiveMin: true, description: "modularity resolution" },
    levels: { type: "int", min: 1, max: 100, description: "maximum aggregation levels" },
    quality: { type: "enum", values: ["modularity", "cpm"], description: "quality function" },
  },
  needs: "graph",
  graphK: (p) => p.neighbours,
  enforcesCannotLink: true,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params, ctx) {
    const p = validateParams<LouvainParams>(this.name, this.params, params);
    const n = input.x.rows;
    const g = thresholdedGraph(graphOf(input, p.neighbours, this.name), p.threshold);
    const uf = new UnionFind(n, input.cannotLink);
    let lv: Level = {
      n,
      offsets: g.offsets,
      targets: g.targets,
      weights: Float64Array.from(g.sims, (s) => Math.max(s, 1e-6)),
      self: new Float64Array(n),
      size: new Float64Array(n).fill(1),
      partners: Array.from({ length: n }, (_, i) => [...uf.partnersOf(i)]),
    };
    let labels: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
    for (let level = 0; level < p.levels; level++) {
      const { comm, moved } = moveNodes(lv, p.resolution, p.quality === "cpm", ctx);
      if (!moved) break;
      const { next, map } = aggregate(lv, comm);
      for (let i = 0; i < n; i++) labels[i] = map[labels[i]];
      lv = next;
    }
    labels = connectedWithin(g, labels);
    return { labels: relabel(labels) };
  },
};
