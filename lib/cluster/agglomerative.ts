/**
 * Exact agglomerative (hierarchical) clustering with single, average or complete linkage on
 * cosine distance, cut at a distance threshold or at a number of clusters, with cannot-link
 * constraints (e.g. two faces of one photo) that no merge may break.
 *
 * The dendrogram is built with the nearest-neighbour-chain algorithm (O(n²) time on a full
 * n x n distance matrix, which it overwrites), so one build serves every threshold of a sweep.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { cosineDistances } from "../graph/distance_matrix.ts";
import { distancesOf } from "./input.ts";

/** Linkage: how the distance between two clusters follows from their members'. */
export type Linkage = "single" | "average" | "complete";

/** A dendrogram: merges as pairs of representative rows, with the distance at each merge. */
export interface Dendrogram {
  /** Number of rows clustered. */
  n: number;
  /** Merge m joined the clusters holding rows `a[m]` and `b[m]`. */
  a: Int32Array;
  /** See `a`. */
  b: Int32Array;
  /** Linkage distance of merge m; ascending. */
  dist: Float64Array;
}

/**
 * Builds the dendrogram from a full distance matrix `d` (n x n, row-major, symmetric; it is
 * overwritten). Pairs in `cannotLink` (flat [a0, b0, ...]) get infinite distance, so with
 * average or complete linkage no cluster ever holds both; merges at infinite distance are
 * left out.
 */
export function buildDendrogram(
  d: Float32Array,
  n: number,
  linkage: Linkage,
  cannotLink?: Int32Array,
): Dendrogram {
  if (d.length !== n * n) {
    throw new RangeError(`buildDendrogram: matrix has ${d.length} values, need ${n}x${n}`);
  }
  if (cannotLink) {
    for (let p = 0; p + 1 < cannotLink.length; p += 2) {
      const i = cannotLink[p], j = cannotLink[p + 1];
      if (i === j) continue;
      d[i * n + j] = d[j * n + i] = Infinity;
    }
  }
  for (let i = 0; i < n; i++) d[i * n + i] = Infinity;
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const chain = new Int32Array(n);
  const ma: number[] = [], mb: number[] = [], md: number[] = [];
  let remaining = n;
  let len = 0;
  let nextStart = 0;
  while (remaining > 1) {
    if (len === 0) {
      while (nextStart < n && !active[nextStart]) nextStart++;
      if (nextStart >= n) break;
      chain[len++] = nextStart;
    }
    const top = chain[len - 1];
    const prev = len > 1 ? chain[len - 2] : -1;
    // Nearest active neighbour of `top`; ties go to `prev` so the chain always terminates.
    const rowOff = top * n;
    let best = -1, bestD = Infinity;
    if (prev >= 0) best = prev, bestD = d[rowOff + prev];
    for (let j = 0; j < n; j++) {
      const v = d[rowOff + j];
      if (v < bestD) bestD = v, best = j;
    }
    if (best < 0 || bestD === Infinity) {
      // `top` can never merge again: its distance to everything left is infinite.
      active[top] = 0;
      for (let j = 0; j < n; j++) d[rowOff + j] = d[j * n + top] = Infinity;
      remaining--;
      len--;
      continue;
    }
    if (best === prev) {
      // Reciprocal nearest neighbours: merge `top` into `prev`.
      len -= 2;
      const i = prev, j = top;
      ma.push(i), mb.push(j), md.push(bestD);
      const si = size[i], sj = size[j];
      const io = i * n, jo = j * n;
      for (let k = 0; k < n; k++) {
        if (k === i || k === j) continue;
        const a = d[io + k], b = d[jo + k];
        let v: number;
        if (linkage === "average") {
          v = a === Infinity || b === Infinity ? Infinity : (si * a + sj * b) / (si + sj);
        } else if (linkage === "single") v = a < b ? a : b;
        else v = a > b ? a : b;
        d[io + k] = v;
        d[k * n + i] = v;
      }
      for (let k = 0; k < n; k++) d[jo + k] = d[k * n + j] = Infinity;
      size[i] = si + sj;
      active[j] = 0;
      remaining--;
    } else {
      chain[len++] = best;
    }
  }
  const order = md.map((_, i) => i).sort((x, y) => md[x] - md[y] || x - y);
  return {
    n,
    a: Int32Array.from(order, (i) => ma[i]),
    b: Int32Array.from(order, (i) => mb[i]),
    dist: Float64Array.from(order, (i) => md[i]),
  };
}

/**
 * Flat clusters from a dendrogram: every merge at distance <= `threshold` is applied, or, when
 * `k` > 0, merges are applied in order until `k` clusters remain (or none are left).
 * Labels are 0..c-1 numbered by first appearance.
 */
export function cutDendrogram(dg: Dendrogram, opts: { threshold?: number; k?: number }): Int32Array {
  const parent = new Int32Array(dg.n).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  let clusters = dg.n;
  for (let m = 0; m < dg.dist.length; m++) {
    if (opts.k && opts.k > 0) {
      if (clusters <= opts.k) break;
    } else if (!(dg.dist[m] <= (opts.threshold ?? Infinity))) break;
    const ra = find(dg.a[m]), rb = find(dg.b[m]);
    if (ra !== rb) parent[rb] = ra, clusters--;
  }
  const labels = new Int32Array(dg.n);
  const ids = new Map<number, number>();
  for (let i = 0; i < dg.n; i++) {
    const r = find(i);
    let id = ids.get(r);
    if (id === undefined) ids.set(r, id = ids.size);
    labels[i] = id;
  }
  return labels;
}

/** Parameters of {@link agglomerative}. */
export type AgglomerativeParams = {
  /** How cluster distances follow from member distances. */
  linkage: Linkage;
  /** Cosine distance at which merging stops (used when `k` is 0). */
  threshold: number;
  /** Target number of clusters; 0 to cut at `threshold` instead. */
  k: number;
};

/** Default: average linkage at cosine distance 0.55, best on LFW with the default embedder (BCubed F1 0.982 on all 13,233 photos, 0.987 on people with 2+ photos). */
export const DEFAULT_AGGLOMERATIVE: AgglomerativeParams = { linkage: "average", threshold: 0.55, k: 0 };

/**
 * Clusters embeddings (async: the distance matrix comes from onnxruntime). The pipeline's
 * default clustering.
 */
export async function agglomerate(
  x: Matrix,
  params: Partial<AgglomerativeParams> = {},
  cannotLink?: Int32Array,
): Promise<Int32Array> {
  const p = validateParams<AgglomerativeParams>("agglomerative", agglomerative.params, {
    ...DEFAULT_AGGLOMERATIVE,
    ...params,
  });
  const d = await cosineDistances(x);
  return cutDendrogram(buildDendrogram(d, x.rows, p.linkage, cannotLink), p);
}

/** Exact agglomerative clustering as a registry {@link Clusterer}, on the dense distance matrix. */
export const agglomerative: Clusterer<AgglomerativeParams> = {
  name: "agglomerative",
  defaults: DEFAULT_AGGLOMERATIVE,
  params: {
    linkage: { type: "enum", values: ["single", "average", "complete"], description: "linkage" },
    threshold: { type: "number", min: 0, max: 2, description: "cosine distance at which merging stops" },
    k: { type: "int", min: 0, description: "target number of clusters (0: use threshold)" },
  },
  needs: "distances",
  enforcesCannotLink: true,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params) {
    const p = validateParams<AgglomerativeParams>(this.name, this.params, params);
    const d = distancesOf(input, this.name).data.slice();
    return { labels: cutDendrogram(buildDendrogram(d, input.x.rows, p.linkage, input.cannotLink), p) };
  },
};
