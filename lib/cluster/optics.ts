/**
 * OPTICS (Ankerst et al. 1999) on cosine distance with a finite `maxEps`, over the exact
 * radius graph derived from the shared k-NN graph, following scikit-learn's ordering rule
 * (next row: the unprocessed one with the smallest reachability, lowest index on ties).
 * Clusters are extracted DBSCAN-style at `eps <= maxEps` (scikit-learn's
 * `cluster_optics_dbscan`). Cannot-link pairs are enforced afterwards by the registry.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { radiusGraph, type SparseGraph } from "../graph/sparse.ts";

/** Parameters of {@link optics}. */
export type OpticsParams = {
  /** Neighbours (including self) for a core row. */
  minSamples: number;
  /** Largest radius considered (cosine distance). */
  maxEps: number;
  /** Extraction radius (cosine distance), at most `maxEps`. */
  eps: number;
  /** k of the k-NN graph (raised to `minSamples - 1`). */
  neighbours: number;
};

/** The OPTICS ordering, reachability and core distances (Infinity = undefined). */
export interface OpticsResult {
  /** Processing order of the rows. */
  ordering: Int32Array;
  /** Reachability distance of each row. */
  reachability: Float64Array;
  /** Core distance of each row. */
  core: Float64Array;
}

/** A binary min-heap of (key, row) with lazy deletion. */
class Heap {
  private keys: number[] = [];
  private rows: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.rows[a] < this.rows[b]);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.rows[a], this.rows[b]] = [this.rows[b], this.rows[a]];
  }
  push(key: number, row: number): void {
    this.keys.push(key);
    this.rows.push(row);
    for (let i = this.keys.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.rows[0]];
    const lk = this.keys.pop()!, lr = this.rows.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lk;
      this.rows[0] = lr;
      for (let i = 0;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** Computes the OPTICS ordering over a radius graph with core distances `core`. */
export function opticsOrder(r: SparseGraph, core: Float64Array): OpticsResult {
  const n = r.n;
  const reach = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  const ordering = new Int32Array(n);
  const heap = new Heap();
  let scan = 0;
  for (let o = 0; o < n; o++) {
    let p = -1;
    while (heap.size > 0) {
      const [key, row] = heap.pop();
      if (!done[row] && key === reach[row]) {
        p = row;
        break;
      }
    }
    if (p < 0) {
      while (done[scan]) scan++;
      p = scan;
    }
    done[p] = 1;
    ordering[o] = p;
    if (!Number.isFinite(core[p])) continue;
    for (let t = r.offsets[p]; t < r.offsets[p + 1]; t++) {
      const q = r.targets[t];
      if (done[q]) continue;
      const nr = Math.max(core[p], Math.max(0, 1 - r.sims[t]));
      if (nr < reach[q]) {
        reach[q] = nr;
        heap.push(nr, q);
      }
    }
  }
  return { ordering, reachability: reach, core };
}

/** DBSCAN-style extraction from an OPTICS result at radius `eps`. */
export function extractDbscan(res: OpticsResult, eps: number): Int32Array {
  const n = res.ordering.length;
  const labels = new Int32Array(n);
  let c = -1;
  for (const p of res.ordering) {
    const far = res.reachability[p] > eps, nearCore = res.core[p] <= eps;
    if (far && nearCore) c++;
    labels[p] = far && !nearCore ? -1 : c;
  }
  return relabel(labels);
}

/** OPTICS with DBSCAN-style extraction. */
export const optics: Clusterer<OpticsParams> = {
  name: "optics",
  defaults: { minSamples: 2, maxEps: 0.7, eps: 0.5, neighbours: 64 },
  params: {
    minSamples: { type: "int", min: 1, max: 1000, description: "neighbours (incl. self) for a core row" },
    maxEps: { type: "number", min: 0, max: 2, exclusiveMin: true, description: "largest radius considered" },
    eps: { type: "number", min: 0, max: 2, exclusiveMin: true, description: "extraction radius (<= maxEps)" },
    neighbours: { type: "int", min: 1, max: 1000, description: "k of the k-NN graph" },
  },
  needs: "graph",
  graphK: (p) => Math.max(p.neighbours, p.minSamples - 1),
  enforcesCannotLink: false,
  async run(input, params) {
    const p = validateParams<OpticsParams>(this.name, this.params, params);
    if (p.eps > p.maxEps) {
      throw new RangeError(`optics: parameter "eps" (${p.eps}) must be <= parameter "maxEps" (${p.maxEps})`);
    }
    const { x } = input;
    const g = graphOf(input, Math.max(p.neighbours, p.minSamples - 1), this.name);
    const r = await radiusGraph(x, g, p.maxEps);
    const core = new Float64Array(x.rows).fill(Infinity);
    for (let i = 0; i < x.rows; i++) {
      const cd = p.minSamples <= 1 ? 0 : Math.max(0, 1 - g.sims[i * g.k + p.minSamples - 2]);
      if (g.k >= p.minSamples - 1 && cd <= p.maxEps) core[i] = cd;
    }
    return { labels: extractDbscan(opticsOrder(r, core), p.eps) };
  },
};
