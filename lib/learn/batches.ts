/**
 * Who is who for training: identities from labels and must-link pairs, a validation split that
 * holds out whole identities, and P×K batches (P identities, K faces each).
 * @module
 */
import { type Random, shuffleInPlace } from "../util/random.ts";
import type { TrainingPairs } from "./types.ts";

/**
 * Identities after must-links: rows joined by a `same = 1` pair become one identity (union-find
 * over the labels and the pairs); an unlabelled row joined to another gets a fresh identity,
 * numbered after the largest label. Rows left unknown stay -1.
 */
export function mergeMustLinks(labels: Int32Array, pairs?: TrainingPairs): Int32Array {
  const n = labels.length;
  if (!pairs || pairs.a.length === 0) return labels.slice();
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const union = (x: number, y: number) => {
    const a = find(x), b = find(y);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const firstOfLabel = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    const f = firstOfLabel.get(labels[i]);
    if (f === undefined) firstOfLabel.set(labels[i], i);
    else union(f, i);
  }
  for (let i = 0; i < pairs.a.length; i++) {
    if (!pairs.same[i]) continue;
    const a = pairs.a[i], b = pairs.b[i];
    if (a >= n || b >= n) throw new RangeError(`pair ${i}: row ${Math.max(a, b)} is past the ${n} rows`);
    union(a, b);
  }
  let next = 0;
  for (let i = 0; i < n; i++) next = Math.max(next, labels[i] + 1);
  const rootLabel = new Map<number, number>();
  const size = new Map<number, number>();
  for (let i = 0; i < n; i++) size.set(find(i), (size.get(find(i)) ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (labels[i] >= 0 && !rootLabel.has(r)) rootLabel.set(r, labels[i]);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let l = rootLabel.get(r);
    if (l === undefined) {
      if ((size.get(r) ?? 1) < 2) {
        out[i] = -1;
        continue;
      }
      l = next++;
      rootLabel.set(r, l);
    }
    out[i] = l;
  }
  return out;
}

/** The rows of each identity (label >= 0), restricted to `rows` when given. */
export function groupRows(labels: Int32Array, rows?: Int32Array): Map<number, number[]> {
  const g = new Map<number, number[]>();
  const each = rows ?? Int32Array.from(labels.keys());
  for (const r of each) {
    const l = labels[r];
    if (l < 0) continue;
    let list = g.get(l);
    if (!list) g.set(l, list = []);
    list.push(r);
  }
  return g;
}

/**
 * Splits rows into training and validation by identity: a `fraction` of the identities with at
 * least two rows (seeded draw), all their rows, are held out. Unknown rows (-1) train.
 */
export function splitByIdentity(
  labels: Int32Array,
  fraction: number,
  random: Random,
): { train: Int32Array; validation: Int32Array } {
  const groups = groupRows(labels);
  const eligible = [...groups.entries()].filter(([, r]) => r.length >= 2).map(([l]) => l).sort((a, b) =>
    a - b
  );
  shuffleInPlace(eligible, random);
  const nVal = fraction > 0 ? Math.min(eligible.length - 2, Math.round(fraction * eligible.length)) : 0;
  const held = new Set(eligible.slice(0, Math.max(0, nVal)));
  const train: number[] = [], validation: number[] = [];
  for (let i = 0; i < labels.length; i++) (held.has(labels[i]) ? validation : train).push(i);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/**
 * P×K batches: each batch takes `p` identities (of those with at least two rows, in a seeded
 * order that is reshuffled when used up) and up to `k` of each one's rows, drawn without
 * replacement.
 */
export class PkSampler {
  readonly #groups: number[][];
  readonly #p: number;
  readonly #k: number;
  readonly #random: Random;
  #order: number[] = [];
  #at = 0;

  /** `groups`: each identity's rows (those with fewer than two are left out). */
  constructor(groups: Iterable<number[]>, p: number, k: number, random: Random) {
    this.#groups = [...groups].filter((g) => g.length >= 2);
    this.#p = Math.min(p, this.#groups.length);
    this.#k = k;
    this.#random = random;
  }

  /** Identities that can be drawn. */
  get identities(): number {
    return this.#groups.length;
  }

  /** The next batch: rows, and the identity (index into the groups) of each. */
  next(): { rows: Int32Array; labels: Int32Array } {
    const rows: number[] = [], labels: number[] = [];
    const taken = new Set<number>();
    while (taken.size < this.#p) {
      if (this.#at >= this.#order.length) {
        this.#order = shuffleInPlace([...this.#groups.keys()], this.#random);
        this.#at = 0;
      }
      const g = this.#order[this.#at++];
      if (taken.has(g)) continue;
      taken.add(g);
      const pick = shuffleInPlace(this.#groups[g].slice(), this.#random).slice(0, this.#k);
      for (const r of pick) {
        rows.push(r);
        labels.push(g);
      }
    }
    return { rows: Int32Array.from(rows), labels: Int32Array.from(labels) };
  }
}
