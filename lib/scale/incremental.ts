/**
 * A k-NN graph that grows with the photos: adding m faces to an n-face graph costs in proportion to
 * m, not a rebuild.
 *
 * - Exact ({@link growExact}): the new rows' neighbours are found against all n + m rows, and every
 *   old row's list is merged with its best among the m new rows (an n x m block product through
 *   ONNX Runtime, the same two-node model as lib/graph/knn.ts): the result equals a rebuild's graph
 *   (up to ties and float rounding), for O((n + m) m d) work instead of O((n + m)² d).
 * - Approximate ({@link growApprox}): the usearch (HNSW) index of the graph is kept; the new vectors
 *   are added to it and searched (2k candidates each); a new face enters an old face's list when it
 *   is closer than that face's k-th neighbour. Work O(m log n); the graph stays within the
 *   approximate search's own tolerance of a rebuild (measured by the test and lib/bench/scale.ts).
 *
 * The graph and the index are saved in a folder ({@link saveGraph}, {@link saveIndex}) so that a
 * later run over a grown photo folder reads them back instead of starting again.
 * @module
 */
import * as ort from "onnxruntime-node";
import usearch from "usearch";
import type { Matrix } from "../matrix.ts";
import { type KnnGraph, knnModelBytes } from "../graph/knn.ts";

/** Settings of the HNSW index (kept with it: a reloaded index needs the same). */
export interface ApproxIndexOptions {
  /** HNSW graph degree (default 16). */
  connectivity?: number;
  /** Candidate list size while building (default 64). */
  expansionAdd?: number;
  /** Candidate list size while searching (default max(64, 2 (k + 1))). */
  expansionSearch?: number;
  /** Vector storage in the index: "f32" or "f16" (default "f16": half the memory). */
  quantization?: "f32" | "f16";
  /** Threads (default 0: all cores). */
  threads?: number;
}

/** A usearch index over the rows of a matrix (key = row), with the settings it was made with. */
export interface ApproxIndex {
  /** The index. */
  index: InstanceType<typeof usearch.Index>;
  /** Its dimensions. */
  dim: number;
  /** Its settings. */
  options: Required<Omit<ApproxIndexOptions, "threads">>;
}

function settings(k: number, opts: ApproxIndexOptions): ApproxIndex["options"] {
  return {
    connectivity: opts.connectivity ?? 16,
    expansionAdd: opts.expansionAdd ?? 64,
    expansionSearch: opts.expansionSearch ?? Math.max(64, 2 * (k + 1)),
    quantization: opts.quantization ?? "f16",
  };
}

/** A new, empty index of `dim` dimensions. */
export function newIndex(dim: number, k: number, opts: ApproxIndexOptions = {}): ApproxIndex {
  const o = settings(k, opts);
  const index = new usearch.Index({
    dimensions: dim,
    metric: "cos" as never,
    quantization: o.quantization as never,
    connectivity: o.connectivity,
    expansion_add: o.expansionAdd,
    expansion_search: o.expansionSearch,
    multi: false,
  });
  return { index, dim, options: o };
}

/** Adds rows `from..x.rows-1` of `x` to `idx` (keys = row numbers). */
function addRows(idx: ApproxIndex, x: Matrix, from: number, threads: number): void {
  if (x.rows <= from) return;
  const keys = BigUint64Array.from({ length: x.rows - from }, (_, i) => BigInt(from + i));
  idx.index.add(keys, x.data.subarray(from * x.cols, x.rows * x.cols), threads);
}

/** Searches rows `from..` of `x` for `kk` neighbours: keys and similarities per row (-1 / -Infinity when missing). */
function searchRows(
  idx: ApproxIndex,
  x: Matrix,
  from: number,
  kk: number,
  threads: number,
): { keys: Int32Array; sims: Float32Array } {
  const m = x.rows - from;
  const keys = new Int32Array(m * kk).fill(-1);
  const sims = new Float32Array(m * kk).fill(-Infinity);
  if (m === 0) return { keys, sims };
  const res = idx.index.search(x.data.subarray(from * x.cols, x.rows * x.cols), kk, threads) as unknown as {
    keys: BigUint64Array;
    distances: Float32Array;
    counts?: BigUint64Array;
  };
  for (let i = 0; i < m; i++) {
    const found = res.counts ? Number(res.counts[i]) : res.keys.length;
    for (let j = 0; j < Math.min(found, kk); j++) {
      keys[i * kk + j] = Number(res.keys[i * kk + j]);
      sims[i * kk + j] = 1 - res.distances[i * kk + j];
    }
  }
  return { keys, sims };
}

