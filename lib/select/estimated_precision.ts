/**
 * BCubed precision of a clustering estimated without labels.
 *
 * For a face i in cluster C, its mean similarity to the other members is about
 * `p·member + (1 - p)·impostor`, where p is the share of C that is i's person (its BCubed
 * precision) and `member` the level at which a face counts fully as its cluster's person
 * (lib/select/member_level.ts): so p = (mean - impostor) / (member - impostor), clipped to [0, 1].
 * The estimate is the mean of `(1 + p·(|C| - 1)) / |C|` over all faces. It rests on means, not on
 * tails: it needs no model of how often two different people look alike, and it falls steeply when
 * clusters chain different people together. It does not see a lone look-alike joined to a cluster
 * at a similarity above the member level (hence a level that rises with the number of faces).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type MemberMeans, memberMeans } from "./member_means.ts";

/** The two similarity levels the estimate needs. */
export interface PrecisionLevels {
  /** Typical similarity of two different people. */
  impostor: number;
  /** Mean similarity to its cluster at which a face counts fully as its cluster's person. */
  member: number;
}

/** Estimated BCubed precision from each face's {@link MemberMeans}. */
export function estimatedPrecisionOf(means: MemberMeans, levels: PrecisionLevels): number {
  const n = means.mean.length;
  if (n === 0) return 1;
  const span = levels.member - levels.impostor;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = means.size[i];
    if (m <= 1) {
      total += 1;
      continue;
    }
    const p = span > 0 ? Math.min(1, Math.max(0, (means.mean[i] - levels.impostor) / span)) : 0;
    total += (1 + p * (m - 1)) / m;
  }
  return total / n;
}

/** Estimated BCubed precision of `labels` over the unit rows of `x` (-1 = unassigned, counted as a singleton). */
export function estimatedPrecision(x: Matrix, labels: Int32Array, levels: PrecisionLevels): number {
  if (labels.length !== x.rows) {
    throw new RangeError(`estimatedPrecision: ${labels.length} labels for ${x.rows} rows`);
  }
  return estimatedPrecisionOf(memberMeans(x, labels), levels);
}
