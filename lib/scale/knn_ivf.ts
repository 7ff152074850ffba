/**
 * Approximate k-NN graph for very large sets by an inverted file (IVF): the rows are split into
 * cells by spherical k-means (trained on a seeded sample), and each cell's rows are searched
 * exactly against the rows listed in the `probes` cells whose centres are nearest to its own (each
 * row is listed in its `spill` nearest cells). The lists are then made more symmetric (an edge
 * i -> j is offered to j), which recovers most neighbours across cell borders. Work about
 * `probes · spill · n² / cells · d`, all of it in large matrix products through ONNX Runtime; the
 * rows of a block are gathered inside the model (a `Gather` node over the whole matrix, passed
 * without a copy), not copied in JavaScript. Memory O(n k) besides the vectors.
 *
 * Growing ({@link growIvf}): the cells stay; the new rows are put in their cells, and every cell
 * whose probe set lists a new row is searched against those new rows only (one product of its rows
 * by the new rows): the new rows and the old ones take each other where they beat a list's k-th
 * neighbour. Work in proportion to the new rows (`m · probes · spill · n / cells · d`), besides
 * reading each touched cell's rows once.
 * @module
 */
import * as ort from "onnxruntime-node";
import process from "node:process";
import type { Matrix } from "../matrix.ts";
import { type KnnGraph, knnModelBytes } from "../graph/knn.ts";
import { ElemType, encodeModel } from "../graph/onnx_proto.ts";
import { seededRandom } from "../util/random.ts";
import { fillRow, type Growth, offer, topK, widen } from "./incremental.ts";

/** Options of {@link ivfGraph}. */
export interface IvfOptions {
  /** Cells (default round(2 sqrt(n)), at least 1). */
  cells?: number;
  /** Cells searched per cell, its own included (default {@link DEFAULT_PROBES}). */
  probes?: number;
  /** Cells each row is listed in as a candidate (its nearest; default 2): fewer neighbours lost at cell borders. */
  spill?: number;
  /** Rows k-means is trained on (default min(n, 40 x cells)). */
  sample?: number;
  /** k-means iterations (default 6). */
  iterations?: number;
  /** Seed (default 1). */
  seed?: number;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /** When given, filled with the wall and CPU seconds of each phase (train, assign, search, symmetrise) and the candidates scored. */
  timings?: IvfTimings;
}

/** Wall and CPU seconds (the process, all threads) of one phase. */
export interface PhaseTime {
  /** Wall seconds. */
  seconds: number;
  /** CPU seconds of the process, all threads. */
  cpuSeconds: number;
}

/** Where the time of {@link ivfGraph} went, and how much was scored. */
export interface IvfTimings {
  /** k-means on the sample. */
  train?: PhaseTime;
  /** Every row's `spill` nearest centres, and each cell's `probes` nearest cells. */
  assign?: PhaseTime;
  /** The cells' products and top-k (ONNX Runtime) with the lists written. */
  search?: PhaseTime;
  /** Offering every edge to its other end. */
  symmetrise?: PhaseTime;
  /** Query-candidate pairs scored (sum over cells of queries x distinct candidates). */
  candidates?: number;
}

/** Default cells searched per cell (with cells = 2 sqrt(n) and spill 2; figures in the README). */
export const DEFAULT_PROBES = 8;

/** The cells of an IVF graph, kept so that it can grow. */
export interface IvfIndex {
  /** Dimensions. */
  dim: number;
  /** Cell centres, `cells x dim`, unit rows. */
  centres: Float32Array;
  /** Number of cells. */
  cells: number;
  /** Cells searched per cell. */
  probes: number;
  /** The `probes` nearest cells of each cell (itself first), `cells x probes`. */
  near: Int32Array;
  /** Cell of each row. */
  cellOf: Int32Array;
  /** Cells each row is a candidate in. */
  spill: number;
  /** The `spill` nearest cells of each row, `rows x spill`. */
  listedIn: Int32Array;
}

/**
 * The block model: rows `qi` and `bi` of `x` gathered inside the model, their products, and the
 * top `kk` of each `qi` row (`vals`, `idx` into `bi`); with `full`, the products `s` instead.
 */
