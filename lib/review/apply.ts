/**
 * Review decisions honoured by a (re)clustering: what the clustering is told beforehand
 * (must-link, cannot-link, faces left out), the final labels afterwards (every decided face
 * where the user put it; new faces joining a person when clearly close), and the decisions that
 * could not be honoured, with the reason.
 *
 * The steps, for an embedding set (rows of `x`, one {@link FaceMeta} each) and a replayed
 * {@link ReviewState}:
 *
 * 1. {@link planReview}: the decided people and their rows ({@link fixedLabels}: people who share
 *    a name are one), the decisions' must-link and cannot-link pairs ({@link toConstraints}),
 *    strengthened so that every row of one person cannot link the first row of every other
 *    person, the faces rejected as not faces (left out of the clustering), and the decisions
 *    about faces the set lacks ({@link Unhonoured}).
 * 2. {@link clusterProblem} / {@link expandLabels}: the rows that take part in the clustering and
 *    their constraints, and the labels mapped back (left-out rows are -1).
 * 3. {@link finalLabels}: each cluster holding decided faces goes to the person with the most of
 *    them (free faces of a cluster claimed by several people go to the nearest one's centroid);
 *    every decided face is its person's, whatever the clustering said; a cluster (or an
 *    unclustered face) with no decided face joins the nearest person when its average-linkage
 *    distance to the person (one minus the mean cosine similarity of its faces with the person's
 *    faces) is within `threshold`, at least `margin` less than its distance to the next person
 *    (see {@link JOIN_MARGIN}), and no face of it shares a photo with one of the person's: the
 *    rule by which average-linkage clustering at `threshold` merges, so a face joins a person only
 *    where such a clustering would have put it with them had nothing kept them apart (another
 *    method's choice, or a cannot-link); a free face rejected as `not-this-person`, judged wrong in a verdict, or left out
 *    of a split selection, that still ends beside the faces it was rejected from, is taken out
 *    (-1); clusters of mostly hidden faces are hidden (-1).
 * 4. {@link shownLabels}: clusters numbered largest first as the reports show them; people are
 *    always shown, other clusters from `minClusterSize` faces.
 * @module
 */
import { enforceConstraints } from "../cluster/constraints.ts";
import type { Matrix } from "../matrix.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import {
  type FaceKey,
  faceKey,
  fixedLabels,
  FREE,
  NOT_A_FACE,
  resolvePerson,
  type ReviewState,
  toConstraints,
} from "./decisions.ts";

/**
 * How much nearer (cosine distance between centroids) a new cluster or face must be to its
 * nearest person than to the next one to join it: 0.1, a fifth of the gap between the default
 * clustering threshold (0.55) and the distance of two strangers' faces (about 1).
 */
export const JOIN_MARGIN = 0.1;

/**
 * Most cannot-link pairs added between people beyond {@link toConstraints}' (every row of one
 * person with the first row of each other person); above it only the decisions' own pairs are
 * used (the final labels honour the people either way).
 */
export const MAX_PEOPLE_PAIRS = 2_000_000;

/** A decided person of a run. */
export interface ReviewPerson {
  /** Person id of the decision log (the first by id order when several share a name). */
  id: string;
  /** Name, when named. */
  name?: string;
  /** Rows of the embedding set fixed to this person by the decisions. */
  rows: number[];
}

/** A decision that a run could not honour, and why. */
export interface Unhonoured {
  /** What was decided, in words (e.g. `face of "Ada"`, `rejected as not a face`). */
  decision: string;
  /** The faces concerned (face keys). */
  faces: FaceKey[];
  /** Photo path, where known (this run's, or the earlier run's for a photo that left). */
  path?: string;
  /** Why it could not be honoured. */
  reason: string;
}

/** What a clustering has to honour, in rows of one embedding set. */
export interface ReviewPlan {
  /** Per row: index into {@link people}, {@link FREE}, or {@link NOT_A_FACE}. */
  fixed: Int32Array;
  /** The decided people that have rows in this set, in the order of {@link fixedLabels}. */
  people: ReviewPerson[];
  /** Must-link row pairs, flat `[a0, b0, ...]`. */
  mustLink: Int32Array;
  /** Cannot-link row pairs of the decisions, flat (faces of one photo are not included). */
  cannotLink: Int32Array;
  /** `[mover, anchor]` row pairs, flat: the free row `mover` must not end beside `anchor`. */
  apart: Int32Array;
  /** 1 for rows of hidden clusters. */
  hidden: Uint8Array;
  /** Decisions about faces (or people) the set lacks. */
  unhonoured: Unhonoured[];
}

