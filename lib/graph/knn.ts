/**
 * k-nearest-neighbour graphs over L2-normalised rows (similarity = dot product,
 * cosine distance = 1 - similarity).
 *
 * {@link knnGraph} is exact and fast: rows are processed in blocks by a two-node ONNX
 * graph (Gemm against the whole matrix, then TopK) built in code and run by
 * onnxruntime-node. {@link knnBruteForce} is the plain JavaScript reference, synchronous,
 * for small inputs and tests.
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Matrix } from "../matrix.ts";
import { ElemType, encodeModel } from "./onnx_proto.ts";

/** A k-nearest-neighbour graph: row `i`'s neighbours, most similar first, self excluded. */
export interface KnnGraph {
  /** Number of rows (points). */
  n: number;
  /** Neighbours per row. */
  k: number;
  /** Neighbour row indices, `n * k`, row `i` at `[i * k, (i + 1) * k)`. */
  indices: Int32Array;
  /** Similarities (dot products) matching `indices`, non-increasing within a row. */
  sims: Float32Array;
}

/** Options of {@link knnGraph}. */
export interface KnnOptions {
  /** Rows per block; default keeps one block's similarity matrix near 64 MB. */
  blockRows?: number;
  /** Intra-op threads for onnxruntime (default: its own choice, all cores). */
  threads?: number;
}

function checkK(x: Matrix, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`knn: k must be an integer >= 1, got ${k}`);
  return Math.min(k, Math.max(0, x.rows - 1));
}

/** The ONNX model: sims = a · xᵀ (Gemm, transB), then TopK(kk) along the last axis. */
export function knnModelBytes(dim: number): Uint8Array {
  return encodeModel({
    name: "knn_block",
    nodes: [
      { opType: "Gemm", inputs: ["a", "x"], outputs: ["s"], intAttrs: { transB: 1 } },
      { opType: "TopK", inputs: ["s", "kk"], outputs: ["vals", "idx"], intAttrs: { axis: -1 } },
    ],
    inputs: [
      { name: "a", elemType: ElemType.float, shape: ["b", dim] },
      { name: "x", elemType: ElemType.float, shape: ["n", dim] },
      { name: "kk", elemType: ElemType.int64, shape: [1] },
    ],
    outputs: [
      { name: "vals", elemType: ElemType.float, shape: ["b", "kk"] },
      { name: "idx", elemType: ElemType.int64, shape: ["b", "kk"] },
    ],
  });
}

/** Copies one row's top-(k+1) list into the graph, dropping `self` (or the last entry). */
function keepWithoutSelf(
  self: number,
  k: number,
  kk: number,
  idxAt: (j: number) => number,
  simAt: (j: number) => number,
  indices: Int32Array,
  sims: Float32Array,
): void {
  let out = self * k;
  const end = out + k;
  let skipped = false;
  for (let j = 0; j < kk && out < end; j++) {
    const t = idxAt(j);
    if (t === self && !skipped) {
      skipped = true;
      continue;
    }
    indices[out] = t;
    sims[out++] = simAt(j);
  }
}

/**
 * Exact k-nearest-neighbour graph of the rows of `x` (assumed L2-normalised), computed
 * block by block with onnxruntime. `k` is clamped to `rows - 1`.
 */
export async function knnGraph(x: Matrix, k: number, opts: KnnOptions = {}): Promise<KnnGraph> {
  const n = x.rows, d = x.cols;
  k = checkK(x, k);
  const indices = new Int32Array(n * k);
  const sims = new Float32Array(n * k);
  if (n === 0 || k === 0) return { n, k, indices, sims };
  const kk = Math.min(k + 1, n);
  const blockRows = Math.max(1, Math.min(n, opts.blockRows ?? Math.floor((16 << 20) / n)));
  const session = await ort.InferenceSession.create(knnModelBytes(d), {
    graphOptimizationLevel: "all",
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
  });
  try {
    const all = new ort.Tensor("float32", x.data, [n, d]);
    const kt = new ort.Tensor("int64", BigInt64Array.from([BigInt(kk)]), [1]);
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const b = Math.min(blockRows, n - r0);
      const a = new ort.Tensor("float32", x.data.subarray(r0 * d, (r0 + b) * d), [b, d]);
      const out = await session.run({ a, x: all, kk: kt });
      const vals = out.vals.data as Float32Array;
      const idx = out.idx.data as BigInt64Array;
      for (let i = 0; i < b; i++) {
        const o = i * kk;
        keepWithoutSelf(r0 + i, k, kk, (j) => Number(idx[o + j]), (j) => vals[o + j], indices, sims);
      }
      out.vals.dispose?.();
      out.idx.dispose?.();
    }
  } finally {
    await session.release();
  }
  return { n, k, indices, sims };
}

/**
 * Exact k-nearest-neighbour graph in plain JavaScript (O(n² d)); synchronous, for small
 * inputs and as the reference for {@link knnGraph}. Ties go to the lower row index.
 */
export function knnBruteForce(x: Matrix, k: number): KnnGraph {
  const n = x.rows, d = x.cols, data = x.data;
  k = checkK(x, k);
  const indices = new Int32Array(n * k);
  const sims = new Float32Array(n * k);
  const topS = new Float64Array(k);
  const topI = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let filled = 0;
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const oj = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += data[oi + c] * data[oj + c];
      s = Math.fround(s);
      if (filled === k && s <= topS[k - 1]) continue;
      let p = filled < k ? filled++ : k - 1;
      while (p > 0 && topS[p - 1] < s) {
        topS[p] = topS[p - 1];
        topI[p] = topI[p - 1];
        p--;
      }
      topS[p] = s;
      topI[p] = j;
    }
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = topI[t];
      sims[i * k + t] = topS[t];
    }
  }
  return { n, k, indices, sims };
}

/** The first `k` neighbours of each row of `g` (a copy); `k` must not exceed `g.k`. */
export function truncateKnn(g: KnnGraph, k: number): KnnGraph {
  if (k > g.k) throw new RangeError(`truncateKnn: graph has k=${g.k}, asked for ${k}`);
  if (k === g.k) return g;
  const indices = new Int32Array(g.n * k);
  const sims = new Float32Array(g.n * k);
  for (let i = 0; i < g.n; i++) {
    indices.set(g.indices.subarray(i * g.k, i * g.k + k), i * k);
    sims.set(g.sims.subarray(i * g.k, i * g.k + k), i * k);
  }
  return { n: g.n, k, indices, sims };
}
