/**
 * What the review page asks for (name this group, merge it with that one, split off these
 * faces, ...), turned into a {@link Decision} on face keys against the current grouping.
 * Every field of a request is checked; a bad one is a {@link ToolkitError} saying what is wrong.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import {
  type Decision,
  type FaceKey,
  nextPersonId,
  REJECT_REASONS,
  type RejectReason,
  type ReviewState,
  VERDICT_VALUES,
  type VerdictValue,
} from "./decisions.ts";
import { findGroup, type Group, type Grouping } from "./groups.ts";
import type { SampledCluster } from "./sample.ts";

/** Actions of the page. */
export const ACTIONS = ["name", "merge", "split", "move", "reject", "hide", "unhide", "verdict"] as const;

/** A request of the page (`POST /api/decision`). */
export interface PageAction {
  /** What to do. */
  action: typeof ACTIONS[number];
  /** The group acted on (every action but `verdict`). */
  group?: string;
  /** The other group (`merge`: merged with; `move`: moved to). */
  target?: string;
  /** Selected rows (`split`, `move`, `reject`; `verdict`: the faces that are someone else). */
  rows?: number[];
  /** The name (`name`). */
  name?: string;
  /** Why (`reject`). */
  reason?: RejectReason;
  /** The verdict (`verdict`). */
  verdict?: VerdictValue;
  /** The sampled cluster's key (`verdict`). */
  cluster?: FaceKey;
}

/** Longest name accepted. */
export const MAX_NAME = 200;

/** Remaining faces a split records (most typical first), for cannot-link. */
export const SPLIT_REST = 100;

/** Faces a `not-this-person` rejection records as those the face is not. */
export const REJECT_FROM = 5;

function bad(message: string): never {
  throw new ToolkitError(message);
}

function group(g: Grouping, id: unknown, what = "group"): Group {
  if (typeof id !== "string") bad(`"${what}" must be a group id`);
  return findGroup(g, id) ?? bad(`no group ${JSON.stringify(id)} (the page may be out of date: reload it)`);
}

function nameable(x: Group, what: string): void {
  if (x.kind !== "person" && x.kind !== "cluster") {
    bad(
      `${what}: the ${x.kind === "unassigned" ? "unassigned faces" : "faces set apart"} are not one person`,
    );
  }
}

function selection(x: Group, rows: unknown): number[] {
  if (!Array.isArray(rows) || rows.length === 0) bad(`select one or more faces first`);
  const inGroup = new Set(x.rows);
  const out = [...new Set(rows)];
  for (const r of out) {
    if (!Number.isInteger(r) || !inGroup.has(r as number)) {
      bad(`row ${JSON.stringify(r)} is not in group ${x.id}`);
    }
  }
  return out as number[];
}

/** The decision for `a` on `grouping` (see {@link PageAction}); throws when `a` is not valid. */
export function decisionFor(
  a: PageAction,
  grouping: Grouping,
  state: ReviewState,
  sample: readonly SampledCluster[],
): Decision {
  if (!a || typeof a !== "object") bad("expected a JSON object");
  if (!ACTIONS.includes(a.action)) bad(`"action" must be one of ${ACTIONS.join(", ")}`);
  const keys = grouping.keys;
  const keysOf = (rows: ArrayLike<number>) => Array.from(rows, (r) => keys[r]);
  if (a.action === "verdict") {
    const s = sample.find((c) => c.key === a.cluster) ?? bad(`"cluster" must be a sampled cluster's key`);
    if (!VERDICT_VALUES.includes(a.verdict as VerdictValue)) bad(`"verdict" must be correct or wrong`);
    const shown = new Set(s.rows);
    const wrong = [...new Set(a.rows ?? [])];
    for (const r of wrong) if (!shown.has(r)) bad(`row ${JSON.stringify(r)} is not shown for that cluster`);
    return {
      op: "verdict",
      cluster: s.key,
      faces: keysOf(s.rows),
      verdict: a.verdict!,
      wrong: a.verdict === "wrong" ? keysOf(wrong) : [],
    };
  }
  const g = group(grouping, a.group);
  switch (a.action) {
    case "name": {
      nameable(g, "name");
      if (typeof a.name !== "string") bad(`"name" must be a string`);
      const name = a.name.trim();
      if (name.length > MAX_NAME) bad(`a name has at most ${MAX_NAME} characters`);
      if (name === "" && g.kind !== "person") bad("type a name");
      const whole = g.kind === "cluster" || g.persons.length > 1;
      return {
        op: "name",
        person: g.person ?? nextPersonId(state),
        name,
        ...(whole ? { faces: keysOf(g.rows) } : {}),
      };
    }
    case "merge": {
      const t = group(grouping, a.target, "target");
      nameable(g, "merge");
      nameable(t, "merge");
      if (t.id === g.id) bad("merge: choose another group to merge with");
      const person = t.person ?? g.person ?? nextPersonId(state);
      const from = [...new Set([...g.persons, ...t.persons])].filter((p) => p !== person);
      const faces = [...keysOf(g.rows), ...keysOf(t.rows)].filter((k) => state.person.get(k) !== person);
      return { op: "merge", person, faces, ...(from.length ? { from } : {}) };
    }
    case "split": {
      const rows = selection(g, a.rows);
      const chosen = new Set(rows);
      if (g.kind !== "unassigned" && g.kind !== "not-faces" && chosen.size === g.rows.length) {
        bad("split: select some of the faces, not all of them");
      }
      const rest = g.kind === "person" || g.kind === "cluster"
        ? keysOf(Array.from(g.rows).filter((r) => !chosen.has(r)).slice(0, SPLIT_REST))
        : [];
      return {
        op: "split",
        person: nextPersonId(state),
        faces: keysOf(rows),
        ...(rest.length ? { rest } : {}),
      };
    }
    case "move": {
      const rows = selection(g, a.rows);
      const t = group(grouping, a.target, "target");
      nameable(t, "move");
      if (t.id === g.id) bad("move: choose another group to move the faces to");
      return {
        op: "move",
        person: t.person ?? nextPersonId(state),
        faces: keysOf(rows),
        ...(t.kind === "cluster" ? { join: keysOf(t.rows) } : {}),
      };
    }
    case "reject": {
      const rows = selection(g, a.rows);
      if (!REJECT_REASONS.includes(a.reason as RejectReason)) {
        bad(`"reason" must be ${REJECT_REASONS.join(" or ")}`);
      }
      const chosen = new Set(rows);
      const from = a.reason === "not-this-person" && (g.kind === "person" || g.kind === "cluster")
        ? keysOf(Array.from(g.rows).filter((r) => !chosen.has(r)).slice(0, REJECT_FROM))
        : [];
      return { op: "reject", faces: keysOf(rows), reason: a.reason!, ...(from.length ? { from } : {}) };
    }
    case "hide":
    case "unhide":
      nameable(g, a.action);
      return { op: a.action, faces: keysOf(g.rows) };
  }
  return bad(`"action" must be one of ${ACTIONS.join(", ")}`);
}