/** Writes row `i`'s list from candidates (self dropped), most similar first; empty slots -1. */
export function fillRow(
  g: KnnGraph,
  i: number,
  keys: Int32Array,
  sims: Float32Array,
  o: number,
  kk: number,
): void {
  let out = i * g.k;
  const end = out + g.k;
  for (let j = 0; j < kk && out < end; j++) {
    const t = keys[o + j];
    if (t < 0 || t === i) continue;
    g.indices[out] = t;
    g.sims[out++] = sims[o + j];
  }
  for (; out < end; out++) g.indices[out] = -1, g.sims[out] = -Infinity;
}

/** Puts `t` (similarity `s`) into row `i`'s sorted list if it beats the last entry; true if it did. */
export function offer(g: KnnGraph, i: number, t: number, s: number): boolean {
  const o = i * g.k;
  if (g.k === 0 || !(s > g.sims[o + g.k - 1])) return false;
  for (let j = 0; j < g.k; j++) if (g.indices[o + j] === t) return false;
  let p = g.k - 1;
  while (p > 0 && g.sims[o + p - 1] < s) {
    g.indices[o + p] = g.indices[o + p - 1];
    g.sims[o + p] = g.sims[o + p - 1];
    p--;
  }
  g.indices[o + p] = t;
  g.sims[o + p] = s;
  return true;
}

/** `g` with room for `rows` rows (the old rows copied, new ones empty). */
export function widen(g: KnnGraph, rows: number, k: number): KnnGraph {
  const indices = new Int32Array(rows * k).fill(-1);
  const sims = new Float32Array(rows * k).fill(-Infinity);
  indices.set(g.indices);
  sims.set(g.sims);
  return { n: rows, k, indices, sims };
}

/** An approximate k-NN graph of `x` and the index it came from (kept for {@link growApprox}). */
export function approxGraph(
  x: Matrix,
  k: number,
  opts: ApproxIndexOptions = {},
): { graph: KnnGraph; index: ApproxIndex } {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`approxGraph: k must be an integer >= 1, got ${k}`);
  k = Math.min(k, Math.max(0, x.rows - 1));
  const idx = newIndex(x.cols, k, opts);
  const threads = opts.threads ?? 0;
  const g: KnnGraph = {
    n: x.rows,
    k,
    indices: new Int32Array(x.rows * k),
    sims: new Float32Array(x.rows * k),
  };
  if (x.rows === 0 || k === 0) return { graph: g, index: idx };
  addRows(idx, x, 0, threads);
  const kk = Math.min(k + 1, x.rows);
  const { keys, sims } = searchRows(idx, x, 0, kk, threads);
  for (let i = 0; i < x.rows; i++) fillRow(g, i, keys, sims, i * kk, kk);
  return { graph: g, index: idx };
}

/** What a growth did. */
export interface Growth {
  /** The graph over all rows. */
  graph: KnnGraph;
  /** Old rows whose neighbour list changed. */
  changedOldRows: number;
  /** Pairs of rows whose similarity was computed (when the method counts them: lib/scale/knn_ivf.ts growIvf). */
  scored?: number;
}

/**
 * Grows the approximate graph `g` of the first `g.n` rows of `x` to all of `x`: the new rows are
 * added to `idx` (which must hold the old rows) and searched; old lists take the new faces that
 * beat their k-th neighbour. The graph keeps its k (a graph of one row, k = 0, stays at 0).
 */
export function growApprox(g: KnnGraph, x: Matrix, idx: ApproxIndex, threads = 0): Growth {
  const n = g.n, total = x.rows;
  if (total < n) throw new RangeError(`growApprox: ${total} rows, fewer than the graph's ${n}`);
  if (idx.index.size() !== n) {
    throw new RangeError(`growApprox: the index holds ${idx.index.size()} rows, the graph ${n}`);
  }
  const out = widen(g, total, g.k);
  addRows(idx, x, n, threads);
  const kk = Math.min(2 * out.k + 1, total);
  const { keys, sims } = searchRows(idx, x, n, kk, threads);
  const changed = new Uint8Array(n);
  for (let i = n; i < total; i++) {
    const o = (i - n) * kk;
    fillRow(out, i, keys, sims, o, kk);
    for (let j = 0; j < kk; j++) {
      const u = keys[o + j];
      if (u >= 0 && u !== i && offer(out, u, i, sims[o + j]) && u < n) changed[u] = 1;
    }
  }
  return { graph: out, changedOldRows: changed.reduce((a, b) => a + b, 0) };
}

