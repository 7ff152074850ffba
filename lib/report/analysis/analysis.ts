/**
 * What a person needs to judge a clustering: each cluster's faces from most to least typical
 * (distance to the cluster centre), faces that do not belong to the cluster's majority person
 * (when labels are known), likely wrong merges (a cluster made of two dense sub-groups),
 * likely splits (clusters with close centres), and the nearest cluster of unassigned faces.
 * @module
 */
import { median } from "../../util/median.ts";
import { knnBruteForce, type KnnGraph, knnGraph } from "../../graph/knn.ts";
import type { Matrix } from "../../matrix.ts";
import { ivfGraph } from "../../scale/knn_ivf.ts";
import { scalePlan } from "../../scale/policy.ts";

/** One cluster, its faces ordered from most to least typical. */
export interface ClusterInfo {
  /** Cluster id (as in the shown labels). */
  id: number;
  /** Face rows, most similar to the centre first. */
  rows: Int32Array;
  /** Similarity of each face in `rows` to the centre. */
  sims: Float32Array;
  /** The centre: mean of the members, L2-normalised. */
  centre: Float32Array;
  /** The most frequent true identity and its count (when labels are known). */
  majority?: { label: number; count: number };
  /** 1 for each face in `rows` whose true identity is not the majority (when labels are known). */
  foreign?: Uint8Array;
}

/** Normalised mean of the given rows of `x`. */
export function centreOf(x: Matrix, rows: ArrayLike<number>): Float32Array {
  const d = x.cols, c = new Float32Array(d);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t] * d;
    for (let j = 0; j < d; j++) c[j] += x.data[o + j];
  }
  let s = 0;
  for (let j = 0; j < d; j++) s += c[j] * c[j];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < d; j++) c[j] *= inv;
  return c;
}

/** Dot product of row `r` of `x` with `v`. */
export function dotRow(x: Matrix, r: number, v: Float32Array): number {
  const d = x.cols, o = r * d;
  let s = 0;
  for (let j = 0; j < d; j++) s += x.data[o + j] * v[j];
  return s;
}

/** `rows` sorted by similarity to `centre`, highest first (ties by row), with the similarities. */
export function orderByCentre(
  x: Matrix,
  rows: ArrayLike<number>,
  centre: Float32Array,
): { rows: Int32Array; sims: Float32Array } {
  const items = Array.from(rows, (r) => ({ r, s: Math.fround(dotRow(x, r, centre)) }));
  items.sort((a, b) => b.s - a.s || a.r - b.r);
  return { rows: Int32Array.from(items, (i) => i.r), sims: Float32Array.from(items, (i) => i.s) };
}

/** Members of each cluster id >= 0 (rows ascending). */
export function membersOf(clusters: Int32Array): Map<number, number[]> {
  const m = new Map<number, number[]>();
  clusters.forEach((c, i) => {
    if (c < 0) return;
    const list = m.get(c);
    if (list) list.push(i);
    else m.set(c, [i]);
  });
  return m;
}

/** Every cluster (largest first, ties by id) with its faces in order of typicality. */
export function clusterInfos(x: Matrix, clusters: Int32Array, truth?: Int32Array): ClusterInfo[] {
  const infos: ClusterInfo[] = [];
  for (const [id, members] of membersOf(clusters)) {
    const centre = centreOf(x, members);
    const { rows, sims } = orderByCentre(x, members, centre);
    const info: ClusterInfo = { id, rows, sims, centre };
    if (truth) {
      const counts = new Map<number, number>();
      for (const r of rows) counts.set(truth[r], (counts.get(truth[r]) ?? 0) + 1);
      let label = -1, count = 0;
      for (const [l, c] of counts) if (c > count || (c === count && l < label)) [label, count] = [l, c];
      info.majority = { label, count };
      info.foreign = Uint8Array.from(rows, (r) => (truth[r] === label ? 0 : 1));
    }
    infos.push(info);
  }
  return infos.sort((a, b) => b.rows.length - a.rows.length || a.id - b.id);
}

