/**
 * The LFW evaluation protocols: 10-fold verification on pairs.txt, and the choice of the
 * labelled face in each photo.
 * @module
 */

/** One pair of pairs.txt: two image paths (relative to images_deepfunneled/) and whether same person. */
export interface LfwPair {
  /** First image. */
  a: string;
  /** Second image. */
  b: string;
  /** Same person. */
  same: boolean;
  /** Fold 0..9. */
  fold: number;
}

/** Path of image `i` (1-based) of `name`, relative to images_deepfunneled/. */
export function lfwPath(name: string, i: number): string {
  return `${name}/${name}_${String(i).padStart(4, "0")}.jpg`;
}

/** Parses pairs.txt (first line: folds and pairs per half-fold). */
export function parsePairs(text: string): LfwPair[] {
  const lines = text.trim().split("\n");
  const [folds, per] = lines[0].trim().split(/\s+/).map(Number);
  const out: LfwPair[] = [];
  for (let k = 1; k < lines.length; k++) {
    const f = lines[k].trim().split(/\s+/);
    const fold = Math.floor((k - 1) / (2 * per));
    if (fold >= folds) break;
    if (f.length === 3) out.push({ a: lfwPath(f[0], +f[1]), b: lfwPath(f[0], +f[2]), same: true, fold });
    else out.push({ a: lfwPath(f[0], +f[1]), b: lfwPath(f[2], +f[3]), same: false, fold });
  }
  return out;
}

/**
 * 10-fold verification accuracy: for each fold the threshold is the one maximising accuracy on
 * the other nine, and accuracy is measured on the held-out fold. Returns mean and std.
 */
export function tenFoldAccuracy(sims: Float64Array, pairs: readonly LfwPair[]): {
  mean: number;
  std: number;
  thresholds: number[];
} {
  const folds = Math.max(...pairs.map((p) => p.fold)) + 1;
  const accs: number[] = [];
  const thresholds: number[] = [];
  const candidates = Array.from(new Set(sims)).sort((a, b) => a - b);
  const acc = (idx: number[], t: number) =>
    idx.filter((i) => (sims[i] >= t) === pairs[i].same).length / idx.length;
  for (let f = 0; f < folds; f++) {
    const train = pairs.flatMap((p, i) => (p.fold !== f ? [i] : []));
    const test = pairs.flatMap((p, i) => (p.fold === f ? [i] : []));
    // Sweep thresholds over the sorted training similarities in one pass.
    const order = train.slice().sort((x, y) => sims[x] - sims[y]);
    let correct = train.filter((i) => pairs[i].same).length; // threshold below everything: all "same"
    let best = correct, bestT = candidates[0] - 1e-6;
    for (let j = 0; j < order.length; j++) {
      correct += pairs[order[j]].same ? -1 : 1; // order[j] now falls below the threshold
      const next = j + 1 < order.length ? sims[order[j + 1]] : sims[order[j]] + 1e-6;
      if (next === sims[order[j]]) continue;
      if (correct > best) best = correct, bestT = (sims[order[j]] + next) / 2;
    }
    thresholds.push(bestT);
    accs.push(acc(test, bestT));
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return { mean, std, thresholds };
}

/** Index of the face whose box centre is nearest the photo's centre (-1 when none). */
export function centreFace(
  boxes: readonly [number, number, number, number][],
  width: number,
  height: number,
): number {
  let best = -1, bd = Infinity;
  boxes.forEach(([x, y, w, h], i) => {
    const d = (x + w / 2 - width / 2) ** 2 + (y + h / 2 - height / 2) ** 2;
    if (d < bd) bd = d, best = i;
  });
  return best;
}