function ivfBlockModel(d: number, full = false): Uint8Array {
  const idx = (name: string, dim: string) => ({ name, elemType: ElemType.int32, shape: [dim] });
  return encodeModel({
    name: full ? "ivf_products" : "ivf_block",
    nodes: [
      { opType: "Gather", inputs: ["x", "qi"], outputs: ["a"], intAttrs: { axis: 0 } },
      { opType: "Gather", inputs: ["x", "bi"], outputs: ["b"], intAttrs: { axis: 0 } },
      { opType: "Gemm", inputs: ["a", "b"], outputs: ["s"], intAttrs: { transB: 1 } },
      ...(full
        ? []
        : [{ opType: "TopK", inputs: ["s", "kk"], outputs: ["vals", "idx"], intAttrs: { axis: -1 } }]),
    ],
    inputs: [
      { name: "x", elemType: ElemType.float, shape: ["n", d] },
      idx("qi", "q"),
      idx("bi", "m"),
      ...(full ? [] : [{ name: "kk", elemType: ElemType.int64, shape: [1] }]),
    ],
    outputs: full ? [{ name: "s", elemType: ElemType.float, shape: ["q", "m"] }] : [
      { name: "vals", elemType: ElemType.float, shape: ["q", "k"] },
      { name: "idx", elemType: ElemType.int64, shape: ["q", "k"] },
    ],
  });
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function session(model: Uint8Array, threads?: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    graphOptimizationLevel: "all",
    ...(threads ? { intraOpNumThreads: threads } : {}),
    // Idle intra-op threads sleep instead of spinning: less CPU taken from the JavaScript thread
    // and from other work on a machine with few cores.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  } as ort.InferenceSession.SessionOptions);
}

function gather(x: Matrix, rows: ArrayLike<number>): Float32Array {
  const d = x.cols, out = new Float32Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) out.set(x.data.subarray(rows[t] * d, (rows[t] + 1) * d), t * d);
  return out;
}

/** Nearest centre of each row of `data` (`top` nearest when asked), flat. */
async function nearest(
  s: ort.InferenceSession,
  data: Float32Array,
  centres: Float32Array,
  d: number,
  top = 1,
) {
  const out = new Int32Array((data.length / d) * top);
  await topK(s, data, centres, d, top, (r, idx, _v, o) => {
    for (let j = 0; j < top; j++) out[r * top + j] = Number(idx[o + j]);
  });
  return out;
}

/** Spherical k-means centres of a seeded sample of `x`. */
async function trainCentres(s: ort.InferenceSession, x: Matrix, cells: number, opts: IvfOptions) {
  const d = x.cols, random = seededRandom(opts.seed ?? 1);
  const m = Math.min(x.rows, opts.sample ?? 40 * cells);
  const pick = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) pick[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (x.rows - i));
    [pick[i], pick[j]] = [pick[j], pick[i]];
  }
  const sample = gather(x, pick.subarray(0, m));
  const centres = sample.slice(0, cells * d);
  for (let it = 0; it < (opts.iterations ?? 6); it++) {
    const cell = await nearest(s, sample, centres, d);
    const sums = new Float64Array(cells * d), count = new Int32Array(cells);
    for (let i = 0; i < m; i++) {
      count[cell[i]]++;
      for (let c = 0, o = cell[i] * d, oi = i * d; c < d; c++) sums[o + c] += sample[oi + c];
    }
    for (let c = 0; c < cells; c++) {
      if (count[c] === 0) { // an empty cell restarts at a random sample row
        const r = Math.floor(random() * m);
        centres.set(sample.subarray(r * d, (r + 1) * d), c * d);
        continue;
      }
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += sums[c * d + j] ** 2;
      nrm = Math.sqrt(nrm) || 1;
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / nrm;
    }
  }
  return centres;
}

/** Rows listed in each cell (CSR); `cellOf` holds `per` cells per row. */
function members(cellOf: Int32Array, cells: number, per = 1): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(cells + 1);
  for (const c of cellOf) start[c + 1]++;
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cells), rows = new Int32Array(cellOf.length);
  cellOf.forEach((c, t) => rows[fill[c]++] = Math.floor(t / per));
  return { start, rows };
}

/** The distinct rows listed in the probe cells of cell `c` (`stamp` marks rows already taken). */
function probeRows(
  idx: IvfIndex,
  csr: { start: Int32Array; rows: Int32Array },
  c: number,
  stamp: { seen: Int32Array; id: number },
  out: Int32Array,
): number {
  let m = 0;
  stamp.id++;
  for (let p = 0; p < idx.probes; p++) {
    const cc = idx.near[c * idx.probes + p];
    for (let t = csr.start[cc]; t < csr.start[cc + 1]; t++) {
      const r = csr.rows[t];
      if (stamp.seen[r] !== stamp.id) stamp.seen[r] = stamp.id, out[m++] = r;
    }
  }
  return m;
}

