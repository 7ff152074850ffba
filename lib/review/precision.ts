/**
 * Estimated precision of a clustering from the verdicts on a sample of its clusters: the
 * share of sampled clusters judged correct (one person), and the share of the faces looked at
 * that belong with their cluster, each with a Wilson 95% interval. The face counts come from
 * the notebook validation's {@link validationSummary}; the faces of one cluster are not
 * independent draws, so the face interval is narrower than the truth (the cluster one is not).
 * @module
 */
import { type ValidationFile, validationSummary } from "./validation.ts";
import type { VerdictRecord } from "./decisions.ts";

/** A proportion with its confidence interval. */
export interface Proportion {
  /** Successes. */
  k: number;
  /** Trials. */
  n: number;
  /** k / n (NaN when n = 0). */
  p: number;
  /** Lower end of the interval (NaN when n = 0). */
  low: number;
  /** Upper end of the interval (NaN when n = 0). */
  high: number;
}

/**
 * The Wilson score interval of k successes in n trials (z = 1.96: 95%).
 *
 * @example
 * ```ts
 * wilson(9, 10); // { k: 9, n: 10, p: 0.9, low: 0.596, high: 0.982 } (rounded)
 * ```
 */
export function wilson(k: number, n: number, z = 1.959963984540054): Proportion {
  if (n <= 0) return { k, n, p: NaN, low: NaN, high: NaN };
  const p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    k,
    n,
    p,
    low: k <= 0 ? 0 : Math.max(0, centre - half),
    high: k >= n ? 1 : Math.min(1, centre + half),
  };
}

/** What the verdicts say. */
export interface PrecisionEstimate {
  /** Clusters in the sample. */
  sampled: number;
  /** Clusters with a verdict. */
  checked: number;
  /** Sampled clusters judged correct, of those checked. */
  clusters: Proportion;
  /** Faces that belong with their cluster, of the faces looked at in checked clusters. */
  faces: Proportion;
}

/**
 * Estimates precision from the verdicts of the `sampled` clusters (keys); verdicts on other
 * clusters (an earlier sample) are left out. A `wrong` verdict listing no face counts every
 * face looked at as wrong.
 */
export function estimatePrecision(
  sampled: readonly string[],
  verdicts: ReadonlyMap<string, VerdictRecord>,
): PrecisionEstimate {
  // The notebook validation file's shape, with faces numbered in order of appearance.
  const ids = new Map<string, number>();
  const id = (k: string) => ids.get(k) ?? ids.set(k, ids.size).get(k)!;
  const file: ValidationFile = {
    instructions: "",
    run: "",
    faces: 0,
    seed: 0,
    clusters: sampled.map((key) => {
      const v = verdicts.get(key);
      const rows = (v?.faces ?? []).map(id);
      return {
        cluster: 0,
        size: rows.length,
        rows,
        verdict: !v ? "" : v.verdict === "correct" ? "one person" : v.wrong.length ? "mixed" : "not faces",
        wrong: v && v.verdict === "wrong" ? v.wrong.map(id).filter((r) => rows.includes(r)) : [],
      };
    }),
  };
  const s = validationSummary(file);
  return {
    sampled: s.sampled,
    checked: s.checked,
    clusters: wilson(s.onePerson, s.checked),
    faces: wilson(s.facesChecked - s.facesWrong, s.facesChecked),
  };
}