/** Options of {@link planReview}. */
export interface PlanOptions {
  /** Photo path per face key, from an earlier run (names photos that left the folder). */
  previousPaths?: ReadonlyMap<FaceKey, string>;
  /** See {@link MAX_PEOPLE_PAIRS}. */
  maxPeoplePairs?: number;
}

function flat(pairs: readonly (readonly [number, number])[]): Int32Array {
  const out = new Int32Array(pairs.length * 2);
  pairs.forEach(([a, b], i) => {
    out[2 * i] = a;
    out[2 * i + 1] = b;
  });
  return out;
}

function keyParts(k: FaceKey): { imageId: string; face: number } {
  const at = k.lastIndexOf("#");
  return { imageId: at < 0 ? k : k.slice(0, at), face: at < 0 ? NaN : Number(k.slice(at + 1)) };
}

/** The words for a person: `"Ada"` or `person p3`. */
function personWords(name: string | undefined, id: string): string {
  return name !== undefined ? JSON.stringify(name) : `person ${id}`;
}

/**
 * The decisions of `state` in rows of `faces`: people, constraints, rows left out, hidden rows,
 * and the decisions about faces the set lacks (one entry per photo and kind of decision, plus one
 * per person none of whose faces is in the set).
 */
export function planReview(
  state: ReviewState,
  faces: readonly Pick<FaceMeta, "imageId" | "face" | "path">[],
  opts: PlanOptions = {},
): ReviewPlan {
  const { labels: fixed, people: fixedPeople } = fixedLabels(state, faces);
  const people: ReviewPerson[] = fixedPeople.map((p) => ({
    id: p.id,
    ...(p.name !== undefined ? { name: p.name } : {}),
    rows: [],
  }));
  fixed.forEach((l, i) => l >= 0 && people[l].rows.push(i));

  const row = new Map<FaceKey, number>();
  const photoFaces = new Map<string, { path: string; count: number }>();
  faces.forEach((f, i) => {
    const k = faceKey(f);
    if (!row.has(k)) row.set(k, i);
    const p = photoFaces.get(f.imageId);
    if (p) p.count++;
    else photoFaces.set(f.imageId, { path: f.path, count: 1 });
  });

  // Constraints: the decisions' own pairs, plus every row of a person against the first row of
  // every other person (so that no cluster holding one person's face merges into another's).
  const c = toConstraints(state, faces);
  const cannot = c.cannotLink.map(([a, b]) => [a, b] as const);
  const withRows = people.filter((p) => p.rows.length > 0);
  const total = withRows.reduce((s, p) => s + p.rows.length, 0);
  const extra = (withRows.length - 1) * total;
  if (withRows.length > 1 && extra <= (opts.maxPeoplePairs ?? MAX_PEOPLE_PAIRS)) {
    for (const p of withRows) {
      for (const q of withRows) {
        if (p === q) continue;
        for (const r of p.rows) if (r !== q.rows[0]) cannot.push([r, q.rows[0]]);
      }
    }
  }

  // Free rows that must not end beside others: not-this-person faces, faces judged wrong, the rest
  // of a split.
  const apart: [number, number][] = [];
  const rowsOf = (keys: readonly FaceKey[]) =>
    keys.map((k) => row.get(k)).filter((r): r is number => r !== undefined);
  for (const [k, from] of state.rejectedFrom) {
    const r = row.get(k);
    if (r !== undefined) { for (const a of rowsOf(from)) apart.push([r, a]); }
  }
  for (const v of state.verdicts.values()) {
    if (v.verdict !== "wrong") continue;
    const wrong = new Set(v.wrong);
    const right = rowsOf(v.faces.filter((k) => !wrong.has(k)));
    for (const w of rowsOf(v.wrong)) for (const a of right) apart.push([w, a]);
  }
  for (const s of state.splits) {
    const sel = rowsOf(s.faces);
    for (const r of rowsOf(s.rest)) for (const a of sel) apart.push([r, a]);
  }

  const hidden = new Uint8Array(faces.length);
  for (const k of state.hidden) {
    const r = row.get(k);
    if (r !== undefined) hidden[r] = 1;
  }

  // Decisions about faces this set lacks, grouped by photo and kind.
  const groups = new Map<string, Unhonoured>();
  const missing = (k: FaceKey, decision: string) => {
    if (row.has(k)) return;
    const { imageId, face } = keyParts(k);
    const here = photoFaces.get(imageId);
    const id = `${imageId}\n${decision}`;
    const g = groups.get(id);
    if (g) return void g.faces.push(k);
    const path = here?.path ?? opts.previousPaths?.get(k);
    const reason = here
      ? `the photo is in this run with ${here.count} face${here.count === 1 ? "" : "s"}, ` +
        `not face #${face} (faces are found with other settings than when the decision was made?)`
      : "the photo is not in this run: it left the folder, or could not be read (see errors.csv)";
    groups.set(id, { decision, faces: [k], ...(path !== undefined ? { path } : {}), reason });
  };
  for (const [k, p] of state.person) {
    const id = resolvePerson(state, p);
    missing(k, `face of ${personWords(state.names.get(id), id)}`);
  }
  for (const [k, why] of state.rejected) {
    missing(k, why === "not-a-face" ? "rejected as not a face" : "rejected as not this person");
  }
  for (const k of state.hidden) missing(k, "hidden");
  const unhonoured = [...groups.values()];

  // People none of whose faces is here (their rows are all gone).
  const present = new Set(people.map((p) => p.id));
  const gone = new Map<string, FaceKey[]>();
  const nameOwner = new Map<string, string>();
  for (const p of people) if (p.name !== undefined) nameOwner.set(p.name, p.id);
  for (const [k, p] of state.person) {
    const id = resolvePerson(state, p);
    const name = state.names.get(id);
    if (present.has(id) || (name !== undefined && nameOwner.has(name))) continue;
    (gone.get(id) ?? gone.set(id, []).get(id)!).push(k);
  }
  for (const [id, keys] of gone) {
    unhonoured.push({
      decision: personWords(state.names.get(id), id),
      faces: keys,
      reason: `none of the person's ${keys.length} decided face${
        keys.length === 1 ? " is" : "s is"
      } in this run, so the person is not shown`,
    });
  }

  return {
    fixed,
    people,
    mustLink: flat(c.mustLink),
    cannotLink: flat(cannot),
    apart: flat(apart),
    hidden,
    unhonoured,
  };
}

