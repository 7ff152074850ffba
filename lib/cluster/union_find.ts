/**
 * Union-find (disjoint sets) with optional cannot-link constraints: a union that would put
 * two cannot-linked rows in one set is refused.
 * @module
 */

/** Disjoint sets over `0..n-1`, with path halving and union by size. */
export class UnionFind {
  /** Parent of each element (a root is its own parent). */
  readonly parent: Int32Array;
  /** Set size, valid at roots. */
  readonly size: Int32Array;
  /** Cannot-link partners per element (only for elements that have any). */
  private readonly partners = new Map<number, number[]>();
  /** Per root: members that have partners (small lists; merged small-to-large). */
  private readonly constrained = new Map<number, number[]>();

  /** @param n number of elements @param cannotLink flat pairs `[a0, b0, ...]` never to join */
  constructor(n: number, cannotLink?: Int32Array) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
    if (cannotLink) {
      for (let p = 0; p + 1 < cannotLink.length; p += 2) {
        const a = cannotLink[p], b = cannotLink[p + 1];
        if (a === b) continue;
        for (const [u, v] of [[a, b], [b, a]]) {
          const list = this.partners.get(u);
          if (list) list.push(v);
          else this.partners.set(u, [v]);
        }
      }
      for (const u of this.partners.keys()) this.constrained.set(u, [u]);
    }
  }

  /** Root of `i`'s set. */
  find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  /** Whether joining the sets of `a` and `b` would break a cannot-link. */
  conflicts(a: number, b: number): boolean {
    let ra = this.find(a), rb = this.find(b);
    if (ra === rb) return false;
    let la = this.constrained.get(ra), lb = this.constrained.get(rb);
    if (!la || !lb) return false;
    if (la.length > lb.length) [la, lb, ra, rb] = [lb, la, rb, ra];
    for (const u of la) {
      for (const v of this.partners.get(u)!) if (this.find(v) === rb) return true;
    }
    return false;
  }

  /** Joins the sets of `a` and `b` unless that breaks a cannot-link; returns whether joined (or already one). */
  union(a: number, b: number): boolean {
    let ra = this.find(a), rb = this.find(b);
    if (ra === rb) return true;
    if (this.conflicts(ra, rb)) return false;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    const lb = this.constrained.get(rb);
    if (lb) {
      const la = this.constrained.get(ra);
      if (la) { for (const u of lb) la.push(u); }
      else this.constrained.set(ra, lb);
      this.constrained.delete(rb);
    }
    return true;
  }

  /** Cannot-link partners of element `i`. */
  partnersOf(i: number): readonly number[] {
    return this.partners.get(i) ?? [];
  }

  /** Labels 0..C-1 by set, numbered in order of each set's first element. */
  labels(): Int32Array {
    const n = this.parent.length;
    const out = new Int32Array(n);
    const id = new Int32Array(n).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (id[r] < 0) id[r] = next++;
      out[i] = id[r];
    }
    return out;
  }
}
