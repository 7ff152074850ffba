/**
 * The simulated regimes of the development sets (bench:devsets and lib/bench/ceiling.ts), made
 * from the sets' own embeddings: LFW people with 10+ photos (large clusters), LFW people with 30+
 * photos (few people, many photos each), pins with 8 photos per person (a seeded draw), pins
 * with 2,000 one-photo LFW people added as strangers (scored, each their own person), and pins with
 * the same 2,000 faces as bystanders in its photos (unscored, as in full frames with passers-by).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { EmbeddingSet, FaceMeta } from "../store/embedding_set.ts";
import { seededRandom } from "../util/random.ts";

/** The faces of `set` that `keep` keeps, in order. */
export function subset(set: EmbeddingSet, keep: (f: FaceMeta, i: number) => boolean): EmbeddingSet {
  const rows = set.faces.flatMap((f, i) => (keep(f, i) ? [i] : []));
  const d = set.x.cols;
  const x: Matrix = { rows: rows.length, cols: d, data: new Float32Array(rows.length * d) };
  rows.forEach((r, k) => x.data.set(set.x.data.subarray(r * d, (r + 1) * d), k * d));
  return { x, faces: rows.map((r) => set.faces[r]) };
}

/** The faces of `a`, then those of `b`. */
export function concat(a: EmbeddingSet, b: EmbeddingSet): EmbeddingSet {
  const data = new Float32Array(a.x.data.length + b.x.data.length);
  data.set(a.x.data);
  data.set(b.x.data, a.x.data.length);
  return { x: { rows: a.x.rows + b.x.rows, cols: a.x.cols, data }, faces: [...a.faces, ...b.faces] };
}

/** The photos (paths) of each labelled person. */
export function photosPerPerson(faces: readonly FaceMeta[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const f of faces) {
    const s = m.get(f.label!) ?? new Set();
    s.add(f.path);
    m.set(f.label!, s);
  }
  return m;
}

/** Names of the regimes, in the order {@link regimes} makes them. */
export const REGIME_NAMES = ["lfw-10+", "lfw-30+", "pins-8/person", "pins+2000", "pins+bystanders"] as const;

/**
 * The regimes that the given sets allow (a regime whose set is missing is left out; its name is
 * in {@link REGIME_NAMES}).
 */
export function regimes(lfw?: EmbeddingSet, pins?: EmbeddingSet): [string, EmbeddingSet][] {
  const out: [string, EmbeddingSet][] = [];
  if (lfw) {
    const per = photosPerPerson(lfw.faces);
    out.push(["lfw-10+", subset(lfw, (f) => per.get(f.label!)!.size >= 10)]);
    // Few people, many photos each (as a set of one person's pre-aligned crops by the hundred).
    out.push(["lfw-30+", subset(lfw, (f) => per.get(f.label!)!.size >= 30)]);
  }
  if (pins) {
    const random = seededRandom(2);
    const keep = new Set<string>();
    for (const paths of photosPerPerson(pins.faces).values()) {
      const list = [...paths].sort();
      for (let i = 0; i < 8 && list.length > 0; i++) {
        keep.add(list.splice(Math.floor(random() * list.length), 1)[0]);
      }
    }
    out.push(["pins-8/person", subset(pins, (f) => keep.has(f.path))]);
  }
  if (lfw && pins) {
    const per = photosPerPerson(lfw.faces);
    let n = 0;
    const strangers = subset(lfw, (f) => per.get(f.label!)!.size === 1 && f.face === 0 && n++ < 2000);
    out.push(["pins+2000", concat(pins, strangers)]);
    out.push(["pins+bystanders", concat(pins, asBystanders(strangers, pins, seededRandom(5)))]);
  }
  return out;
}

/**
 * `faces` made bystanders in photos of `hosts`: each put into a photo drawn at random (same photo
 * id, so the photo's faces stay apart), smaller than the photo's first face so that it is never
 * the scored one, and unlabelled.
 */
export function asBystanders(faces: EmbeddingSet, hosts: EmbeddingSet, random: () => number): EmbeddingSet {
  const firsts = hosts.faces.filter((f) => f.face === 0);
  const used = new Map<string, number>();
  const moved = faces.faces.map((): FaceMeta => {
    const h = firsts[Math.floor(random() * firsts.length)];
    const face = 100 + (used.get(h.path) ?? 0);
    used.set(h.path, face - 99);
    const out: FaceMeta = { path: h.path, imageId: h.imageId, face };
    if (h.box) out.box = [h.box[0], h.box[1], h.box[2] / 3, h.box[3] / 3];
    return out;
  });
  return { x: faces.x, faces: moved };
}
