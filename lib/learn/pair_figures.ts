/**
 * Quick figures of how well unit vectors separate people: mean cosine of same-person pairs and
 * of two-person pairs, their gap, and the verification accuracy at the best threshold on an
 * equal number of each (the progress and validation figure of training).
 * @module
 */
import { seededRandom } from "../util/random.ts";

/** Figures of a set of labelled unit vectors. */
export interface PairFigures {
  /** Mean cosine of same-person pairs. */
  posMean: number;
  /** Mean cosine of two-person pairs. */
  negMean: number;
  /** `posMean - negMean`. */
  gap: number;
  /** Share of pairs right at the best single threshold (equal numbers of each kind). */
  verificationAccuracy: number;
  /** Pairs of each kind used. */
  pairs: number;
}

/**
 * {@link PairFigures} of `vectors` (`rows x dim`) with `labels` (-1 rows are skipped): every
 * same-person pair up to `maxPairs` (a seeded sample beyond), and as many two-person pairs drawn
 * at random (seeded).
 */
export function pairFigures(
  vectors: Float32Array,
  dim: number,
  labels: Int32Array,
  seed = 1,
  maxPairs = 20000,
): PairFigures {
  const random = seededRandom(seed);
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) rows.push(i);
  const byLabel = new Map<number, number[]>();
  for (const r of rows) {
    const l = byLabel.get(labels[r]);
    if (l) l.push(r);
    else byLabel.set(labels[r], [r]);
  }
  let pos: [number, number][] = [];
  for (const g of byLabel.values()) {
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) pos.push([g[i], g[j]]);
  }
  if (pos.length > maxPairs) {
    for (let i = 0; i < maxPairs; i++) {
      const j = i + Math.floor(random() * (pos.length - i));
      [pos[i], pos[j]] = [pos[j], pos[i]];
    }
    pos = pos.slice(0, maxPairs);
  }
  const neg: [number, number][] = [];
  if (byLabel.size >= 2) {
    while (neg.length < Math.max(pos.length, 1)) {
      const a = rows[Math.floor(random() * rows.length)], b = rows[Math.floor(random() * rows.length)];
      if (labels[a] !== labels[b]) neg.push([a, b]);
    }
  }
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += vectors[a * dim + k] * vectors[b * dim + k];
    return s;
  };
  const scored: [number, number][] = [];
  let ps = 0, ns = 0;
  for (const [a, b] of pos) {
    const c = dot(a, b);
    ps += c;
    scored.push([c, 1]);
  }
  for (const [a, b] of neg) {
    const c = dot(a, b);
    ns += c;
    scored.push([c, 0]);
  }
  const posMean = pos.length ? ps / pos.length : NaN;
  const negMean = neg.length ? ns / neg.length : NaN;
  return {
    posMean,
    negMean,
    gap: posMean - negMean,
    verificationAccuracy: bestThresholdAccuracy(scored),
    pairs: pos.length,
  };
}

/** Accuracy of the best threshold "same when cosine > t" on scored pairs `[cos, same]`. */
export function bestThresholdAccuracy(scored: [number, number][]): number {
  if (scored.length === 0) return NaN;
  const s = scored.slice().sort((x, y) => x[0] - y[0]);
  let totalPos = 0;
  for (const [, y] of s) totalPos += y;
  // threshold below everything: all called same
  let right = totalPos, best = right;
  for (let i = 0; i < s.length; i++) {
    right += s[i][1] ? -1 : 1; // s[i] now called "not same"
    if (i + 1 < s.length && s[i + 1][0] === s[i][0]) continue;
    best = Math.max(best, right);
  }
  return best / s.length;
}
