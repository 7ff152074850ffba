/**
 * What the run's own embeddings say about similarities, without labels: the typical similarity of
 * two different people (`impostor`: the median similarity of random pairs, nearly all of them
 * different people) and of two photos of one person (`genuine`: the mean of the random pairs'
 * similarities in excess of the impostor distribution, taken as symmetric about its median, so
 * that its upper half is the mirror of its lower half).
 *
 * The impostor level holds at any size. The excess does not: it mixes look-alike strangers (real
 * impostor distributions have a heavier upper tail than their mirror) with one person's pairs, whose
 * share of random pairs falls as 1/n, so it reads low and falls with n (LFW 0.341 where one person's
 * photos are at 0.681; 1,000,000 synthetic faces 0.113 where the truth is 0.645). The choice
 * therefore takes one person's level from its strictest run's clusters (lib/select/genuine_level.ts)
 * and keeps this one as evidence (`excessGenuine`) and as the fallback when that run joins nothing.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";

/** Label-free similarity statistics of a set. */
export interface PairStats {
  /** Median cosine similarity of random pairs (different people). */
  impostor: number;
  /** Mean similarity of same-person pairs, from the excess over the mirrored impostor distribution. */
  genuine: number;
  /** Share of random pairs in that excess (about the share of same-person pairs). */
  genuineShare: number;
  /** Random pairs drawn. */
  pairs: number;
}

/** Estimates {@link PairStats} from `pairs` seeded random pairs of distinct rows (faces of one photo skipped). */
export function pairStats(
  x: Matrix,
  opts: { pairs?: number; seed?: number; imageOf?: ArrayLike<number> } = {},
): PairStats {
  const n = x.rows, d = x.cols, data = x.data;
  const want = opts.pairs ?? 400_000;
  if (n < 2) return { impostor: 0, genuine: 1, genuineShare: 0, pairs: 0 };
  const random = seededRandom(opts.seed ?? 1);
  const bins = 400; // similarity -1..1 in steps of 0.005
  const hist = new Float64Array(bins);
  let count = 0;
  for (let t = 0; t < want * 2 && count < want; t++) {
    const i = Math.floor(random() * n), j = Math.floor(random() * n);
    if (i === j || (opts.imageOf && opts.imageOf[i] === opts.imageOf[j])) continue;
    let s = 0;
    for (let c = 0, oi = i * d, oj = j * d; c < d; c++) s += data[oi + c] * data[oj + c];
    hist[Math.min(bins - 1, Math.max(0, Math.floor((s + 1) / 2 * bins)))]++;
    count++;
  }
  // Median bin (by cumulative count), then the excess of each upper bin over its mirror.
  let acc = 0, mid = 0;
  for (; mid < bins; mid++) if ((acc += hist[mid]) >= count / 2) break;
  const centre = (b: number) => (b + 0.5) / bins * 2 - 1;
  let mass = 0, sum = 0;
  for (let b = mid + 1; b < bins; b++) {
    const mirror = 2 * mid - b;
    const excess = hist[b] - (mirror >= 0 ? hist[mirror] : 0);
    if (excess > 0) mass += excess, sum += excess * centre(b);
  }
  const impostor = centre(mid);
  return {
    impostor,
    genuine: mass > 0 ? sum / mass : 1,
    genuineShare: mass / count,
    pairs: count,
  };
}
