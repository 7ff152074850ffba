/**
 * The simulated regimes of the development sets (bench:devsets and lib/bench/ceiling.ts), made
 * from the sets' own embeddings: LFW people with 10+ photos (large clusters), pins with 8 photos
 * per person (a seeded draw), and pins with 2,000 one-photo LFW people added as strangers
 * (bystander-like faces).
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
export const REGIME_NAMES = ["lfw-10+", "pins-8/person", "pins+2000"] as const;

/**
 * The regimes that the given sets allow (a regime whose set is missing is left out; its name is
 * in {@link REGIME_NAMES}).
 */
export function regimes(lfw?: EmbeddingSet, pins?: EmbeddingSet): [string, EmbeddingSet][] {
  const out: [string, EmbeddingSet][] = [];
  if (lfw) {
    const per = photosPerPerson(lfw.faces);
    out.push(["lfw-10+", subset(lfw, (f) => per.get(f.label!)!.size >= 10)]);
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
    out.push([
      "pins+2000",
      concat(pins, subset(lfw, (f) => per.get(f.label!)!.size === 1 && f.face === 0 && n++ < 2000)),
    ]);
  }
  return out;
}
