/**
 * Label-free variants of the default clustering's inputs, measured by lib/bench/alternatives.ts
 * beside the default and not used by it (each lost on at least one development set):
 * - {@link centred}: the set's mean vector taken out of every row, rows normalised again;
 * - {@link cohortShifted}: each k-NN similarity lowered by how alike its two faces are to
 *   everyone (their mean similarity to a random cohort), so that "hub" faces join less easily;
 * - {@link consensusGraph}: only the k-NN edges that a majority of several clusterings keep
 *   inside one cluster;
 * - {@link attachHeldOut}: faces held out of the clustering (e.g. small ones) join afterwards
 *   the cluster of their nearest clustered face only when it is clearly close;
 * - {@link attachAlone}: faces the clustering left alone join the cluster they are most alike on
 *   average (mean similarity to its members) when that mean reaches a level.
 * @module
 */
import type { KnnGraph } from "../graph/knn.ts";
import { type Matrix, matrix, normalizeRows } from "../matrix.ts";
import { clusterSums } from "../select/member_means.ts";
import { sampleIndices } from "../util/random.ts";

/** `x` less the mean of its rows, each row L2-normalised again (a zero row stays zero). */
export function centred(x: Matrix): Matrix {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) mean[j] += data[r * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= Math.max(1, rows);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = data[i] - mean[i % cols];
  return normalizeRows(matrix(out, rows, cols));
}

/**
 * Each face's mean similarity to a seeded random cohort of `size` faces (itself and faces of its
 * photo, `imageOf`, left out).
 */
export function cohortMeans(
  x: Matrix,
  opts: { size?: number; seed?: number; imageOf?: ArrayLike<number> } = {},
): Float64Array {
  const { rows: n, cols: d, data } = x;
  const cohort = sampleIndices(n, Math.min(opts.size ?? 1000, n), opts.seed ?? 3);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0, count = 0;
    for (const j of cohort) {
      if (j === i || (opts.imageOf && opts.imageOf[i] === opts.imageOf[j])) continue;
      let v = 0;
      for (let q = 0, oi = i * d, oj = j * d; q < d; q++) v += data[oi + q] * data[oj + q];
      sum += v;
      count++;
    }
    mu[i] = count > 0 ? sum / count : 0;
  }
  return mu;
}

/**
 * `graph` with each similarity `s_ij` replaced by `s_ij - (mu_i + mu_j) / 2 + mean(mu)`: a pair of
 * faces alike to everyone is pulled down, the scale of thresholds is kept.
 */
export function cohortShifted(graph: KnnGraph, mu: Float64Array): KnnGraph {
  if (mu.length !== graph.n) throw new RangeError(`cohortShifted: ${mu.length} means for ${graph.n} rows`);
  let bar = 0;
  for (const m of mu) bar += m / Math.max(1, graph.n);
  const sims = new Float32Array(graph.sims);
  for (let i = 0; i < graph.n; i++) {
    for (let u = 0, e = i * graph.k; u < graph.k; u++, e++) {
      const j = graph.indices[e];
      if (j >= 0) sims[e] = graph.sims[e] - (mu[i] + mu[j]) / 2 + bar;
    }
  }
  return { ...graph, sims };
}

/**
 * `graph` keeping only the edges whose two faces share a cluster in more than half of `runs`
 * (label arrays over the same rows); the others get similarity -1, below any threshold.
 */
export function consensusGraph(graph: KnnGraph, runs: readonly Int32Array[]): KnnGraph {
  for (const r of runs) {
    if (r.length !== graph.n) throw new RangeError(`consensusGraph: ${r.length} labels for ${graph.n} rows`);
  }
  const sims = new Float32Array(graph.sims);
  for (let i = 0; i < graph.n; i++) {
    for (let u = 0, e = i * graph.k; u < graph.k; u++, e++) {
      const j = graph.indices[e];
      if (j < 0) continue;
      let together = 0;
      for (const r of runs) if (r[i] >= 0 && r[i] === r[j]) together++;
      if (together * 2 <= runs.length) sims[e] = -1;
    }
  }
  return { ...graph, sims };
}

/**
 * Labels of all rows of `x` from the labels of the clustered rows `kept` (`keptLabels[k]` is row
 * `kept[k]`'s): a held-out row takes the label of its most similar clustered row (not of its own
 * photo) when that similarity is at least `bar`, else a label of its own. Returns the labels and
 * how many held-out rows joined a cluster.
 */
export function attachHeldOut(
  x: Matrix,
  kept: ArrayLike<number>,
  keptLabels: Int32Array,
  bar: number,
  imageOf?: ArrayLike<number>,
): { labels: Int32Array; attached: number } {
  const { rows: n, cols: d, data } = x;
  if (keptLabels.length !== kept.length) {
    throw new RangeError(`attachHeldOut: ${keptLabels.length} labels for ${kept.length} kept rows`);
  }
  const labels = new Int32Array(n).fill(-2);
  let next = 0;
  for (let k = 0; k < kept.length; k++) {
    labels[kept[k]] = keptLabels[k];
    if (keptLabels[k] + 1 > next) next = keptLabels[k] + 1;
  }
  let attached = 0;
  for (let h = 0; h < n; h++) {
    if (labels[h] !== -2) continue;
    let best = -Infinity, at = -1;
    for (let k = 0; k < kept.length; k++) {
      const r = kept[k];
      if (imageOf && imageOf[r] === imageOf[h]) continue;
      let v = 0;
      for (let q = 0, oh = h * d, or = r * d; q < d; q++) v += data[oh + q] * data[or + q];
      if (v > best) best = v, at = r;
    }
    if (at >= 0 && best >= bar && labels[at] >= 0) labels[h] = labels[at], attached++;
    else labels[h] = next++;
  }
  return { labels, attached };
}

/**
 * `labels` with each face alone in its cluster moved into the cluster of two or more faces (none of
 * them of its photo, `imageOf`) whose members it is most alike on average, when that mean
 * similarity is at least `level`. Returns the new labels (the input is left alone) and how many
 * faces moved.
 */
export function attachAlone(
  x: Matrix,
  labels: Int32Array,
  level: number,
  imageOf?: ArrayLike<number>,
): { labels: Int32Array; moved: number } {
  const { rows: n, cols: d, data } = x;
  if (labels.length !== n) throw new RangeError(`attachAlone: ${labels.length} labels for ${n} rows`);
  const { k, sums, count: size } = clusterSums(x, labels);
  const photos = Array.from({ length: k }, () => new Set<number>());
  if (imageOf) { for (let i = 0; i < n; i++) if (labels[i] >= 0) photos[labels[i]].add(imageOf[i]); }
  const out = Int32Array.from(labels);
  let moved = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] >= 0 && size[labels[i]] !== 1) continue;
    let best = -Infinity, at = -1;
    for (let c = 0; c < k; c++) {
      if (size[c] < 2 || (imageOf && photos[c].has(imageOf[i]))) continue;
      let v = 0;
      for (let q = 0; q < d; q++) v += data[i * d + q] * sums[c * d + q];
      if (v / size[c] > best) best = v / size[c], at = c;
    }
    if (at >= 0 && best >= level) out[i] = at, moved++;
  }
  return { labels: out, moved };
}
