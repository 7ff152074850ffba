/**
 * Picking a run: the best by a metric when labels are known, and label-free rules when
 * they are not.
 * @module
 */
import { ari } from "../metrics/mod.ts";
import { CLUSTER_WORDS } from "../metrics/clusters.ts";
import { seededRandom } from "../util/random.ts";

/** One finished run as recorded by the sweep (metrics flattened). */
export interface RunRow {
  /** Stable run id. */
  id: string;
  /** Method name. */
  method: string;
  /** Full parameters. */
  params: Record<string, unknown>;
  /** Seed. */
  seed: number;
  /** Wall time of the clustering itself, ms. */
  timeMs: number;
  /** Every metric computed for the run (NaN where undefined). */
  metrics: Record<string, number>;
  /** Error message when the run failed. */
  error?: string;
}

/**
 * Whether rows were scored before the one definition of a cluster (lib/metrics/clusters.ts):
 * their `clusters` counted faces alone as clusters of one, and they have no `seenOnce`.
 */
export function countsLoneFacesAsClusters(rows: readonly RunRow[]): boolean {
  return rows.some((r) => !r.error && !("seenOnce" in r.metrics) && (r.metrics.singletonShare ?? 0) > 0);
}

/**
 * The words for the `clusters` column of a sweep's rows: "clusters" (groups of 2 or more faces,
 * as everywhere), or, for rows of an older sweep, "clusters (any size, older sweep)".
 */
export function clustersColumn(rows: readonly RunRow[]): string {
  return countsLoneFacesAsClusters(rows)
    ? `${CLUSTER_WORDS.clusters} (any size, older sweep)`
    : CLUSTER_WORDS.clusters;
}

/** Metrics where smaller is better. */
const LOWER_IS_BETTER = new Set(["daviesBouldin", "singletonShare", "noiseShare"]);

/** The successful row with the best value of `metric` (ties: first), or undefined. */
export function bestBy(rows: readonly RunRow[], metric: string): RunRow | undefined {
  const sign = LOWER_IS_BETTER.has(metric) ? -1 : 1;
  let best: RunRow | undefined;
  for (const r of rows) {
    const v = r.metrics[metric];
    if (r.error || v === undefined || !Number.isFinite(v)) continue;
    if (!best || sign * v > sign * best.metrics[metric]) best = r;
  }
  return best;
}

/** Label-free rules known to {@link pickLabelFree}. */
export const LABEL_FREE_RULES = ["consensus", "silhouette"] as const;

/** A label-free rule's name. */
export type LabelFreeRule = typeof LABEL_FREE_RULES[number];

/** Noise (-1) to singletons, so labelings can be compared as partitions. */
function noiseAsSingletons(labels: Int32Array): Int32Array {
  let next = 0;
  for (const l of labels) if (l >= next) next = l + 1;
  return labels.map((l) => (l < 0 ? next++ : l));
}

/**
 * Consensus score of each labeling: its mean adjusted Rand index against all the others,
 * on a seeded sample of at most `sample` rows. The labeling most in agreement with the
 * rest of the sweep (a median partition) is a label-free choice that does not depend on
 * any one internal criterion.
 */
export function consensusScores(labelings: readonly Int32Array[], sample = 3000, seed = 1): Float64Array {
  const m = labelings.length;
  const scores = new Float64Array(m);
  if (m < 2) return scores.fill(m === 1 ? 1 : NaN);
  const n = labelings[0].length;
  let rows = Int32Array.from({ length: n }, (_, i) => i);
  if (n > sample) {
    const random = seededRandom(seed);
    for (let i = 0; i < sample; i++) {
      const j = i + Math.floor(random() * (n - i));
      const t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    rows = rows.slice(0, sample);
  }
  const sub = labelings.map((l) => noiseAsSingletons(rows.map((r) => l[r])));
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const v = ari(sub[a], sub[b]);
      scores[a] += v;
      scores[b] += v;
    }
  }
  for (let a = 0; a < m; a++) scores[a] /= m - 1;
  return scores;
}

/**
 * The label-free pick among `rows` (all successful, labels in the same order):
 * `silhouette` takes the highest (sampled, cosine) silhouette; `consensus` the highest
 * {@link consensusScores}.
 */
export function pickLabelFree(
  rule: string,
  rows: readonly RunRow[],
  labelings: readonly Int32Array[],
  sample = 3000,
): { row: RunRow; score: number } | undefined {
  if (rows.length === 0) return undefined;
  if (rule === "silhouette") {
    const row = bestBy(rows, "silhouette");
    return row ? { row, score: row.metrics.silhouette } : undefined;
  }
  if (rule === "consensus") {
    const s = consensusScores(labelings, sample);
    let best = 0;
    for (let i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
    return { row: rows[best], score: s[best] };
  }
  throw new RangeError(`unknown label-free rule "${rule}" (known: ${LABEL_FREE_RULES.join(", ")})`);
}
