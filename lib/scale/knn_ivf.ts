/**
 * Approximate k-NN graph for very large sets by an inverted file (IVF): the rows are split into
 * cells by spherical k-means (trained on a seeded sample), and each cell's rows are searched
 * exactly (the block model of lib/graph/knn.ts, ONNX Runtime's multi-threaded matrix product)
 * against the rows of the `probes` cells whose centres are nearest to its own. The lists are then
 * made more symmetric (an edge i -> j is offered to j), which recovers most neighbours across cell
 * borders. Work about `probes · n² / cells · d`: with `cells = sqrt(n)`, O(probes · n^1.5 · d), all
 * of it in large matrix products, which on a machine with few cores is much faster than building an
 * HNSW index one vector at a time. Memory O(n k) besides the vectors.
 *
 * Growing ({@link growIvf}): new rows are put in their nearest cell and searched against their
 * probe cells (old and new rows); an old row takes a new one when it beats its k-th neighbour.
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Matrix } from "../matrix.ts";
import { type KnnGraph, knnModelBytes } from "../graph/knn.ts";
import { seededRandom } from "../util/random.ts";
import { fillRow, type Growth, offer, topK, widen } from "./incremental.ts";

/** Options of {@link ivfGraph}. */
export interface IvfOptions {
  /** Cells (default round(sqrt(n)), at least 1). */
  cells?: number;
  /** Cells searched per cell, its own included (default 8). */
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
}

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

