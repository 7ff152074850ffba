/**
 * Approximate rank-order clustering (Otto, Wang & Jain, "Clustering millions of faces by
 * identity", 2017) over the shared k-NN graph. For rows a and b in each other's (or one's)
 * top-k list, with O_a(b) the rank of b in a's list:
 *   d(a, b) = #{ i <= O_a(b) : the i-th neighbour of a is not in b's top-k list }
 *   D(a, b) = (d(a, b) + d(b, a)) / min(O_a(b), O_b(a))
 * Pairs with D below `threshold` (and cosine similarity at least `minSim`) are linked and
 * clusters are the connected components; links that would join cannot-linked rows are
 * skipped (closest first), and must-link pairs are linked first.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { argsortAscending } from "../graph/sparse.ts";
import { UnionFind } from "./union_find.ts";

/** Parameters of {@link rankOrder}. */
export type RankOrderParams = {
  /** Size of each top-k list. */
  neighbours: number;
  /** Link pairs whose rank-order distance is below this. */
  threshold: number;
  /** Also require at least this cosine similarity. */
  minSim: number;
};

/** Approximate rank-order clustering. */
export const rankOrder: Clusterer<RankOrderParams> = {
  name: "rank-order",
  defaults: { neighbours: 20, threshold: 1.6, minSim: 0.3 },
  params: {
    neighbours: { type: "int", min: 2, max: 1000, description: "top-k list size" },
    threshold: { type: "number", min: 0, exclusiveMin: true, description: "rank-order distance cut-off" },
    minSim: { type: "number", min: -1, max: 1, description: "minimum cosine similarity of a link" },
  },
  needs: "graph",
  graphK: (p) => p.neighbours,
  enforcesCannotLink: true,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params) {
    const p = validateParams<RankOrderParams>(this.name, this.params, params);
    const g = graphOf(input, p.neighbours, this.name);
    const { n, k, indices, sims } = g;
    // rank[i] maps neighbour -> 1-based rank in i's list.
    const rank: Map<number, number>[] = Array.from({ length: n }, () => new Map());
    for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) rank[i].set(indices[i * k + t], t + 1);
    const absent = (a: number, b: number, upto: number) => {
      // Neighbours of a up to rank `upto` (inclusive; rank 0 is a itself) missing from b's list.
      let d = 0;
      for (let t = 0; t < upto; t++) {
        const f = indices[a * k + t];
        if (f !== b && !rank[b].has(f)) d++;
      }
      return d;
    };
    const ea: number[] = [], eb: number[] = [], ed: number[] = [];
    for (let a = 0; a < n; a++) {
      for (let t = 0; t < k; t++) {
        const b = indices[a * k + t];
        if (b < 0) break; // unfilled slot (approximate graphs)
        const oab = t + 1;
        const oba = rank[b].get(a);
        if (oba !== undefined && b < a) continue; // each mutual pair once
        if (sims[a * k + t] < p.minSim) break;
        const rb = oba ?? k + 1;
        const dist = (absent(a, b, Math.min(oab, k)) + absent(b, a, Math.min(rb, k))) / Math.min(oab, rb);
        if (dist < p.threshold) ea.push(a), eb.push(b), ed.push(dist);
      }
    }
    const uf = new UnionFind(n, input.cannotLink);
    const ml = input.mustLink;
    for (let q = 0; ml && q + 1 < ml.length; q += 2) uf.union(ml[q], ml[q + 1]);
    for (const e of argsortAscending(Float32Array.from(ed))) uf.union(ea[e], eb[e]);
    return { labels: uf.labels() };
  },
};