/** Runs the rows of `queries` against `base` through the block model (lib/graph/knn.ts): top `kk` per row. */
export async function topK(
  session: ort.InferenceSession,
  queries: Float32Array,
  base: Float32Array,
  d: number,
  kk: number,
  each: (row: number, idx: BigInt64Array, vals: Float32Array, o: number) => void,
): Promise<void> {
  const nq = queries.length / d, nb = base.length / d;
  if (nq === 0 || nb === 0 || kk === 0) return;
  const all = new ort.Tensor("float32", base, [nb, d]);
  const kt = new ort.Tensor("int64", BigInt64Array.from([BigInt(kk)]), [1]);
  const block = Math.max(1, Math.min(nq, Math.floor((16 << 20) / nb)));
  for (let r0 = 0; r0 < nq; r0 += block) {
    const b = Math.min(block, nq - r0);
    const a = new ort.Tensor("float32", queries.subarray(r0 * d, (r0 + b) * d), [b, d]);
    const out = await session.run({ a, x: all, kk: kt });
    const idx = out.idx.data as BigInt64Array, vals = out.vals.data as Float32Array;
    for (let i = 0; i < b; i++) each(r0 + i, idx, vals, i * kk);
    out.vals.dispose?.();
    out.idx.dispose?.();
  }
}

/**
 * Grows the exact graph `g` of the first `g.n` rows of `x` to all of `x` (see the module doc):
 * equal to `knnGraph(x, g.k)` up to ties.
 */
export async function growExact(g: KnnGraph, x: Matrix, threads = 0): Promise<Growth> {
  const n = g.n, total = x.rows, d = x.cols;
  if (total < n) throw new RangeError(`growExact: ${total} rows, fewer than the graph's ${n}`);
  const k = g.k;
  const out = widen(g, total, k);
  const changed = new Uint8Array(n);
  if (total === n || k === 0) return { graph: out, changedOldRows: 0 };
  const session = await ort.InferenceSession.create(knnModelBytes(d), {
    graphOptimizationLevel: "all",
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
  try {
    const fresh = x.data.subarray(n * d, total * d);
    // New rows against every row (self dropped).
    const kk = Math.min(k + 1, total);
    const keys = new Int32Array(kk), sims = new Float32Array(kk);
    await topK(session, fresh, x.data.subarray(0, total * d), d, kk, (r, idx, vals, o) => {
      for (let j = 0; j < kk; j++) keys[j] = Number(idx[o + j]), sims[j] = vals[o + j];
      fillRow(out, n + r, keys, sims, 0, kk);
    });
    // Old rows against the new rows only: their best new faces merged into their lists.
    const km = Math.min(k, total - n);
    await topK(session, x.data.subarray(0, n * d), fresh, d, km, (r, idx, vals, o) => {
      for (let j = 0; j < km; j++) {
        if (!offer(out, r, n + Number(idx[o + j]), vals[o + j])) break;
        changed[r] = 1;
      }
    });
  } finally {
    await session.release();
  }
  return { graph: out, changedOldRows: changed.reduce((a, b) => a + b, 0) };
}

/** Writes `g` to `path` (little-endian: n, k as uint32, then indices int32, then sims float32). */
export async function saveGraph(path: string, g: KnnGraph): Promise<void> {
  const head = new Uint32Array([g.n, g.k]);
  const bytes = new Uint8Array(8 + g.indices.byteLength + g.sims.byteLength);
  bytes.set(new Uint8Array(head.buffer), 0);
  bytes.set(new Uint8Array(g.indices.buffer, g.indices.byteOffset, g.indices.byteLength), 8);
  bytes.set(new Uint8Array(g.sims.buffer, g.sims.byteOffset, g.sims.byteLength), 8 + g.indices.byteLength);
  const tmp = `${path}.tmp`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}

/** Reads a graph written by {@link saveGraph}; a short or inconsistent file is refused naming it. */
export async function loadGraph(path: string): Promise<KnnGraph> {
  const bytes = await Deno.readFile(path);
  if (bytes.length < 8) throw new RangeError(`${path}: not a k-NN graph file (${bytes.length} bytes)`);
  const head = new Uint32Array(bytes.slice(0, 8).buffer);
  const [n, k] = [head[0], head[1]];
  if (bytes.length !== 8 + 8 * n * k) {
    throw new RangeError(`${path}: ${bytes.length} bytes, expected ${8 + 8 * n * k} for n=${n}, k=${k}`);
  }
  const body = bytes.slice(8);
  return {
    n,
    k,
    indices: new Int32Array(body.buffer, 0, n * k),
    sims: new Float32Array(body.buffer, 4 * n * k, n * k),
  };
}

/** Saves the index (usearch's own format) to `path`, its settings beside it in `path.json`. */
export async function saveIndex(path: string, idx: ApproxIndex): Promise<void> {
  idx.index.save(path);
  await Deno.writeTextFile(`${path}.json`, JSON.stringify({ dim: idx.dim, ...idx.options }) + "\n");
}

/** Loads an index saved by {@link saveIndex}. */
export async function loadIndex(path: string): Promise<ApproxIndex> {
  const o = JSON.parse(await Deno.readTextFile(`${path}.json`));
  const idx = newIndex(o.dim, 1, o);
  idx.index.load(path);
  return idx;
}
