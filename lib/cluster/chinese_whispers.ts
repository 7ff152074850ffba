/**
 * Chinese whispers (Biemann 2006) on the thresholded k-NN graph: every row starts in its
 * own class and repeatedly adopts the class with the largest summed edge weight among its
 * neighbours, visiting rows in a seeded random order. A row never adopts a class holding
 * one of its cannot-link partners.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { thresholdedGraph } from "../graph/sparse.ts";
import { UnionFind } from "./union_find.ts";
import { shuffleInPlace } from "../util/random.ts";

/** Parameters of {@link chineseWhispers}. */
export type ChineseWhispersParams = {
  /** Minimum cosine similarity for an edge. */
  threshold: number;
  /** k of the k-NN graph. */
  neighbours: number;
  /** Maximum passes over all rows. */
  iterations: number;
  /** Edge weight: the similarity, or 1 for every edge. */
  weighting: "sim" | "unit";
};

/** Chinese whispers graph clustering. */
export const chineseWhispers: Clusterer<ChineseWhispersParams> = {
  name: "chinese-whispers",
  defaults: { threshold: 0.5, neighbours: 32, iterations: 20, weighting: "sim" },
  params: {
    threshold: { type: "number", min: -1, max: 1, description: "minimum cosine similarity of an edge" },
    neighbours: { type: "int", min: 1, max: 1000, description: "k of the k-NN graph" },
    iterations: { type: "int", min: 1, max: 1000, description: "maximum passes" },
    weighting: { type: "enum", values: ["sim", "unit"], description: "edge weight" },
  },
  needs: "graph",
  graphK: (p) => p.neighbours,
  enforcesCannotLink: true,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params, ctx) {
    const p = validateParams<ChineseWhispersParams>(this.name, this.params, params);
    const { x } = input;
    const n = x.rows;
    const g = thresholdedGraph(graphOf(input, p.neighbours, this.name), p.threshold);
    const uf = new UnionFind(n, input.cannotLink); // only for its partner lists
    const label = Int32Array.from({ length: n }, (_, i) => i);
    const score = new Float64Array(n);
    const touched: number[] = [];
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let it = 0; it < p.iterations; it++) {
      shuffleInPlace(order, ctx.random);
      let changed = 0;
      for (const i of order) {
        const s0 = g.offsets[i], s1 = g.offsets[i + 1];
        if (s0 === s1) continue;
        for (let t = s0; t < s1; t++) {
          const l = label[g.targets[t]];
          if (score[l] === 0) touched.push(l);
          score[l] += p.weighting === "sim" ? Math.max(g.sims[t], 1e-6) : 1;
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
    return { labels: relabel(label) };
  },
};