/** The clustering's share of a plan: the rows that take part and their constraints. */
export interface ClusterProblem {
  /** Embeddings of the rows that take part. */
  x: Matrix;
  /** Row of the full set of each row of {@link x}. */
  rows: Int32Array;
  /** Cannot-link pairs in rows of {@link x}: `sameImage` pairs and the plan's. */
  cannotLink: Int32Array;
  /** Must-link pairs in rows of {@link x}. */
  mustLink: Int32Array;
}

function remap(pairs: Int32Array, index: Int32Array): Int32Array {
  const out: number[] = [];
  for (let p = 0; p + 1 < pairs.length; p += 2) {
    const a = index[pairs[p]], b = index[pairs[p + 1]];
    if (a >= 0 && b >= 0 && a !== b) out.push(a, b);
  }
  return Int32Array.from(out);
}

/**
 * The rows that take part in the clustering (all but the faces rejected as not faces) with
 * `samePhoto` (e.g. `samePhotoPairs(faces)`) and the plan's constraints, renumbered.
 */
export function clusterProblem(x: Matrix, plan: ReviewPlan, samePhoto: Int32Array): ClusterProblem {
  const index = new Int32Array(x.rows).fill(-1);
  const rows: number[] = [];
  for (let i = 0; i < x.rows; i++) if (plan.fixed[i] !== NOT_A_FACE) index[i] = rows.push(i) - 1;
  let data = x.data;
  if (rows.length !== x.rows) {
    data = new Float32Array(rows.length * x.cols);
    rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  }
  const both = new Int32Array(samePhoto.length + plan.cannotLink.length);
  both.set(samePhoto);
  both.set(plan.cannotLink, samePhoto.length);
  return {
    x: { data, rows: rows.length, cols: x.cols },
    rows: Int32Array.from(rows),
    cannotLink: remap(both, index),
    mustLink: remap(plan.mustLink, index),
  };
}

/**
 * The labels of a {@link ClusterProblem}'s rows as labels of the full set (left-out rows are -1),
 * with the constraints enforced once more, for methods that ignore must-link: clusters holding a
 * cannot-link pair are split first, then must-link pairs join their clusters.
 */
