/**
 * What the review page shows: a run's faces grouped as the clustering left them, with the
 * decisions applied. People (faces that decisions gave a person; people who share a name are
 * one) come first as groups of their own; the other faces stay in their raw cluster; faces of
 * clusters smaller than the run's smallest group, and faces rejected as `not-this-person`,
 * are unassigned; faces rejected as `not-a-face` are set apart. Each group's faces are ordered
 * from most to least typical, and its certainty is their mean similarity to its centre.
 * @module
 */
import { centreOf, orderByCentre } from "../report/analysis/analysis.ts";
import type { RunData } from "../report/run_data.ts";
import { type FaceKey, faceKey, personIdentity, resolvePerson, type ReviewState } from "./decisions.ts";

/** Kinds of group: a person, a raw cluster, the unassigned faces, the faces that are not faces. */
export type GroupKind = "person" | "cluster" | "unassigned" | "not-faces";

/** One group of faces on the page. */
export interface Group {
  /** Stable within one state: `p:<person id>`, `c:<raw label>`, `u` or `x`. */
  id: string;
  /** What it is. */
  kind: GroupKind;
  /** The person's id (kind `person`). */
  person?: string;
  /** Every person id in it (several when people share a name). */
  persons: string[];
  /** The person's name, when named. */
  name?: string;
  /** Rows, most typical first. */
  rows: Int32Array;
  /** Similarity of each row to the group's centre. */
  sims: Float32Array;
  /** Mean similarity to the centre (1 for one face). */
  certainty: number;
  /** More than half of its faces were hidden. */
  hidden: boolean;
  /** Its smallest face key (identifies a raw cluster across states). */
  key: FaceKey;
}

/** How groups are ordered. */
export const ORDERS = ["size", "uncertain"] as const;

/** An order of {@link ORDERS}. */
export type GroupOrder = typeof ORDERS[number];

/** The grouping of a run under a state. */
export interface Grouping {
  /** Person and cluster groups (the ones that can be named, merged, hidden), in no order. */
  groups: Group[];
  /** Unassigned faces (may be empty). */
  unassigned: Group;
  /** Faces rejected as not faces (may be empty). */
  notFaces: Group;
  /** Face key per row. */
  keys: FaceKey[];
}

/** Groups computed earlier, by id, with their members: reused while their members stay the same. */
export type GroupCache = Map<string, { members: number[]; group: Group }>;

function sameRows(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makeGroup(
  run: Pick<RunData, "x">,
  id: string,
  kind: GroupKind,
  members: number[],
  keys: readonly FaceKey[],
  hidden: ReadonlySet<FaceKey>,
  cache?: GroupCache,
): Group {
  const old = cache?.get(id);
  let base: Pick<Group, "rows" | "sims" | "certainty" | "key">;
  if (old && sameRows(old.members, members)) base = old.group;
  else {
    const centre = centreOf(run.x, members);
    const { rows, sims } = orderByCentre(run.x, members, centre);
    let sum = 0, key = "";
    for (let i = 0; i < rows.length; i++) {
      sum += sims[i];
      const k = keys[rows[i]];
      if (key === "" || k < key) key = k;
    }
    base = { rows, sims, certainty: rows.length ? sum / rows.length : 1, key };
  }
  let hid = 0;
  if (hidden.size > 0) { for (const r of members) if (hidden.has(keys[r])) hid++; }
  const group: Group = {
    id,
    kind,
    persons: [],
    rows: base.rows,
    sims: base.sims,
    certainty: base.certainty,
    hidden: kind !== "unassigned" && kind !== "not-faces" && hid * 2 > members.length,
    key: base.key,
  };
  cache?.set(id, { members, group });
  return group;
}

/** The face keys of a run's rows. */
export function runKeys(run: Pick<RunData, "faces">): FaceKey[] {
  return run.faces.map(faceKey);
}

/**
 * Groups a run's faces under `state` (see the module doc). With `cache` (kept between calls
 * on one run), groups whose members did not change are not computed again.
 */
export function groupRun(
  run: Pick<RunData, "x" | "faces" | "raw" | "minClusterSize">,
  state: ReviewState,
  keys: FaceKey[] = runKeys(run),
  cache?: GroupCache,
): Grouping {
  const byPerson = new Map<string, { persons: Set<string>; rows: number[] }>();
  const byLabel = new Map<number, number[]>();
  const unassigned: number[] = [], notFaces: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const rejected = state.rejected.get(k);
    if (rejected === "not-a-face") {
      notFaces.push(i);
      continue;
    }
    const p = state.person.get(k);
    if (p !== undefined) {
      const id = resolvePerson(state, p);
      const identity = personIdentity(state, id);
      const g = byPerson.get(identity) ??
        byPerson.set(identity, { persons: new Set(), rows: [] }).get(identity)!;
      g.persons.add(id);
      g.rows.push(i);
      continue;
    }
    if (rejected === "not-this-person" || run.raw[i] < 0) {
      unassigned.push(i);
      continue;
    }
    const l = run.raw[i];
    (byLabel.get(l) ?? byLabel.set(l, []).get(l)!).push(i);
  }
  const groups: Group[] = [];
  for (const { persons, rows } of byPerson.values()) {
    const ids = [...persons].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const g = makeGroup(run, `p:${ids[0]}`, "person", rows, keys, state.hidden, cache);
    g.person = ids[0];
    g.persons = ids;
    const name = state.names.get(ids[0]);
    if (name !== undefined) g.name = name;
    groups.push(g);
  }
  for (const [label, rows] of byLabel) {
    if (rows.length < run.minClusterSize) unassigned.push(...rows);
    else groups.push(makeGroup(run, `c:${label}`, "cluster", rows, keys, state.hidden, cache));
  }
  unassigned.sort((a, b) => a - b);
  return {
    groups,
    unassigned: makeGroup(run, "u", "unassigned", unassigned, keys, state.hidden, cache),
    notFaces: makeGroup(run, "x", "not-faces", notFaces, keys, state.hidden, cache),
    keys,
  };
}

/**
 * Groups in page order: `size` largest first, `uncertain` least certain first (ties by size,
 * then key); hidden ones only with `hidden`; the unassigned and not-faces groups last when
 * they have faces.
 */
export function orderedGroups(g: Grouping, order: GroupOrder, hidden = false): Group[] {
  const list = g.groups.filter((x) => hidden || !x.hidden);
  list.sort((a, b) =>
    (order === "uncertain" ? a.certainty - b.certainty : 0) || b.rows.length - a.rows.length ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
  for (const extra of [g.unassigned, g.notFaces]) if (extra.rows.length) list.push(extra);
  return list;
}

/** The group with this id, or undefined. */
export function findGroup(g: Grouping, id: string): Group | undefined {
  if (id === "u") return g.unassigned;
  if (id === "x") return g.notFaces;
  return g.groups.find((x) => x.id === id);
}
