/**
 * k-reciprocal re-ranking of a k-NN graph (Zhong, Zheng, Cao, Li, "Re-ranking Person
 * Re-identification with k-reciprocal Encoding", CVPR 2017), for every graph method.
 *
 * Each row's k1-reciprocal neighbours (j lists i and i lists j among their k1 nearest), expanded
 * by the k1/2-reciprocal sets of its members that overlap it by more than 2/3, become a sparse
 * vector of weights exp(-d); each vector is averaged over the row's k2 nearest (local query
 * expansion); the Jaccard distance of two vectors, `1 - Σmin / Σmax`, is mixed with the cosine
 * distance: `d' = λ d + (1 - λ) d_J`. Faces whose neighbourhoods agree move together, and a face
 * near a crowd it does not belong to moves away from it.
 *
 * The graph keeps its candidate pairs (each row's K nearest by cosine) and re-sorts them by `d'`;
 * sims become `1 - d'`. Registered methods take it through the `rerank`, `rerankK2` and
 * `rerankLambda` parameters (lib/cluster/rerank_params.ts).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "./knn.ts";

/** Parameters of {@link rerankKnn}. */
export interface RerankOptions {
  /** Size of the reciprocal neighbourhood. */
  k1: number;
  /** Neighbours averaged in the local query expansion (self included; 1 = none). */
  k2: number;
  /** Weight of the original cosine distance in the result (0..1). */
  lambda: number;
}

/** Sparse vector: sorted indices and their values. */
interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

/**
 * Re-ranks `g` (the k-NN graph of the L2-normalised rows of `x`, K >= 1 neighbours per row): the
 * same candidate pairs, sorted by the re-ranked distance, with sims `1 - d'`.
 */
export function rerankKnn(x: Matrix, g: KnnGraph, opts: RerankOptions): KnnGraph {
  const { n, k: K } = g;
  if (n !== x.rows) throw new RangeError(`rerankKnn: graph has ${n} rows, matrix ${x.rows}`);
  if (!(opts.k1 >= 1 && opts.k2 >= 1 && opts.lambda >= 0 && opts.lambda <= 1)) {
    throw new RangeError(`rerankKnn: need k1 >= 1, k2 >= 1, 0 <= lambda <= 1, got ${JSON.stringify(opts)}`);
  }
  const k1 = Math.min(opts.k1, K), half = Math.max(1, Math.round(k1 / 2)), k2 = Math.min(opts.k2, K + 1);
  const d = x.cols, data = x.data;
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let c = 0, oi = i * d, oj = j * d; c < d; c++) s += data[oi + c] * data[oj + c];
    return s;
  };
  // Is i among j's first k neighbours?
  const lists = (j: number, i: number, k: number) => {
    for (let t = j * K, end = t + k; t < end; t++) if (g.indices[t] === i) return true;
    return false;
  };
  const reciprocal = (i: number, k: number): number[] => {
    const out = [i];
    for (let t = i * K, end = t + k; t < end; t++) {
      const j = g.indices[t];
      if (j >= 0 && lists(j, i, k)) out.push(j);
    }
    return out;
  };

  // 1. Expanded k-reciprocal sets as normalised weight vectors.
  const vecs: SparseVec[] = new Array(n);
  const mark = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = reciprocal(i, k1);
    for (const j of r) mark[j] = 1;
    const members = r.slice();
    for (const j of r) {
      const rj = reciprocal(j, half);
      let common = 0;
      for (const q of rj) if (mark[q] === 1) common++;
      if (common > (2 / 3) * rj.length) {
        for (const q of rj) {
          if (mark[q] === 0) mark[q] = 2, members.push(q);
        }
      }
    }
    for (const j of members) mark[j] = 0;
    members.sort((a, b) => a - b);
    const val = new Float64Array(members.length);
    let sum = 0;
    members.forEach((j, p) => sum += val[p] = Math.exp(-(j === i ? 0 : 1 - dot(i, j))));
    for (let p = 0; p < val.length; p++) val[p] /= sum;
    vecs[i] = { idx: Int32Array.from(members), val };
  }

  // 2. Local query expansion over the k2 nearest (self included).
  const acc = new Float64Array(n);
  const touched: number[] = [];
  let expanded = vecs;
  if (k2 > 1) {
    expanded = new Array(n);
    for (let i = 0; i < n; i++) {
      const group = [i];
      for (let t = i * K, end = t + k2 - 1; t < end; t++) if (g.indices[t] >= 0) group.push(g.indices[t]);
      for (const j of group) {
        const v = vecs[j];
        for (let p = 0; p < v.idx.length; p++) {
          const q = v.idx[p];
          if (acc[q] === 0) touched.push(q);
          acc[q] += v.val[p];
        }
      }
      touched.sort((a, b) => a - b);
      const idx = Int32Array.from(touched);
      const val = Float64Array.from(touched, (q) => acc[q] / group.length);
      for (const q of touched) acc[q] = 0;
      touched.length = 0;
      expanded[i] = { idx, val };
    }
  }

  // 3. Jaccard distance of each candidate pair, mixed with the cosine distance.
  const indices = new Int32Array(n * K), sims = new Float32Array(n * K);
  const order = Array.from({ length: K }, (_, t) => t);
  const newSim = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const vi = expanded[i];
    for (let p = 0; p < vi.idx.length; p++) acc[vi.idx[p]] = vi.val[p];
    for (let t = 0; t < K; t++) {
      const j = g.indices[i * K + t];
      if (j < 0) {
        newSim[t] = -Infinity;
        continue;
      }
      const vj = expanded[j];
      let m = 0;
      for (let p = 0; p < vj.idx.length; p++) {
        const a = acc[vj.idx[p]];
        if (a > 0) m += a < vj.val[p] ? a : vj.val[p];
      }
      const jaccard = 1 - m / (2 - m);
      const dist = opts.lambda * (1 - g.sims[i * K + t]) + (1 - opts.lambda) * jaccard;
      newSim[t] = 1 - dist;
    }
    for (let p = 0; p < vi.idx.length; p++) acc[vi.idx[p]] = 0;
    order.sort((a, b) => newSim[b] - newSim[a] || a - b);
    for (let t = 0; t < K; t++) {
      const s = order[t];
      indices[i * K + t] = g.indices[i * K + s];
      sims[i * K + t] = newSim[s] === -Infinity ? -Infinity : newSim[s];
    }
  }
  return { n, k: K, indices, sims };
}
