/**
 * A review simulated on a labelled run: what a person could check in about 20 minutes. The
 * clusters of a clustering are sampled as the review page samples them (lib/review/sample.ts:
 * seeded clusters of at least two faces, each shown by a random subset of up to 30 faces), and
 * each gets the verdict a person who knows everyone would give: `correct` when every face shown
 * is one person, else `wrong` with the faces that are not the cluster's majority person listed
 * (when no person has two faces in it, `wrong` with none listed: nothing to learn from it).
 *
 * The true identity of a face is its photo's label for the photo's labelled (largest) face, and a
 * stranger of its own for every other face (bystanders are not the photo's person and are not
 * known to be anyone else). The verdicts come back as review decisions, so that they go through
 * the same replay and training source as a real review's (./sources/decisions.ts).
 *
 * Also here: the scoring rows for "everything not reviewed" (faces never shown; or, stricter,
 * people none of whose faces were shown).
 * @module
 */
import { faceKey, type LoggedDecision } from "../review/decisions.ts";
import { sampleClusters, type SampledCluster } from "../review/sample.ts";
import type { FaceMeta } from "../store/embedding_set.ts";

/** Options of {@link simulateReview}. */
export interface SimulateOptions {
  /** Clusters checked. @default 50 (about 20 minutes at 20-25 s a cluster) */
  clusters?: number;
  /** Faces shown per cluster at most. @default 30 */
  faces?: number;
  /** Seed of the sample. @default 1 */
  seed?: number;
  /** Smallest cluster shown (as a run's report shows them). @default 2 */
  minClusterSize?: number;
}

/** A simulated review. */
export interface SimulatedReview {
  /** The verdicts as review decisions (one `verdict` each), ready for `replay`. */
  decisions: LoggedDecision[];
  /** The sampled clusters. */
  sampled: SampledCluster[];
  /** Rows shown to the reviewer. */
  reviewed: Set<number>;
  /** Verdicts given: correct, wrong with faces listed, wrong with none listed. */
  counts: { correct: number; wrong: number; unusable: number; facesShown: number; facesWrong: number };
}

/**
 * The identity of each row for the simulated reviewer: `truth[r]` (>= 0) where known, else a
 * stranger of its own (negative, unique).
 */
function identities(truth: Int32Array): Int32Array {
  return Int32Array.from(truth, (t, r) => (t >= 0 ? t : -1 - r));
}

/**
 * Clusters of at least `minSize` faces renumbered 0, 1, ... (largest first, ties by first row);
 * the rest -1, as the run's reports and review page show them.
 */
export function shownClusters(labels: Int32Array, minSize = 2): Int32Array {
  const size = new Map<number, number>(), first = new Map<number, number>();
  labels.forEach((l, i) => {
    if (l < 0) return;
    size.set(l, (size.get(l) ?? 0) + 1);
    if (!first.has(l)) first.set(l, i);
  });
  const order = [...size.keys()].filter((l) => size.get(l)! >= minSize)
    .sort((a, b) => size.get(b)! - size.get(a)! || first.get(a)! - first.get(b)!);
  const id = new Map(order.map((l, i) => [l, i]));
  return Int32Array.from(labels, (l) => id.get(l) ?? -1);
}

/**
 * Simulates the review of `labels` (a clustering of the rows `faces`) by a person who knows
 * `truth` (one identity per row, -1 unknown: see the module doc).
 */
export function simulateReview(
  labels: Int32Array,
  faces: readonly FaceMeta[],
  truth: Int32Array,
  opts: SimulateOptions = {},
): SimulatedReview {
  if (labels.length !== faces.length || truth.length !== faces.length) {
    throw new RangeError(
      `simulateReview: ${labels.length} labels, ${truth.length} truth labels, ${faces.length} faces`,
    );
  }
  const keys = faces.map(faceKey);
  const who = identities(truth);
  const seed = opts.seed ?? 1;
  const sampled = sampleClusters({ clusters: shownClusters(labels, opts.minClusterSize ?? 2) }, keys, {
    count: opts.clusters ?? 50,
    faces: opts.faces ?? 30,
    seed,
  });
  const decisions: LoggedDecision[] = [];
  const reviewed = new Set<number>();
  const counts = { correct: 0, wrong: 0, unusable: 0, facesShown: 0, facesWrong: 0 };
  const t0 = Date.UTC(2026, 0, 1);
  sampled.forEach((c, i) => {
    for (const r of c.rows) reviewed.add(r);
    counts.facesShown += c.rows.length;
    const tally = new Map<number, number>();
    for (const r of c.rows) tally.set(who[r], (tally.get(who[r]) ?? 0) + 1);
    let major = who[c.rows[0]], most = 0;
    for (const r of c.rows) {
      const n = tally.get(who[r])!;
      if (n > most) most = n, major = who[r];
    }
    const at = new Date(t0 + i * 24_000).toISOString();
    const base = { op: "verdict" as const, cluster: c.key, faces: c.rows.map((r) => keys[r]), seed, at };
    if (most === c.rows.length) {
      counts.correct++;
      decisions.push({ ...base, verdict: "correct", wrong: [] });
    } else if (most >= 2) {
      const wrong = c.rows.filter((r) => who[r] !== major).map((r) => keys[r]);
      counts.wrong++;
      counts.facesWrong += wrong.length;
      decisions.push({ ...base, verdict: "wrong", wrong });
    } else {
      counts.unusable++;
      counts.facesWrong += c.rows.length;
      decisions.push({ ...base, verdict: "wrong", wrong: [] });
    }
  });
  return { decisions, sampled, reviewed, counts };
}

/**
 * Truth restricted to what was not reviewed: `faces` leaves out the rows shown; `people` also
 * leaves out every row of a person any of whose faces was shown (those left out become -1, which
 * the scoring skips).
 */
export function unreviewedTruth(
  truth: Int32Array,
  reviewed: ReadonlySet<number>,
  by: "faces" | "people",
): Int32Array {
  const out = truth.slice();
  if (by === "faces") {
    for (const r of reviewed) out[r] = -1;
    return out;
  }
  const seen = new Set<number>();
  for (const r of reviewed) if (truth[r] >= 0) seen.add(truth[r]);
  for (let r = 0; r < out.length; r++) if (reviewed.has(r) || seen.has(out[r])) out[r] = -1;
  return out;
}