/** Offers every edge i -> j of rows `from..` to j (more symmetric lists, better recall). */
function symmetrise(g: KnnGraph, from: number): void {
  for (let i = from; i < g.n; i++) {
    for (let t = 0; t < g.k; t++) {
      const j = g.indices[i * g.k + t];
      if (j >= 0) offer(g, j, i, g.sims[i * g.k + t]);
    }
  }
}

/** Largest number of products held at once (floats of one block's `s`). */
const BLOCK_PRODUCTS = 16 << 20;

/** The IVF k-NN graph of `x` (unit rows; self excluded, most similar first, missing slots -1) and its cells. */
export async function ivfGraph(
  x: Matrix,
  k: number,
  opts: IvfOptions = {},
): Promise<{ graph: KnnGraph; index: IvfIndex }> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`ivfGraph: k must be an integer >= 1, got ${k}`);
  const n = x.rows, d = x.cols;
  k = Math.min(k, Math.max(0, n - 1));
  const cells = Math.max(1, Math.min(n, opts.cells ?? Math.round(2 * Math.sqrt(n))));
  const probes = Math.max(1, Math.min(cells, opts.probes ?? DEFAULT_PROBES));
  const graph = widen({ n: 0, k, indices: new Int32Array(0), sims: new Float32Array(0) }, n, k);
  if (n === 0 || k === 0) {
    const index = {
      dim: d,
      centres: new Float32Array(0),
      cells: 0,
      probes,
      near: new Int32Array(0),
      cellOf: new Int32Array(n),
      spill: 1,
      listedIn: new Int32Array(n),
    };
    return { graph, index };
  }
  const t = opts.timings;
  let t0 = performance.now(), c0 = cpuSeconds();
  const lap = (key: "train" | "assign" | "search" | "symmetrise") => {
    const now = performance.now(), c = cpuSeconds();
    if (t) t[key] = { seconds: +((now - t0) / 1000).toFixed(3), cpuSeconds: +(c - c0).toFixed(3) };
    t0 = now, c0 = c;
  };
  const s = await session(ivfBlockModel(d), opts.threads);
  const sk = await session(knnModelBytes(d), opts.threads);
  try {
    const centres = await trainCentres(sk, x, cells, opts);
    lap("train");
    const spill = Math.max(1, Math.min(cells, opts.spill ?? 2));
    const listedIn = await nearest(sk, x.data, centres, d, spill);
    const cellOf = Int32Array.from({ length: n }, (_, i) => listedIn[i * spill]);
    const near = await nearest(sk, centres, centres, d, probes);
    const index: IvfIndex = { dim: d, centres, cells, probes, near, cellOf, spill, listedIn };
    lap("assign");
    const own = members(cellOf, cells), csr = members(listedIn, cells, spill);
    const kk = Math.min(k + 1, n);
    const stamp = { seen: new Int32Array(n), id: 0 };
    const base = new Int32Array(n);
    const all = new ort.Tensor("float32", x.data.subarray(0, n * d), [n, d]);
    const kt = new ort.Tensor("int64", BigInt64Array.from([BigInt(kk)]), [1]);
    let candidates = 0;
    for (let c = 0; c < cells; c++) {
      const q = own.rows.subarray(own.start[c], own.start[c + 1]);
      if (q.length === 0) continue;
      const m = probeRows(index, csr, c, stamp, base);
      candidates += q.length * m;
      const bi = base.slice(0, m);
      const kc = Math.min(kk, m);
      const kct = kc === kk ? kt : new ort.Tensor("int64", BigInt64Array.from([BigInt(kc)]), [1]);
      const block = Math.max(1, Math.min(q.length, Math.floor(BLOCK_PRODUCTS / m)));
      const bt = new ort.Tensor("int32", bi, [m]);
      for (let r0 = 0; r0 < q.length; r0 += block) {
        const qi = q.slice(r0, Math.min(q.length, r0 + block));
        const out = await s.run({ x: all, qi: new ort.Tensor("int32", qi, [qi.length]), bi: bt, kk: kct });
        const ids = out.idx.data as BigInt64Array, vals = out.vals.data as Float32Array;
        const keys = Int32Array.from(ids, (v) => bi[Number(v)]);
        for (let r = 0; r < qi.length; r++) fillRow(graph, qi[r], keys, vals, r * kc, kc);
        out.vals.dispose?.();
        out.idx.dispose?.();
      }
    }
    if (t) t.candidates = candidates;
    lap("search");
    symmetrise(graph, 0);
    lap("symmetrise");
    return { graph, index };
  } finally {
    await s.release();
    await sk.release();
  }
}
/**
 * Grows the IVF graph `g` of the first `g.n` rows of `x` to all of `x`; `idx` is updated (the new
 * rows get their cells; the centres stay). For each cell, the new rows listed in its probe cells
 * are scored against the cell's own rows (old and new) in one product, and each pair is offered
 * to both lists (taken where it beats the list's k-th neighbour): the pairs a rebuild with the
 * same cells would score for these rows, in work proportional to the new rows. The old graph is
 * left as it was.
 */
