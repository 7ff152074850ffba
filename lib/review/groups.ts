/**
 * What the review page shows: a run's faces grouped as the clustering left them, with the
 * decisions applied. People (faces that decisions gave a person; people who share a name are
 * one) come first as groups of their own; the other faces stay in their raw cluster; faces of
 * clusters smaller than the run's smallest group, and faces rejected as `not-this-person`,
 * are unassigned; faces rejected as `not-a-face` are set apart. Each group's faces are ordered
 * from most to least typical, and its certainty is their mean similarity to its centre.
 * @module
 */
import { centreOf, orderByCentre } from "../report/analysis.ts";
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

function makeGroup(
  run: Pick<RunData, "x">,
  id: string,
  kind: GroupKind,
  members: number[],
  keys: readonly FaceKey[],
  hidden: ReadonlySet<FaceKey>,
): Group {
  const centre = centreOf(run.x, members);
  const { rows, sims } = orderByCentre(run.x, members, centre);
  let sum = 0, hid = 0;
  let key = "";
  for (let i = 0; i < rows.length; i++) {
    sum += sims[i];
    const k = keys[rows[i]];
    if (hidden.has(k)) hid++;
    if (key === "" || k < key) key = k;
  }
  return {
    id,
    kind,
    persons: [],
    rows,
    sims,
    certainty: rows.length ? sum / rows.length : 1,
    hidden: kind !== "unassigned" && kind !== "not-faces" && hid * 2 > rows.length,
    key,
  };
}

/** The face keys of a run's rows. */
export function runKeys(run: Pick<RunData, "faces">): FaceKey[] {
  return run.faces.map(faceKey);
}

/** Groups a run's faces under `state` (see the module doc). */
export function groupRun(
  run: Pick<RunData, "x" | "faces" | "raw" | "minClusterSize">,
  state: ReviewState,
  keys: FaceKey[] = runKeys(run),
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
    const g = makeGroup(run, `p:${ids[0]}`, "person", rows, keys, state.hidden);
    g.person = ids[0];
    g.persons = ids;
    const name = state.names.get(ids[0]);
    if (name !== undefined) g.name = name;
    groups.push(g);
  }
  for (const [label, rows] of byLabel) {
    if (rows.length < run.minClusterSize) unassigned.push(...rows);
    else groups.push(makeGroup(run, `c:${label}`, "cluster", rows, keys, state.hidden));
  }
  unassigned.sort((a, b) => a - b);
  return {
    groups,
    unassigned: makeGroup(run, "u", "unassigned", unassigned, keys, state.hidden),
    notFaces: makeGroup(run, "x", "not-faces", notFaces, keys, state.hidden),
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
