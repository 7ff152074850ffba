/**
 * After-the-fact constraint enforcement, for methods that cannot respect constraints while
 * clustering: must-link pairs merge their clusters (unless that breaks a cannot-link), and
 * clusters holding a cannot-link pair are split in two around the pair, recursively.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { relabel } from "./labels.ts";

/** Cannot-link pairs (flat `[a0, b0, ...]`) whose two rows share a non-noise label. */
export function violations(labels: Int32Array, cannotLink?: Int32Array): number {
  let v = 0;
  if (!cannotLink) return 0;
  for (let p = 0; p + 1 < cannotLink.length; p += 2) {
    const la = labels[cannotLink[p]];
    if (la >= 0 && la === labels[cannotLink[p + 1]] && cannotLink[p] !== cannotLink[p + 1]) v++;
  }
  return v;
}

function maxLabel(labels: Int32Array): number {
  let m = -1;
  for (const l of labels) if (l > m) m = l;
  return m;
}

function dot(x: Matrix, i: number, v: Float64Array): number {
  let s = 0;
  const o = i * x.cols;
  for (let c = 0; c < x.cols; c++) s += x.data[o + c] * v[c];
  return s;
}

function centroid(x: Matrix, members: readonly number[]): Float64Array {
  const v = new Float64Array(x.cols);
  for (const i of members) {
    const o = i * x.cols;
    for (let c = 0; c < x.cols; c++) v[c] += x.data[o + c];
  }
  return v;
}

/**
 * Splits `members` so that no cannot-link pair shares a part: seed two parts with the ends
 * of a violating pair, assign every other member to the part whose centroid is more
 * similar (refined twice), and recurse on parts that still violate.
 */
function split(x: Matrix, members: number[], partners: Map<number, number[]>): number[][] {
  const inSet = new Set(members);
  let pair: [number, number] | undefined;
  for (const a of members) {
    for (const b of partners.get(a) ?? []) {
      if (b !== a && inSet.has(b)) {
        pair = [a, b];
        break;
      }
    }
    if (pair) break;
  }
  if (!pair) return [members];
  const [a, b] = pair;
  let side = new Map<number, 0 | 1>();
  let ca = centroid(x, [a]), cb = centroid(x, [b]);
  for (let round = 0; round < 3; round++) {
    side = new Map([[a, 0], [b, 1]]);
    for (const i of members) {
      if (i === a || i === b) continue;
      side.set(i, dot(x, i, ca) >= dot(x, i, cb) ? 0 : 1);
    }
    const p0 = members.filter((i) => side.get(i) === 0), p1 = members.filter((i) => side.get(i) === 1);
    ca = centroid(x, p0);
    cb = centroid(x, p1);
  }
  const parts = [members.filter((i) => side.get(i) === 0), members.filter((i) => side.get(i) === 1)];
  return parts.flatMap((p) => split(x, p, partners));
}

/**
 * Returns labels that respect the constraints: must-link pairs first join their clusters
 * (a noise row joins its partner's cluster; merges that would create a cannot-link
 * violation are skipped), then clusters violating cannot-link are split.
 */
export function enforceConstraints(
  x: Matrix,
  labels: Int32Array,
  cannotLink?: Int32Array,
  mustLink?: Int32Array,
): Int32Array {
  const out = labels.slice();
  const partners = new Map<number, number[]>();
  for (let p = 0; cannotLink && p + 1 < cannotLink.length; p += 2) {
    const a = cannotLink[p], b = cannotLink[p + 1];
    if (a === b) continue;
    (partners.get(a) ?? partners.set(a, []).get(a)!).push(b);
    (partners.get(b) ?? partners.set(b, []).get(b)!).push(a);
  }
  if (mustLink && mustLink.length > 0) {
    let next = maxLabel(out) + 1;
    const members = new Map<number, number[]>();
    out.forEach((l, i) => l >= 0 && (members.get(l) ?? members.set(l, []).get(l)!).push(i));
    for (let p = 0; p + 1 < mustLink.length; p += 2) {
      const a = mustLink[p], b = mustLink[p + 1];
      if (out[a] < 0 && out[b] < 0) {
        out[a] = out[b] = next;
        members.set(next++, [a, b]);
        continue;
      }
      if (out[a] === out[b]) continue;
      const la = out[a], lb = out[b];
      const ma = la >= 0 ? members.get(la)! : [a], mb = lb >= 0 ? members.get(lb)! : [b];
      const setB = new Set(mb);
      const clash = ma.some((i) => (partners.get(i) ?? []).some((j) => setB.has(j)));
      if (clash) continue;
      const target = la >= 0 ? la : lb;
      const merged = [...ma, ...mb];
      for (const i of merged) out[i] = target;
      members.set(target, merged);
      if (la >= 0 && lb >= 0) members.delete(lb);
    }
  }
  if (partners.size === 0 || violations(out, cannotLink) === 0) return relabel(out);
  const members = new Map<number, number[]>();
  out.forEach((l, i) => l >= 0 && (members.get(l) ?? members.set(l, []).get(l)!).push(i));
  let next = maxLabel(out) + 1;
  for (const [label, list] of members) {
    const parts = split(x, list, partners);
    for (let p = 1; p < parts.length; p++) {
      for (const i of parts[p]) out[i] = next;
      next++;
    }
    void label;
  }
  return relabel(out);
}