export function expandLabels(problem: ClusterProblem, labels: Int32Array, total: number): Int32Array {
  if (labels.length !== problem.rows.length) {
    throw new RangeError(`expandLabels: ${labels.length} labels for ${problem.rows.length} rows`);
  }
  // Splits first, so that a cluster the clustering wrongly shared does not block a must-link merge.
  let enforced = labels;
  if (problem.cannotLink.length > 0) enforced = enforceConstraints(problem.x, enforced, problem.cannotLink);
  if (problem.mustLink.length > 0) {
    enforced = enforceConstraints(problem.x, enforced, problem.cannotLink, problem.mustLink);
  }
  const out = new Int32Array(total).fill(-1);
  problem.rows.forEach((r, i) => out[r] = enforced[i]);
  return out;
}

/** Options of {@link finalLabels}. */
export interface FinalOptions {
  /** Largest cosine distance between centroids at which a new cluster joins a person. */
  threshold: number;
  /** See {@link JOIN_MARGIN}. @default JOIN_MARGIN */
  margin?: number;
}

/** What {@link finalLabels} decided. */
export interface FinalLabels {
  /**
   * Per row: person `p` is label `p` (0 .. people - 1), other clusters `people.length + k`,
   * -1 for faces in no cluster (left out, taken out, hidden, or noise of the clustering).
   */
  labels: Int32Array;
  /** Per row: index of its person, or -1. */
  person: Int32Array;
  /** Faces with no decision that are now a person's (their cluster went to the person, or joined it). */
  added: number[];
  /** Of {@link added}, faces whose cluster joined a person by nearness after the clustering. */
  joined: number;
  /** Free faces taken out of a cluster they had been rejected from. */
  keptApart: number;
  /** Faces of hidden clusters. */
  hiddenFaces: number;
}

/** Mean of rows `members` of `x` (zeros when empty), normalised to length 1 unless `raw`. */
function centroid(x: Matrix, members: readonly number[], raw = false): Float64Array {
  const v = new Float64Array(x.cols);
  for (const i of members) {
    const o = i * x.cols;
    for (let c = 0; c < x.cols; c++) v[c] += x.data[o + c];
  }
  if (raw) {
    for (let c = 0; c < x.cols; c++) v[c] /= Math.max(1, members.length);
    return v;
  }
  let n = 0;
  for (const a of v) n += a * a;
  n = Math.sqrt(n);
  if (n > 0) { for (let c = 0; c < x.cols; c++) v[c] /= n; }
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += a[c] * b[c];
  return s;
}

/**
 * The final labels of a clustering that honours `plan` (see the module doc, step 3). `labels`
 * are the clustering's labels of every row (-1 = noise), e.g. from {@link expandLabels}.
 */
