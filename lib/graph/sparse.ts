/**
 * Sparse symmetric neighbour graphs (CSR) derived from a k-NN graph: the thresholded
 * graph that graph methods cluster, and the exact radius (eps) graph that DBSCAN and OPTICS
 * need.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "./knn.ts";
import { OnnxProducts } from "./onnx_products.ts";

/** An undirected graph in CSR form; each edge appears once per endpoint. */
export interface SparseGraph {
  /** Number of nodes. */
  n: number;
  /** Row offsets, length `n + 1`. */
  offsets: Int32Array;
  /** Neighbour of each entry. */
  targets: Int32Array;
  /** Similarity (dot product) of each entry. */
  sims: Float32Array;
}

/**
 * Returns the order of `keys` ascending (stable for equal keys). Keys must be >= 0; fast
 * path packs float32 bits and index into one float64 when there are at most 2^21 keys.
 */
export function argsortAscending(keys: Float32Array): Uint32Array {
  const m = keys.length;
  if (m <= 1 << 21) {
    const bits = new Uint32Array(new Float32Array(m).buffer);
    const f = new Float32Array(bits.buffer);
    for (let i = 0; i < m; i++) f[i] = keys[i] > 0 ? keys[i] : 0;
    const packed = new Float64Array(m);
    for (let i = 0; i < m; i++) packed[i] = bits[i] * 2097152 + i;
    packed.sort();
    const out = new Uint32Array(m);
    for (let i = 0; i < m; i++) out[i] = packed[i] % 2097152;
    return out;
  }
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  return order.sort((a, b) => (keys[a] - keys[b]) || (a - b));
}

/** Builds a CSR graph from undirected pairs, dropping self-loops and keeping one copy of duplicates. */
export function fromPairs(
  n: number,
  a: Int32Array,
  b: Int32Array,
  s: Float32Array,
  count: number,
): SparseGraph {
  // Bucket each pair under its lower end, then sort and dedupe each (short) bucket.
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

/**
 * The symmetrised k-NN graph keeping edges with similarity >= `minSim` (an edge is kept
 * when either endpoint lists the other). Each row's neighbours come in ascending order; an
 * edge listed by both ends (or twice by one) appears once, with the similarity listed by the
 * lower row (the same graph as {@link fromPairs} of the listed pairs, which a test checks).
 * Linear time, no allocation per row: the reverse lists are gathered by a counting sort, and
 * each row's own list, sorted in a small scratch, is merged with its reverse list.
 */
export function thresholdedGraph(g: KnnGraph, minSim: number): SparseGraph {
  const n = g.n, k = g.k, idx = g.indices, gs = g.sims;
  if (k > 1024) return thresholdedGraphWide(g, minSim);
  // Listed prefix of each row (sims are non-increasing), and the reverse lists' sizes.
  const kept = new Int32Array(n);
  const inStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let c = 0;
    while (c < k && !(gs[o + c] < minSim) && idx[o + c] >= 0) {
      const j = idx[o + c];
      if (j !== i) inStart[j + 1]++;
      c++;
    }
    kept[i] = c;
  }
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i];
  // Reverse lists in source order (so a source's first listing comes first), source and
  // similarity side by side in one buffer (one cache line written per entry).
  const rev = new ArrayBuffer(8 * inStart[n]);
  const inSrc = new Int32Array(rev), inSim = new Float32Array(rev);
  const fill = inStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = i * k, end = t + kept[i]; t < end; t++) {
      const j = idx[t];
      if (j === i) continue;
      const at = 2 * fill[j]++;
      inSrc[at] = i;
      inSim[at + 1] = gs[t];
    }
  }
  // Each row's own list sorted by neighbour into `key` (`j * 1024 + slot`: a repeated neighbour's
  // first listing first), then merged with its reverse list (ascending): twice, once to count
  // the row's neighbours and once to write them; sorting a short list in cache costs less than
  // marking its neighbours in an n-long array.
  const key = new Float64Array(k);
  const sortOwn = (i: number): number => {
    const o = i * k, c = kept[i];
    for (let t = 0; t < c; t++) key[t] = idx[o + t] * 1024 + t;
    if (c > 32) {
      key.fill(Infinity, c);
      key.sort();
    } else {
      for (let p = 1; p < c; p++) {
        const v = key[p];
        let q = p - 1;
        while (q >= 0 && key[q] > v) key[q + 1] = key[q--];
        key[q + 1] = v;
      }
    }
    return c;
  };
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const c = sortOwn(i);
    let d = 0, a = 0, b = inStart[i];
    const bEnd = inStart[i + 1];
    while (a < c || b < bEnd) {
      const ja = a < c ? Math.floor(key[a] / 1024) : n, jb = b < bEnd ? inSrc[2 * b] : n;
      const j = ja < jb ? ja : jb;
      if (j !== i) d++;
      while (a < c && Math.floor(key[a] / 1024) === j) a++;
      while (b < bEnd && inSrc[2 * b] === j) b++;
    }
    offsets[i + 1] = offsets[i] + d;
  }
  const targets = new Int32Array(offsets[n]);
  const sims = new Float32Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const o = i * k, c = sortOwn(i);
    let at = offsets[i], a = 0, b = inStart[i];
    const bEnd = inStart[i + 1];
    while (a < c || b < bEnd) {
      const ja = a < c ? Math.floor(key[a] / 1024) : n, jb = b < bEnd ? inSrc[2 * b] : n;
      const j = ja < jb ? ja : jb;
      // The lower row's first listing: the reverse one when j < i and j lists i.
      const sim = jb === j && (j < i || ja !== j) ? inSim[2 * b + 1] : gs[o + key[a] % 1024];
      if (j !== i) {
        targets[at] = j;
        sims[at++] = sim;
      }
      while (a < c && Math.floor(key[a] / 1024) === j) a++;
      while (b < bEnd && inSrc[2 * b] === j) b++;
    }
  }
  return { n, offsets, targets, sims };
}

