/**
 * Identity-disjoint folds for the honest evaluation of an adapter: LFW's people.txt (10 sets of
 * people), or a seeded split of any list of people; and verification accuracy on one fold with
 * the threshold chosen on the others.
 * @module
 */
import { type Random, shuffleInPlace } from "../util/random.ts";

/** Parses LFW's people.txt: first line the number of folds, then per fold a count and `name count` lines. */
export function parsePeopleFolds(text: string, name = "people.txt"): string[][] {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const folds = Number(lines[0]);
  if (!Number.isInteger(folds) || folds < 1) throw new Error(`${name}: line 1 is not a number of folds`);
  const out: string[][] = [];
  let at = 1;
  for (let f = 0; f < folds; f++) {
    const n = Number(lines[at]);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`${name}: line ${at + 1}: expected the size of fold ${f + 1}`);
    }
    at++;
    const people: string[] = [];
    for (let i = 0; i < n; i++, at++) {
      const person = lines[at]?.split(/\s+/)[0];
      if (!person) throw new Error(`${name}: fold ${f + 1} ends early at line ${at + 1}`);
      people.push(person);
    }
    out.push(people);
  }
  return out;
}

/** Splits `people` into `k` folds of near-equal size, in a seeded order. */
export function splitPeople(people: readonly string[], k: number, random: Random): string[][] {
  const order = shuffleInPlace([...people].sort(), random);
  const out: string[][] = Array.from({ length: k }, () => []);
  order.forEach((p, i) => out[i % k].push(p));
  return out;
}

/** A scored pair: its cosine, whether it is one person, and its fold. */
export interface ScoredPair {
  /** Cosine similarity. */
  sim: number;
  /** One person. */
  same: boolean;
  /** Fold. */
  fold: number;
}

/**
 * Accuracy on the pairs of fold `test` at the threshold ("same when cosine > t") that is best
 * on every other fold's pairs.
 */
export function foldAccuracy(
  pairs: readonly ScoredPair[],
  test: number,
): { accuracy: number; threshold: number } {
  const train = pairs.filter((p) => p.fold !== test).sort((a, b) => a.sim - b.sim);
  const held = pairs.filter((p) => p.fold === test);
  let right = train.reduce((s, p) => s + (p.same ? 1 : 0), 0); // threshold below all: all "same"
  let best = right, threshold = (train[0]?.sim ?? 0) - 1e-6;
  for (let i = 0; i < train.length; i++) {
    right += train[i].same ? -1 : 1;
    const next = i + 1 < train.length ? train[i + 1].sim : train[i].sim + 1e-6;
    if (next === train[i].sim) continue;
    if (right > best) best = right, threshold = (train[i].sim + next) / 2;
  }
  const ok = held.reduce((s, p) => s + ((p.sim > threshold) === p.same ? 1 : 0), 0);
  return { accuracy: held.length ? ok / held.length : NaN, threshold };
}

/**
 * Verification pairs drawn inside each fold (for sets without a pairs list): up to `perFold`
 * same-person and as many two-person pairs of the fold's labelled rows, seeded.
 */
export function drawFoldPairs(
  rowsOfPerson: ReadonlyMap<string, readonly number[]>,
  folds: readonly (readonly string[])[],
  perFold: number,
  random: Random,
): { a: number; b: number; same: boolean; fold: number }[] {
  const out: { a: number; b: number; same: boolean; fold: number }[] = [];
  folds.forEach((people, fold) => {
    const pos: [number, number][] = [];
    for (const p of people) {
      const r = rowsOfPerson.get(p) ?? [];
      for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) pos.push([r[i], r[j]]);
    }
    shuffleInPlace(pos, random);
    const take = pos.slice(0, perFold);
    for (const [a, b] of take) out.push({ a, b, same: true, fold });
    const withRows = people.filter((p) => (rowsOfPerson.get(p) ?? []).length > 0);
    if (withRows.length < 2) return;
    for (let n = 0; n < take.length; n++) {
      const i = Math.floor(random() * withRows.length);
      let j = Math.floor(random() * (withRows.length - 1));
      if (j >= i) j++;
      const ra = rowsOfPerson.get(withRows[i])!, rb = rowsOfPerson.get(withRows[j])!;
      out.push({
        a: ra[Math.floor(random() * ra.length)],
        b: rb[Math.floor(random() * rb.length)],
        same: false,
        fold,
      });
    }
  });
  return out;
}
