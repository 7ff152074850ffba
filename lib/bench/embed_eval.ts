/**
 * Measuring one embedding run for the benchmarks that compare ways of embedding (TTA, aligned
 * crops): one face per photo, clustering quality of average linkage (BCubed F1; photos without
 * a face count as singleton clusters of their own) and, for LFW, 10-fold verification.
 * @module
 */
import { buildDendrogram, cutDendrogram } from "../cluster/agglomerative.ts";
import { cosineDistances } from "../graph/distance_matrix.ts";
import { externalMetrics } from "../metrics/mod.ts";
import type { EmbedResult } from "../pipeline/embed_photos.ts";
import { type LfwPair, tenFoldAccuracy } from "./lfw_protocol.ts";

/** One face per photo: path, true identity, and its embedding row. */
export interface PickedFaces {
  /** Path of each photo with a face (relative to the source). */
  paths: string[];
  /** Identity of each (first folder level). */
  labels: string[];
  /** Row-major embeddings, `paths.length` rows of `dim`. */
  x: Float32Array;
  /** Embedding length. */
  dim: number;
  /** Listed photos (with or without a face). */
  photos: number;
  /** Identity of every listed photo, for counting the photos without a face as singletons. */
  allLabels: string[];
  /** Faces found in all photos. */
  faces: number;
}

/**
 * The face of each photo that `pick` chooses (an index into the photo's boxes, -1 for none).
 * Boxes are `[x, y, w, h]`.
 */
export async function pickFaces(
  res: EmbedResult,
  pick: (boxes: [number, number, number, number][], width: number, height: number) => number,
): Promise<PickedFaces> {
  await res.store.flush();
  const dim = res.store.dim;
  const paths: string[] = [], labels: string[] = [], rows: Float32Array[] = [];
  let faces = 0;
  for (const p of res.photos) {
    const rec = p.record;
    if (!rec || rec.error || p.failure) continue;
    faces += rec.faces.length;
    const i = pick(rec.faces.map((f) => f.box), rec.width!, rec.height!);
    if (i < 0) continue;
    paths.push(p.ref.path);
    labels.push(p.ref.path.split("/")[0]);
    rows.push(res.store.embeddings(p.hash!)[i]);
  }
  const x = new Float32Array(rows.length * dim);
  rows.forEach((r, k) => x.set(r, k * dim));
  return {
    paths,
    labels,
    x,
    dim,
    photos: res.photos.length,
    allLabels: res.photos.map((p) => p.ref.path.split("/")[0]),
    faces,
  };
}

/** The index of the largest box (-1 when none). */
export function largestFace(boxes: readonly [number, number, number, number][]): number {
  let best = -1, area = -1;
  boxes.forEach(([, , w, h], i) => {
    if (w * h > area) area = w * h, best = i;
  });
  return best;
}

/** BCubed and pairwise F1 of average linkage at one threshold. */
export interface ClusterScore {
  /** Cosine distance threshold. */
  threshold: number;
  /** Clusters (singletons included). */
  clusters: number;
  /** BCubed F1. */
  bcubedF1: number;
  /** Pairwise F1. */
  pairwiseF1: number;
}

/**
 * Average-linkage clustering of the picked faces cut at each of `thresholds`; the photos without
 * a face are singleton clusters of their own (so that missing faces cost recall).
 */
export async function averageLinkageScores(
  f: PickedFaces,
  thresholds: readonly number[],
): Promise<ClusterScore[]> {
  const n = f.paths.length;
  const dg = buildDendrogram(
    await cosineDistances({ data: f.x, rows: n, cols: f.dim }),
    n,
    "average",
  );
  // Truth: the picked faces, then one entry per photo without a face.
  const missing = new Map<string, number>();
  for (const l of f.allLabels) missing.set(l, (missing.get(l) ?? 0) + 1);
  for (const l of f.labels) missing.set(l, missing.get(l)! - 1);
  const extra = [...missing].flatMap(([l, k]) => Array<string>(k).fill(l));
  const names = [...f.labels, ...extra];
  const ids = new Map<string, number>();
  const truth = Int32Array.from(names, (l) => ids.get(l) ?? ids.set(l, ids.size).get(l)!);
  return thresholds.map((threshold) => {
    const lab = cutDendrogram(dg, { threshold });
    const pred = new Int32Array(truth.length);
    pred.set(lab);
    let next = lab.reduce((m, l) => Math.max(m, l), -1) + 1;
    for (let k = lab.length; k < pred.length; k++) pred[k] = next++;
    const m = externalMetrics(truth, pred);
    return { threshold, clusters: next, bcubedF1: m.bcubedF1, pairwiseF1: m.pairwiseF1 };
  });
}

/** 10-fold verification accuracy of `pairs` (a pair with a photo without a face counts as different). */
export function verification(
  f: PickedFaces,
  pairs: readonly LfwPair[],
): { mean: number; std: number; missing: number } {
  const row = new Map(f.paths.map((p, i) => [p, i]));
  const sims = new Float64Array(pairs.length);
  let missing = 0;
  pairs.forEach((p, i) => {
    const a = row.get(p.a), b = row.get(p.b);
    if (a === undefined || b === undefined) {
      sims[i] = -1;
      missing++;
      return;
    }
    let s = 0;
    for (let j = 0; j < f.dim; j++) s += f.x[a * f.dim + j] * f.x[b * f.dim + j];
    sims[i] = s;
  });
  const { mean, std } = tenFoldAccuracy(sims, pairs);
  return { mean, std, missing };
}

/** Thresholds 0.40, 0.425, ..., 0.95 (the sweep of `deno task bench:lfw`). */
export const THRESHOLDS: readonly number[] = Array.from(
  { length: 23 },
  (_, i) => +(0.4 + 0.025 * i).toFixed(3),
);

/** The best-scoring threshold and the one nearest `at`. */
export function bestAndAt(
  scores: readonly ClusterScore[],
  at: number,
): { best: ClusterScore; at: ClusterScore } {
  return {
    best: scores.reduce((a, b) => (b.bcubedF1 > a.bcubedF1 ? b : a)),
    at: scores.reduce((a, b) => (Math.abs(b.threshold - at) < Math.abs(a.threshold - at) ? b : a)),
  };
}

/** The picked faces (and listed photos) whose path `keep` accepts. */
export function subset(
  f: PickedFaces,
  keep: (path: string) => boolean,
  allPaths: readonly string[],
): PickedFaces {
  const idx = f.paths.flatMap((p, i) => (keep(p) ? [i] : []));
  const x = new Float32Array(idx.length * f.dim);
  idx.forEach((i, k) => x.set(f.x.subarray(i * f.dim, (i + 1) * f.dim), k * f.dim));
  const all = allPaths.filter(keep);
  return {
    paths: idx.map((i) => f.paths[i]),
    labels: idx.map((i) => f.labels[i]),
    x,
    dim: f.dim,
    photos: all.length,
    allLabels: all.map((p) => p.split("/")[0]),
    faces: f.faces,
  };
}