/** {@link thresholdedGraph} for lists longer than 1024: the listed pairs through {@link fromPairs}. */
function thresholdedGraphWide(g: KnnGraph, minSim: number): SparseGraph {
  let c = 0;
  for (let i = 0; i < g.n; i++) {
    for (let t = i * g.k, end = t + g.k; t < end && !(g.sims[t] < minSim) && g.indices[t] >= 0; t++) c++;
  }
  const a = new Int32Array(c), b = new Int32Array(c), s = new Float32Array(c);
  c = 0;
  for (let i = 0; i < g.n; i++) {
    for (let t = i * g.k, end = t + g.k; t < end && !(g.sims[t] < minSim) && g.indices[t] >= 0; t++) {
      a[c] = i;
      b[c] = g.indices[t];
      s[c++] = g.sims[t];
    }
  }
  return fromPairs(g.n, a, b, s, c);
}

/**
 * The exact radius graph: every pair with cosine distance `1 - sim <= eps`. Built from the
 * k-NN graph; rows whose k-th neighbour is still within `eps` ("saturated") may have more
 * neighbours, and a pair is only missing from the k-NN lists when both ends are
 * saturated, so those pairs are checked by brute force (with onnxruntime when many).
 */
export async function radiusGraph(
  x: Matrix,
  g: KnnGraph,
  eps: number,
  opts: { onnxAboveFlops?: number } = {},
): Promise<SparseGraph> {
  const minSim = 1 - eps;
  const base = thresholdedGraph(g, minSim);
  if (g.k === 0 || g.k >= g.n - 1) return base;
  const saturated: number[] = [];
  for (let i = 0; i < g.n; i++) if (g.sims[i * g.k + g.k - 1] >= minSim) saturated.push(i);
  if (saturated.length < 2) return base;
  const d = x.cols, data = x.data;
  const extra = new PairBuffer();
  const S = saturated.length;
  if (S * S * d > (opts.onnxAboveFlops ?? 2e9)) {
    // Large: the saturated rows' Gram matrix with onnxruntime, in column blocks.
    const xs = new Float32Array(S * d);
    saturated.forEach((i, p) => xs.set(data.subarray(i * d, (i + 1) * d), p * d));
    const products = new OnnxProducts({ data: xs, rows: S, cols: d });
    try {
      const block = Math.max(1, Math.floor((16 << 20) / S));
      for (let q0 = 0; q0 < S; q0 += block) {
        const m = Math.min(block, S - q0);
        const dots = await products.dots(xs.subarray(q0 * d, (q0 + m) * d), m);
        for (let p = 0; p < Math.min(S, q0 + m); p++) {
          for (let t = Math.max(0, p + 1 - q0); t < m; t++) {
            const s = dots[p * m + t];
            if (s >= minSim) extra.push(saturated[p], saturated[q0 + t], s);
          }
        }
      }
    } finally {
      await products.close();
    }
  } else {
    for (let p = 0; p < S; p++) {
      const i = saturated[p], oi = i * d;
      for (let q = p + 1; q < S; q++) {
        const j = saturated[q], oj = j * d;
        let s = 0;
        for (let c = 0; c < d; c++) s += data[oi + c] * data[oj + c];
        if (s >= minSim) extra.push(i, j, s);
      }
    }
  }
  if (extra.length === 0) return base;
  const m = base.offsets[g.n] + extra.length;
  const a = new Int32Array(m), b = new Int32Array(m), s = new Float32Array(m);
  let c = 0;
  for (let i = 0; i < g.n; i++) {
    for (let t = base.offsets[i]; t < base.offsets[i + 1]; t++) {
      if (base.targets[t] > i) a[c] = i, b[c] = base.targets[t], s[c++] = base.sims[t];
    }
  }
  a.set(extra.a.subarray(0, extra.length), c);
  b.set(extra.b.subarray(0, extra.length), c);
  s.set(extra.s.subarray(0, extra.length), c);
  return fromPairs(g.n, a, b, s, c + extra.length);
}

/** Most extra (saturated-saturated) pairs a radius graph may hold. */
export const MAX_RADIUS_PAIRS = 50_000_000;

/** Growable (a, b, sim) triples in typed arrays. */
class PairBuffer {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  s = new Float32Array(1024);
  length = 0;
  push(a: number, b: number, s: number): void {
    if (this.length === this.a.length) {
      if (this.length >= MAX_RADIUS_PAIRS) {
        throw new ToolkitError(
          `radius graph: more than ${MAX_RADIUS_PAIRS} pairs within eps; eps is too large for this data`,
        );
      }
      const grow = <T extends Int32Array | Float32Array>(v: T, make: (n: number) => T) => {
        const out = make(v.length * 2);
        out.set(v as never);
        return out;
      };
      this.a = grow(this.a, (n) => new Int32Array(n));
      this.b = grow(this.b, (n) => new Int32Array(n));
      this.s = grow(this.s, (n) => new Float32Array(n));
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.s[this.length++] = s;
  }
}