/** A cluster that looks like two people: its two sub-groups. */
export interface MergeSuspect {
  /** Cluster id. */
  cluster: number;
  /** The two sub-groups (rows, most typical of the sub-group first), larger first. */
  groups: [Int32Array, Int32Array];
  /** Mean similarity of faces to their own sub-group centre minus to the other one. */
  gap: number;
  /** Similarity of the two sub-group centres. */
  centreSim: number;
  /**
   * True when the gap stands out: above twice the median gap of all clusters examined and
   * 0.15 above it (most clusters are one person, whose 2-means split has a small gap).
   */
  likely: boolean;
}

/** Options of {@link mergeSuspects}. */
export interface MergeOptions {
  /** Only clusters of at least this many faces are examined (default 6). */
  minSize?: number;
  /** The smaller sub-group must hold at least this share of the cluster (default 0.2). */
  minShare?: number;
  /** Most suspects returned (default 50). */
  top?: number;
}

/** Splits `rows` into two groups by spherical 2-means started from the two most distant faces. */
export function twoMeans(x: Matrix, rows: Int32Array, centre: Float32Array): Uint8Array {
  const side = new Uint8Array(rows.length);
  if (rows.length < 2) return side;
  let a = 0, lo = Infinity;
  rows.forEach((r, i) => {
    const s = dotRow(x, r, centre);
    if (s < lo) [lo, a] = [s, i];
  });
  const va = x.data.subarray(rows[a] * x.cols, (rows[a] + 1) * x.cols);
  let b = a === 0 ? 1 : 0;
  lo = Infinity;
  rows.forEach((r, i) => {
    const s = dotRow(x, r, va);
    if (i !== a && s < lo) [lo, b] = [s, i];
  });
  let ca: Float32Array = Float32Array.from(va);
  let cb: Float32Array = Float32Array.from(x.data.subarray(rows[b] * x.cols, (rows[b] + 1) * x.cols));
  for (let iter = 0; iter < 20; iter++) {
    let changed = false;
    rows.forEach((r, i) => {
      const s = dotRow(x, r, cb) > dotRow(x, r, ca) ? 1 : 0;
      if (s !== side[i]) changed = true;
      side[i] = s;
    });
    if (!changed && iter > 0) break;
    const ga = [...rows].filter((_, i) => side[i] === 0), gb = [...rows].filter((_, i) => side[i] === 1);
    if (ga.length === 0 || gb.length === 0) break;
    ca = centreOf(x, ga);
    cb = centreOf(x, gb);
  }
  return side;
}

/** Clusters most likely to hold two people, most suspicious (largest gap) first. */
export function mergeSuspects(
  x: Matrix,
  infos: readonly ClusterInfo[],
  opts: MergeOptions = {},
): MergeSuspect[] {
  const minSize = opts.minSize ?? 6, minShare = opts.minShare ?? 0.2;
  const out: MergeSuspect[] = [];
  for (const c of infos) {
    if (c.rows.length < minSize) continue;
    const side = twoMeans(x, c.rows, c.centre);
    const ga = c.rows.filter((_, i) => side[i] === 0), gb = c.rows.filter((_, i) => side[i] === 1);
    const small = Math.min(ga.length, gb.length);
    if (small < Math.max(2, Math.ceil(minShare * c.rows.length))) continue;
    const ca = centreOf(x, ga), cb = centreOf(x, gb);
    let own = 0, other = 0;
    for (const r of ga) [own, other] = [own + dotRow(x, r, ca), other + dotRow(x, r, cb)];
    for (const r of gb) [own, other] = [own + dotRow(x, r, cb), other + dotRow(x, r, ca)];
    let centreSim = 0;
    for (let j = 0; j < ca.length; j++) centreSim += ca[j] * cb[j];
    const [first, second] = ga.length >= gb.length
      ? [[ga, ca], [gb, cb]] as const
      : [[gb, cb], [ga, ca]] as const;
    out.push({
      cluster: c.id,
      groups: [orderByCentre(x, first[0], first[1]).rows, orderByCentre(x, second[0], second[1]).rows],
      gap: (own - other) / c.rows.length,
      centreSim,
      likely: false,
    });
  }
  const med = median(out.map((s) => s.gap));
  for (const s of out) s.likely = s.gap > Math.max(2 * med, med + 0.15);
  return out.sort((a, b) => b.gap - a.gap || a.cluster - b.cluster).slice(0, opts.top ?? 50);
}