export async function growIvf(g: KnnGraph, x: Matrix, idx: IvfIndex, threads?: number): Promise<Growth> {
  const n = g.n, total = x.rows, d = x.cols;
  if (total < n) throw new RangeError(`growIvf: ${total} rows, fewer than the graph's ${n}`);
  if (idx.cellOf.length !== n) {
    throw new RangeError(`growIvf: the index has ${idx.cellOf.length} rows, the graph ${n}`);
  }
  const out = widen(g, total, g.k);
  if (total === n || g.k === 0 || idx.cells === 0) return { graph: out, changedOldRows: 0 };
  const k = out.k, sp = idx.spill;
  const sk = await session(knnModelBytes(d), threads);
  const s = await session(ivfBlockModel(d, true), threads);
  const changed = new Uint8Array(n);
  let scored = 0;
  try {
    const listed = await nearest(sk, x.data.subarray(n * d, total * d), idx.centres, d, sp);
    const cellOf = new Int32Array(total), listedIn = new Int32Array(total * sp);
    cellOf.set(idx.cellOf);
    for (let t = 0; t < total - n; t++) cellOf[n + t] = listed[t * sp];
    listedIn.set(idx.listedIn);
    listedIn.set(listed, n * sp);
    idx.cellOf = cellOf;
    idx.listedIn = listedIn;
    const fresh = members(listed, idx.cells, sp); // new rows (from 0) listed in each cell
    const own = members(cellOf, idx.cells);
    const stamp = { seen: new Int32Array(total - n), id: 0 };
    const a = new Int32Array(total - n);
    const all = new ort.Tensor("float32", x.data.subarray(0, total * d), [total, d]);
    for (let c = 0; c < idx.cells; c++) {
      const b = own.rows.subarray(own.start[c], own.start[c + 1]);
      if (b.length === 0) continue;
      const m = probeRows(idx, fresh, c, stamp, a);
      if (m === 0) continue;
      for (let t = 0; t < m; t++) a[t] += n; // rows of x, not of the new rows
      scored += m * b.length;
      const bt = new ort.Tensor("int32", b.slice(), [b.length]);
      const block = Math.max(1, Math.min(m, Math.floor(BLOCK_PRODUCTS / b.length)));
      for (let r0 = 0; r0 < m; r0 += block) {
        const qi = a.slice(r0, Math.min(m, r0 + block));
        const res = await s.run({ x: all, qi: new ort.Tensor("int32", qi, [qi.length]), bi: bt });
        const sims = res.s.data as Float32Array;
        for (let r = 0; r < qi.length; r++) {
          const v = qi[r], lastV = v * k + k - 1;
          for (let j = 0, o = r * b.length; j < b.length; j++) {
            const u = b[j], sim = sims[o + j];
            if (u === v) continue;
            if (sim > out.sims[lastV]) offer(out, v, u, sim);
            if (sim > out.sims[u * k + k - 1] && offer(out, u, v, sim) && u < n) changed[u] = 1;
          }
        }
        res.s.dispose?.();
      }
    }
  } finally {
    await s.release();
    await sk.release();
  }
  return { graph: out, changedOldRows: changed.reduce((a, b) => a + b, 0), scored };
}
/** Share of the exact graph's edges of similarity >= `minSim` that `approx` also holds (the edges a clustering at that threshold reads). */
export function recallAbove(exact: KnnGraph, approx: KnnGraph, minSim: number): number {
  let hit = 0, all = 0;
  for (let i = 0; i < exact.n; i++) {
    let got: Set<number> | undefined;
    for (let t = 0; t < exact.k; t++) {
      if (exact.sims[i * exact.k + t] < minSim) break;
      got ??= new Set(approx.indices.subarray(i * approx.k, (i + 1) * approx.k));
      all++;
      if (got.has(exact.indices[i * exact.k + t])) hit++;
    }
  }
  return all === 0 ? 1 : hit / all;
}