export function finalLabels(
  x: Matrix,
  faces: readonly Pick<FaceMeta, "imageId" | "face">[],
  labels: Int32Array,
  plan: ReviewPlan,
  opts: FinalOptions,
): FinalLabels {
  const n = labels.length, P = plan.people.length;
  const margin = opts.margin ?? JOIN_MARGIN;
  const out = new Int32Array(n).fill(-1);
  const fixedCentroids = plan.people.map((p) => centroid(x, p.rows));

  // 1. Clusters holding decided faces go to their people.
  const members = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (l < 0 || plan.fixed[i] === NOT_A_FACE) return;
    const list = members.get(l);
    if (list) list.push(i);
    else members.set(l, [i]);
  });
  const unclaimed: number[][] = [];
  const added = new Set<number>();
  for (const list of members.values()) {
    const counts = new Map<number, number>();
    for (const i of list) {
      const p = plan.fixed[i];
      if (p >= 0) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const owners = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([p]) => p);
    const free = list.filter((i) => plan.fixed[i] === FREE);
    if (owners.length === 0) {
      unclaimed.push(free);
      continue;
    }
    for (const i of free) {
      let best = owners[0];
      if (owners.length > 1) {
        const v = centroid(x, [i]);
        let bestSim = -Infinity;
        for (const p of owners) {
          const s = dot(v, fixedCentroids[p]);
          if (s > bestSim) bestSim = s, best = p;
        }
      }
      out[i] = best;
      added.add(i);
    }
  }
  for (let i = 0; i < n; i++) {
    if (plan.fixed[i] >= 0) out[i] = plan.fixed[i];
    else if (plan.fixed[i] === FREE && labels[i] < 0) unclaimed.push([i]);
  }

  // 2. New clusters and faces join a person when clearly close.
  const personRows: number[][] = plan.people.map(() => []);
  out.forEach((l, i) => l >= 0 && personRows[l].push(i));
  // Mean vectors, not normalised: 1 - dot(mean_a, mean_b) is the average-linkage distance.
  const means = personRows.map((r) => centroid(x, r, true));
  const photoFaces = personRows.map((r) => {
    const m = new Map<string, Set<number>>();
    for (const i of r) {
      const id = faces[i].imageId;
      (m.get(id) ?? m.set(id, new Set()).get(id)!).add(faces[i].face);
    }
    return m;
  });
  const sharesPhoto = (p: number, group: readonly number[]) =>
    group.some((i) => {
      const s = photoFaces[p].get(faces[i].imageId);
      return s !== undefined && [...s].some((f) => f !== faces[i].face);
    });
  let next = P;
  const joinedRows = new Set<number>();
  unclaimed.sort((a, b) => a[0] - b[0]);
  for (const group of unclaimed) {
    if (group.length === 0) continue;
    let best = -1, d1 = Infinity, d2 = Infinity;
    if (P > 0) {
      const g = centroid(x, group, true);
      for (let p = 0; p < P; p++) {
        if (personRows[p].length === 0) continue;
        const d = 1 - dot(g, means[p]);
        if (d < d1) d2 = d1, d1 = d, best = p;
        else if (d < d2) d2 = d;
      }
    }
    const joins = best >= 0 && d1 <= opts.threshold && d2 - d1 >= margin && !sharesPhoto(best, group);
    if (joins) {
      for (const i of group) out[i] = best, added.add(i), joinedRows.add(i);
    } else if (group.length > 1 || labels[group[0]] >= 0) {
      const l = next++;
      for (const i of group) out[i] = l;
    }
  }

  // 3. Free faces rejected from others are taken out of their cluster.
  let keptApart = 0;
  for (let p = 0; p + 1 < plan.apart.length; p += 2) {
    const m = plan.apart[p], a = plan.apart[p + 1];
    if (plan.fixed[m] === FREE && out[m] >= 0 && out[m] === out[a]) {
      added.delete(m);
      joinedRows.delete(m);
      out[m] = -1;
      keptApart++;
    }
  }

  // 4. Clusters of mostly hidden faces are hidden (people never).
  let hiddenFaces = 0;
  const size = new Map<number, number>(), hid = new Map<number, number>();
  out.forEach((l, i) => {
    if (l < P) return;
    size.set(l, (size.get(l) ?? 0) + 1);
    if (plan.hidden[i]) hid.set(l, (hid.get(l) ?? 0) + 1);
  });
  for (let i = 0; i < n; i++) {
    const l = out[i];
    if (l >= P && 2 * (hid.get(l) ?? 0) >= size.get(l)! && (hid.get(l) ?? 0) > 0) {
      out[i] = -1;
      hiddenFaces++;
    }
  }

  const person = Int32Array.from(out, (l) => (l >= 0 && l < P ? l : -1));
  const joined = joinedRows.size;
  return { labels: out, person, added: [...added].sort((a, b) => a - b), joined, keptApart, hiddenFaces };
}

/** Shown clusters and the person each one is. */
export interface ShownLabels {
  /** Per row: shown cluster (0, 1, ... largest first, ties by label), -1 for none. */
  shown: Int32Array;
  /** Per shown cluster: index of its person in the plan, or -1. */
  personOf: Int32Array;
}

/**
 * Numbers the clusters of {@link finalLabels} as the reports show them: people (labels below
 * `people`) always, other clusters from `minSize` faces; largest first, ties by label.
 */
export function shownLabels(labels: Int32Array, people: number, minSize: number): ShownLabels {
  const sizes = new Map<number, number>();
  for (const l of labels) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const kept = [...sizes].filter(([l, s]) => l < people || s >= minSize)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const id = new Map(kept.map(([l], i) => [l, i]));
  return {
    shown: Int32Array.from(labels, (l) => id.get(l) ?? -1),
    personOf: Int32Array.from(kept, ([l]) => (l < people ? l : -1)),
  };
}