export { median };

/** Two clusters with close centres: perhaps one person split in two. */
export interface SplitSuspect {
  /** The larger cluster's id. */
  a: number;
  /** The other cluster's id. */
  b: number;
  /** Similarity of their centres. */
  sim: number;
  /**
   * True when the centres are at least as similar as a typical face is to its own cluster's
   * centre (the median over clusters of the mean face-to-centre similarity).
   */
  likely: boolean;
}

/**
 * Pairs of clusters whose centres are most similar (each cluster's few nearest other
 * centres are examined), most similar first. The centres' k-NN graph is computed with
 * onnxruntime when there are many clusters, and approximately (lib/scale/knn_ivf.ts) past the
 * exact-graph size of lib/scale/policy.ts (a million faces can make half a million clusters).
 */
export async function splitSuspects(
  infos: readonly ClusterInfo[],
  opts: { top?: number; neighbours?: number } = {},
): Promise<SplitSuspect[]> {
  const k = infos.length;
  if (k < 2) return [];
  const d = infos[0].centre.length;
  const data = new Float32Array(k * d);
  infos.forEach((c, i) => data.set(c.centre, i * d));
  const m: Matrix = { data, rows: k, cols: d };
  const nn = Math.min(opts.neighbours ?? 3, k - 1);
  const g: KnnGraph = scalePlan(k).approximateKnn
    ? (await ivfGraph(m, nn)).graph
    : k > 400
    ? await knnGraph(m, nn)
    : knnBruteForce(m, nn);
  const seen = new Map<string, SplitSuspect>();
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < g.k; t++) {
      const j = g.indices[i * g.k + t];
      if (j < 0) continue;
      const [p, q] = i < j ? [i, j] : [j, i];
      const key = `${p}:${q}`;
      if (!seen.has(key)) {
        seen.set(key, { a: infos[p].id, b: infos[q].id, sim: g.sims[i * g.k + t], likely: false });
      }
    }
  }
  const typical = median(
    infos.filter((c) => c.rows.length > 1).map((c) => c.sims.reduce((s, v) => s + v, 0) / c.sims.length),
  );
  for (const s of seen.values()) s.likely = s.sim >= typical;
  return [...seen.values()].sort((x, y) => y.sim - x.sim || x.a - y.a || x.b - y.b).slice(0, opts.top ?? 50);
}

/** An unassigned face and the cluster of its most similar assigned neighbour. */
export interface UnassignedFace {
  /** Face row. */
  row: number;
  /** Cluster of the nearest assigned face among the k-NN graph's neighbours, or -1. */
  cluster: number;
  /** Similarity to that face (NaN when none). */
  sim: number;
}

/**
 * For each unassigned face (cluster < 0), the cluster of its most similar assigned neighbour
 * in the face k-NN graph; most similar first (likely missed), those with none last.
 */
export function nearestClusters(g: KnnGraph, clusters: Int32Array): UnassignedFace[] {
  const out: UnassignedFace[] = [];
  for (let i = 0; i < clusters.length; i++) {
    if (clusters[i] >= 0) continue;
    let cluster = -1, sim = NaN;
    for (let t = 0; t < g.k && i < g.n; t++) {
      const j = g.indices[i * g.k + t];
      if (clusters[j] >= 0) {
        cluster = clusters[j];
        sim = g.sims[i * g.k + t];
        break;
      }
    }
    out.push({ row: i, cluster, sim });
  }
  return out.sort((a, b) =>
    (Number.isNaN(a.sim) ? 1 : 0) - (Number.isNaN(b.sim) ? 1 : 0) || b.sim - a.sim || a.row - b.row
  );
}