function session(d: number, threads?: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(knnModelBytes(d), {
    graphOptimizationLevel: "all",
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
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

/**
 * Searches `queries` (rows of `x`, all in cell `c`) against the rows of `c`'s probe cells, calling
 * `each(row, keys, sims)` with the top `kk` (global row numbers, self possibly among them).
 */
async function searchCell(
  s: ort.InferenceSession,
  x: Matrix,
  idx: IvfIndex,
  csr: { start: Int32Array; rows: Int32Array },
  c: number,
  queries: Int32Array,
  kk: number,
  stamp: { seen: Int32Array; id: number },
  each: (row: number, keys: Int32Array, sims: Float32Array) => void,
): Promise<void> {
  const baseRows: number[] = [];
  stamp.id++;
  for (let p = 0; p < idx.probes; p++) {
    const cc = idx.near[c * idx.probes + p];
    for (let t = csr.start[cc]; t < csr.start[cc + 1]; t++) {
      const r = csr.rows[t];
      if (stamp.seen[r] !== stamp.id) stamp.seen[r] = stamp.id, baseRows.push(r);
    }
  }
  const k = Math.min(kk, baseRows.length);
  const keys = new Int32Array(kk).fill(-1), sims = new Float32Array(kk).fill(-Infinity);
  await topK(s, gather(x, queries), gather(x, baseRows), x.cols, k, (r, ids, vals, o) => {
    for (let j = 0; j < k; j++) keys[j] = baseRows[Number(ids[o + j])], sims[j] = vals[o + j];
    each(queries[r], keys, sims);
  });
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

/** The IVF k-NN graph of `x` (unit rows; self excluded, most similar first, missing slots -1) and its cells. */
export async function ivfGraph(
  x: Matrix,
  k: number,
  opts: IvfOptions = {},
): Promise<{ graph: KnnGraph; index: IvfIndex }> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`ivfGraph: k must be an integer >= 1, got ${k}`);
  const n = x.rows, d = x.cols;
  k = Math.min(k, Math.max(0, n - 1));
  const cells = Math.max(1, Math.min(n, opts.cells ?? Math.round(Math.sqrt(n))));
  const probes = Math.max(1, Math.min(cells, opts.probes ?? 8));
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
  const s = await session(d, opts.threads);
  try {
    const centres = await trainCentres(s, x, cells, opts);
    const spill = Math.max(1, Math.min(cells, opts.spill ?? 2));
    const listedIn = await nearest(s, x.data, centres, d, spill);
    const cellOf = Int32Array.from({ length: n }, (_, i) => listedIn[i * spill]);
    const near = await nearest(s, centres, centres, d, probes);
    const index: IvfIndex = { dim: d, centres, cells, probes, near, cellOf, spill, listedIn };
    const own = members(cellOf, cells), csr = members(listedIn, cells, spill);
    const kk = Math.min(k + 1, n);
    const stamp = { seen: new Int32Array(n), id: 0 };
    for (let c = 0; c < cells; c++) {
      const q = own.rows.subarray(own.start[c], own.start[c + 1]);
      if (q.length === 0) continue;
      await searchCell(
        s,
        x,
        index,
        csr,
        c,
        q,
        kk,
        stamp,
        (row, keys, sims) => fillRow(graph, row, keys, sims, 0, kk),
      );
    }
    symmetrise(graph, 0);
    return { graph, index };
  } finally {
    await s.release();
  }
}

/**
 * Grows the IVF graph `g` of the first `g.n` rows of `x` to all of `x` (`idx` is updated: the new
 * rows get their cells). Work in proportion to the new rows (their probe cells only).
 */
export async function growIvf(g: KnnGraph, x: Matrix, idx: IvfIndex, threads?: number): Promise<Growth> {
  const n = g.n, total = x.rows, d = x.cols;
  if (total < n) throw new RangeError(`growIvf: ${total} rows, fewer than the graph's ${n}`);
  if (idx.cellOf.length !== n) {
    throw new RangeError(`growIvf: the index has ${idx.cellOf.length} rows, the graph ${n}`);
  }
  const out = widen(g, total, g.k);
  if (total === n || g.k === 0 || idx.cells === 0) return { graph: out, changedOldRows: 0 };
  const s = await session(d, threads);
  const changed = new Uint8Array(n);
  try {
    const sp = idx.spill;
    const listed = await nearest(s, x.data.subarray(n * d, total * d), idx.centres, d, sp);
    const fresh = Int32Array.from({ length: total - n }, (_, t) => listed[t * sp]);
    const cellOf = new Int32Array(total), listedIn = new Int32Array(total * sp);
    cellOf.set(idx.cellOf);
    cellOf.set(fresh, n);
    listedIn.set(idx.listedIn);
    listedIn.set(listed, n * sp);
    idx.cellOf = cellOf;
    idx.listedIn = listedIn;
    const csr = members(listedIn, idx.cells, sp);
    const stamp = { seen: new Int32Array(total), id: 0 };
    const byCell = new Map<number, number[]>();
    fresh.forEach((c, t) => {
      const l = byCell.get(c);
      if (l) l.push(n + t);
      else byCell.set(c, [n + t]);
    });
    const kk = Math.min(2 * out.k + 1, total);
    for (const [c, rows] of byCell) {
      await searchCell(s, x, idx, csr, c, Int32Array.from(rows), kk, stamp, (row, keys, sims) => {
        fillRow(out, row, keys, sims, 0, kk);
        for (let j = 0; j < kk; j++) {
          const u = keys[j];
          if (u >= 0 && u !== row && offer(out, u, row, sims[j]) && u < n) changed[u] = 1;
        }
      });
    }
  } finally {
    await s.release();
  }
  return { graph: out, changedOldRows: changed.reduce((a, b) => a + b, 0) };
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

/**
 * Writes the cells of an IVF graph to `path` (JSON header line, then the arrays as little-endian
 * binary: centres float32, near int32, cellOf int32, listedIn int32), beside the graph saved with
 * lib/scale/incremental.ts's saveGraph, so that a later run can grow both.
 */
export async function saveIvf(path: string, idx: IvfIndex): Promise<void> {
  const head = new TextEncoder().encode(
    JSON.stringify({
      dim: idx.dim,
      cells: idx.cells,
      probes: idx.probes,
      spill: idx.spill,
      rows: idx.cellOf.length,
    }) +
      "\n",
  );
  const parts = [idx.centres, idx.near, idx.cellOf, idx.listedIn];
  const body = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(head.length + body);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  await Deno.writeFile(`${path}.tmp`, out);
  await Deno.rename(`${path}.tmp`, path);
}

/** Reads cells written by {@link saveIvf}; a truncated or inconsistent file is refused naming it. */
export async function loadIvf(path: string): Promise<IvfIndex> {
  const bytes = await Deno.readFile(path);
  const nl = bytes.indexOf(10);
  let h: { dim: number; cells: number; probes: number; spill: number; rows: number };
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl)));
  } catch {
    throw new RangeError(`${path}: not an IVF cells file (no header)`);
  }
  const sizes = [h.cells * h.dim, h.cells * h.probes, h.rows, h.rows * h.spill];
  const want = nl + 1 + 4 * sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== want) throw new RangeError(`${path}: ${bytes.length} bytes, expected ${want}`);
  const body = bytes.slice(nl + 1).buffer;
  let o = 0;
  const take = <T>(make: (b: ArrayBuffer, o: number, n: number) => T, n: number): T => {
    const v = make(body, o, n);
    o += 4 * n;
    return v;
  };
  const centres = take((b, o, n) => new Float32Array(b, o, n), sizes[0]);
  const near = take((b, o, n) => new Int32Array(b, o, n), sizes[1]);
  const cellOf = take((b, o, n) => new Int32Array(b, o, n), sizes[2]);
  const listedIn = take((b, o, n) => new Int32Array(b, o, n), sizes[3]);
  return { dim: h.dim, centres, cells: h.cells, probes: h.probes, near, cellOf, spill: h.spill, listedIn };
}
