/**
 * The decisions of a person reviewing a run's clusters, saved as they are made and replayed
 * into a state that every later step can honour (as constraints and fixed labels).
 *
 * Faces are identified by their photo's content hash and their index in it (`<imageId>#<face>`,
 * see {@link faceKey}), never by row numbers, so that decisions survive a rerun and a photo
 * folder that has grown. People are identified by ids (`p1`, `p2`, ...) handed out by the log
 * itself ({@link nextPersonId}); two people given the same name are the same person.
 *
 * ## File format: `<run>/decisions.jsonl`
 *
 * UTF-8 JSON lines, append only; each line is one decision written at once and fsynced, with
 * `at` (ISO time). A last line torn by a crash (no line break, not JSON) is cut off when the
 * log is opened; any other line that is not a decision is skipped with a warning naming the
 * file and line. The operations (`faces` are face keys):
 *
 * | `op`      | fields                                      | meaning                                                              |
 * | --------- | ------------------------------------------- | -------------------------------------------------------------------- |
 * | `name`    | `person`, `name`, `faces?`                  | `faces` are `person`; the person is called `name` ("" removes it)    |
 * | `merge`   | `person`, `faces`, `from?`                  | `faces` become `person`; the people in `from` are `person` from now on |
 * | `split`   | `person`, `faces`, `rest?`                  | `faces` (a selection) are a new person, not the same as `rest`       |
 * | `move`    | `person`, `faces`, `join?`                  | `faces` are `person`, and so are `join` (the target cluster's faces) |
 * | `reject`  | `faces`, `reason`, `from?`                  | `not-this-person`: not the same as `from`; `not-a-face`: left out    |
 * | `hide`    | `faces`                                     | the cluster of these faces is not shown (junk)                       |
 * | `unhide`  | `faces`                                     | shown again                                                          |
 * | `verdict` | `cluster`, `faces`, `verdict`, `wrong`, `seed?` | a sampled cluster checked: `correct`, or `wrong` with the faces that are someone else (none listed: all of them) |
 * | `undo`    |                                             | cancels the latest decision not yet cancelled                        |
 *
 * For example:
 *
 * ```text
 * {"op":"name","person":"p1","name":"Ada","faces":["3f2a…#0","9bc1…#1"],"at":"2026-12-01T21:00:00.000Z"}
 * {"op":"reject","faces":["77aa…#0"],"reason":"not-a-face","at":"2026-12-01T21:00:04.000Z"}
 * {"op":"undo","at":"2026-12-01T21:00:05.000Z"}
 * ```
 *
 * Assigning a face to a person clears an earlier rejection of it, and rejecting a face takes
 * it away from its person; for one cluster, the latest verdict counts. The review page
 * (lib/review/actions.ts) records in a split's `rest` up to 100 of the remaining faces and in a
 * rejection's `from` up to 5 (the most typical first); a cluster counts as hidden when more than
 * half of its faces are; a sampled cluster's key (`cluster`) is its smallest face key.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { FaceMeta } from "../store/embedding_set.ts";

/** The name of the decision log in a run folder. */
export const DECISIONS_FILE = "decisions.jsonl";

/** A face, stably: `<imageId>#<face index>`. */
export type FaceKey = string;

/** The key of a face. */
export function faceKey(f: Pick<FaceMeta, "imageId" | "face">): FaceKey {
  return `${f.imageId}#${f.face}`;
}

/** Why a face was taken out of its cluster. */
export const REJECT_REASONS = ["not-this-person", "not-a-face"] as const;

/** A reason of {@link REJECT_REASONS}. */
export type RejectReason = typeof REJECT_REASONS[number];

/** What a person said about a sampled cluster. */
export const VERDICT_VALUES = ["correct", "wrong"] as const;

/** A value of {@link VERDICT_VALUES}. */
export type VerdictValue = typeof VERDICT_VALUES[number];

/** One decision (see the module doc for the meaning of each operation). */
export type Decision =
  | { op: "name"; person: string; name: string; faces?: FaceKey[] }
  | { op: "merge"; person: string; faces: FaceKey[]; from?: string[] }
  | { op: "split"; person: string; faces: FaceKey[]; rest?: FaceKey[] }
  | { op: "move"; person: string; faces: FaceKey[]; join?: FaceKey[] }
  | { op: "reject"; faces: FaceKey[]; reason: RejectReason; from?: FaceKey[] }
  | { op: "hide"; faces: FaceKey[] }
  | { op: "unhide"; faces: FaceKey[] }
  | {
    op: "verdict";
    cluster: FaceKey;
    faces: FaceKey[];
    verdict: VerdictValue;
    wrong: FaceKey[];
    seed?: number;
  }
  | { op: "undo" };

/** The operations of {@link Decision}. */
export const OPS = ["name", "merge", "split", "move", "reject", "hide", "unhide", "verdict", "undo"] as const;

/** A decision as logged: with the time it was made. */
export type LoggedDecision = Decision & { at: string };

/** A verdict on a sampled cluster. */
export interface VerdictRecord {
  /** The cluster's key (its smallest face key when sampled). */
  cluster: FaceKey;
  /** The faces looked at. */
  faces: FaceKey[];
  /** Correct or wrong. */
  verdict: VerdictValue;
  /** Faces that are someone else (empty with `wrong`: all of them). */
  wrong: FaceKey[];
  /** Seed of the sample it came from. */
  seed?: number;
}

/** What the decisions say, replayed. */
export interface ReviewState {
  /** Person of each face that was assigned one (ids resolved through merges). */
  person: Map<FaceKey, string>;
  /** Name of each named person. */
  names: Map<string, string>;
  /** People merged into another: id -> the id it became (follow with {@link resolvePerson}). */
  alias: Map<string, string>;
  /** Rejected faces and why. */
  rejected: Map<FaceKey, RejectReason>;
  /** Faces a `not-this-person` face is not the same person as. */
  rejectedFrom: Map<FaceKey, FaceKey[]>;
  /** Faces of hidden clusters. */
  hidden: Set<FaceKey>;
  /** The latest verdict per sampled cluster. */
  verdicts: Map<FaceKey, VerdictRecord>;
  /** Splits: each selection and what it was split from (for cannot-link). */
  splits: { faces: FaceKey[]; rest: FaceKey[] }[];
  /** The decisions in force (undone ones and undo lines removed), oldest first. */
  applied: LoggedDecision[];
  /** Every line of the log, undos included, oldest first. */
  log: LoggedDecision[];
  /** Largest person number ever handed out (`p<n>`), undone decisions included. */
  maxPerson: number;
}

/** A state with no decision. */
export function emptyState(): ReviewState {
  return {
    person: new Map(),
    names: new Map(),
    alias: new Map(),
    rejected: new Map(),
    rejectedFrom: new Map(),
    hidden: new Set(),
    verdicts: new Map(),
    splits: [],
    applied: [],
    log: [],
    maxPerson: 0,
  };
}

/** The id a person has now (after merges). */
export function resolvePerson(state: ReviewState, id: string): string {
  let p = id;
  for (let guard = 0; guard < 10_000; guard++) {
    const next = state.alias.get(p);
    if (next === undefined || next === p) return p;
    p = next;
  }
  return p;
}

/** A fresh person id (`p<n>`, one more than any the log has used). */
export function nextPersonId(state: ReviewState): string {
  return `p${state.maxPerson + 1}`;
}

function personNumber(id: string): number {
  const m = /^p(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

function notePersons(state: ReviewState, d: Decision): void {
  const ids: string[] = [];
  if ("person" in d) ids.push(d.person);
  if (d.op === "merge" && d.from) ids.push(...d.from);
  for (const id of ids) state.maxPerson = Math.max(state.maxPerson, personNumber(id));
}

function assign(state: ReviewState, faces: readonly FaceKey[] | undefined, person: string): void {
  for (const f of faces ?? []) {
    state.person.set(f, person);
    state.rejected.delete(f);
    state.rejectedFrom.delete(f);
  }
}

/** Applies one decision (not `undo`) to `state`, in place. */
function apply(state: ReviewState, d: LoggedDecision): void {
  switch (d.op) {
    case "name": {
      const p = resolvePerson(state, d.person);
      assign(state, d.faces, p);
      if (d.name.trim() === "") state.names.delete(p);
      else state.names.set(p, d.name.trim());
      break;
    }
    case "merge": {
      const p = resolvePerson(state, d.person);
      for (const from of d.from ?? []) {
        const q = resolvePerson(state, from);
        if (q === p) continue;
        state.alias.set(q, p);
        const name = state.names.get(q);
        if (name !== undefined && !state.names.has(p)) state.names.set(p, name);
        state.names.delete(q);
        for (const [f, owner] of state.person) if (owner === q) state.person.set(f, p);
      }
      assign(state, d.faces, p);
      break;
    }
    case "split":
      assign(state, d.faces, resolvePerson(state, d.person));
      state.splits.push({ faces: d.faces, rest: d.rest ?? [] });
      break;
    case "move": {
      const p = resolvePerson(state, d.person);
      assign(state, d.join, p);
      assign(state, d.faces, p);
      break;
    }
    case "reject":
      for (const f of d.faces) {
        state.person.delete(f);
        state.rejected.set(f, d.reason);
        if (d.reason === "not-this-person" && d.from?.length) {
          state.rejectedFrom.set(f, d.from.filter((g) => g !== f));
        } else state.rejectedFrom.delete(f);
      }
      break;
    case "hide":
      for (const f of d.faces) state.hidden.add(f);
      break;
    case "unhide":
      for (const f of d.faces) state.hidden.delete(f);
      break;
    case "verdict":
      state.verdicts.set(d.cluster, {
        cluster: d.cluster,
        faces: d.faces,
        verdict: d.verdict,
        wrong: d.wrong,
        ...(d.seed !== undefined ? { seed: d.seed } : {}),
      });
      break;
    case "undo":
      break;
  }
}

/**
 * Replays logged decisions (undo lines included) into a state: each `undo` cancels the
 * latest decision still in force; the rest are applied in order.
 */
export function replay(log: readonly LoggedDecision[]): ReviewState {
  const stack: LoggedDecision[] = [];
  for (const d of log) {
    if (d.op === "undo") stack.pop();
    else stack.push(d);
  }
  const state = emptyState();
  state.log = [...log];
  for (const d of log) notePersons(state, d);
  for (const d of stack) apply(state, d);
  state.applied = stack;
  return state;
}

/** Adds one logged decision to `state` (in place; an undo replays the rest) and returns the state. */
export function applyDecision(state: ReviewState, d: LoggedDecision): ReviewState {
  if (d.op === "undo") {
    const next = replay([...state.log, d]);
    Object.assign(state, next);
    return state;
  }
  state.log.push(d);
  notePersons(state, d);
  apply(state, d);
  state.applied.push(d);
  return state;
}

const isKeys = (v: unknown): v is FaceKey[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const optKeys = (v: unknown) => v === undefined || isKeys(v);
const isPerson = (v: unknown) => typeof v === "string" && v.length > 0;

/**
 * Checks that a parsed value is a decision; returns what is wrong, or undefined. (`at` is
 * not required here: {@link DecisionLog.append} adds it.)
 */
export function decisionProblem(v: unknown): string | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return "not an object";
  const d = v as Record<string, unknown>;
  if (!OPS.includes(d.op as typeof OPS[number])) {
    return `"op" must be one of ${OPS.join(", ")}, got ${JSON.stringify(d.op)}`;
  }
  if (d.at !== undefined && typeof d.at !== "string") return `"at" must be a string`;
  switch (d.op) {
    case "name":
      if (!isPerson(d.person)) return `"person" must be a person id`;
      if (typeof d.name !== "string") return `"name" must be a string`;
      if (!optKeys(d.faces)) return `"faces" must be a list of face keys`;
      return undefined;
    case "merge":
    case "split":
    case "move":
      if (!isPerson(d.person)) return `"person" must be a person id`;
      if (!isKeys(d.faces)) return `"faces" must be a list of face keys`;
      if (d.op === "merge" && !(d.from === undefined || isKeys(d.from))) return `"from" must be person ids`;
      if (d.op === "split" && !optKeys(d.rest)) return `"rest" must be a list of face keys`;
      if (d.op === "move" && !optKeys(d.join)) return `"join" must be a list of face keys`;
      return undefined;
    case "reject":
      if (!isKeys(d.faces)) return `"faces" must be a list of face keys`;
      if (!REJECT_REASONS.includes(d.reason as RejectReason)) {
        return `"reason" must be one of ${REJECT_REASONS.join(", ")}`;
      }
      if (!optKeys(d.from)) return `"from" must be a list of face keys`;
      return undefined;
    case "hide":
    case "unhide":
      return isKeys(d.faces) ? undefined : `"faces" must be a list of face keys`;
    case "verdict":
      if (typeof d.cluster !== "string") return `"cluster" must be a face key`;
      if (!isKeys(d.faces)) return `"faces" must be a list of face keys`;
      if (!VERDICT_VALUES.includes(d.verdict as VerdictValue)) {
        return `"verdict" must be one of ${VERDICT_VALUES.join(", ")}`;
      }
      if (!isKeys(d.wrong)) return `"wrong" must be a list of face keys`;
      if (d.seed !== undefined && typeof d.seed !== "number") return `"seed" must be a number`;
      return undefined;
  }
  return undefined;
}

/** What reading a log found. */
export interface ParsedLog {
  /** The decisions, in order. */
  decisions: LoggedDecision[];
  /** Lines skipped, each naming the file and line. */
  warnings: string[];
  /** Byte length of the whole lines (a torn last line starts here), or undefined when none is torn. */
  tornAt?: number;
}

/**
 * Parses the text of a decision log. A last line without a line break that is not a decision
 * is torn (a crash while writing it): it is left out and `tornAt` says where it starts.
 */
export function parseLog(bytes: Uint8Array, where = DECISIONS_FILE): ParsedLog {
  const decisions: LoggedDecision[] = [], warnings: string[] = [];
  const dec = new TextDecoder();
  let start = 0, line = 0, tornAt: number | undefined;
  while (start < bytes.length) {
    line++;
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    const text = dec.decode(bytes.subarray(start, end));
    if (text.trim() !== "") {
      let value: unknown, problem: string | undefined;
      try {
        value = JSON.parse(text);
        problem = decisionProblem(value);
      } catch {
        problem = "not JSON";
      }
      if (problem === undefined) decisions.push(value as LoggedDecision);
      else if (nl < 0) tornAt = start;
      else warnings.push(`${where}: line ${line} skipped: ${problem}`);
    }
    start = end + 1;
  }
  return { decisions, warnings, ...(tornAt !== undefined ? { tornAt } : {}) };
}

/**
 * Reads `<runDir>/decisions.jsonl` without changing it (a torn last line is left out and
 * reported): the state for steps that honour the decisions (sweeps, exports). No file: no
 * decision.
 */
export async function readDecisions(runDir: string): Promise<{ state: ReviewState; warnings: string[] }> {
  const path = `${runDir}/${DECISIONS_FILE}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { state: emptyState(), warnings: [] };
    throw new ToolkitError(`${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
  const parsed = parseLog(bytes, path);
  const warnings = [...parsed.warnings];
  if (parsed.tornAt !== undefined) {
    warnings.push(`${path}: a torn last line (${bytes.length - parsed.tornAt} bytes) left out`);
  }
  return { state: replay(parsed.decisions), warnings };
}

/**
 * The decision log of a run folder, open for appending. Appends are serialised: each is one
 * write of one line, then fsync, before the next starts.
 */
export class DecisionLog {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The file. */
    readonly path: string,
    /** The replayed state (kept up to date by {@link append}). */
    readonly state: ReviewState,
    /** Problems found on opening (skipped lines, a cut torn line). */
    readonly warnings: string[],
  ) {}

  /**
   * Opens (creating nothing yet) `<runDir>/decisions.jsonl`: reads and replays it, and cuts a
   * torn last line off the file so that the next line starts clean.
   */
  static async open(runDir: string): Promise<DecisionLog> {
    const path = `${runDir}/${DECISIONS_FILE}`;
    let bytes = new Uint8Array();
    try {
      bytes = await Deno.readFile(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new ToolkitError(`${path}: cannot read (${(e as Error).message})`, { cause: e });
      }
    }
    const parsed = parseLog(bytes, path);
    const warnings = [...parsed.warnings];
    if (parsed.tornAt !== undefined) {
      await Deno.truncate(path, parsed.tornAt);
      warnings.push(`${path}: cut a torn last line (${bytes.length - parsed.tornAt} bytes)`);
    } else if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
      await Deno.writeTextFile(path, "\n", { append: true });
    }
    return new DecisionLog(path, replay(parsed.decisions), warnings);
  }

  /**
   * Checks `d`, stamps it with the time, appends it as one line, fsyncs the file, and applies
   * it to {@link state}. Throws (and changes nothing) when `d` is not a decision.
   */
  append(d: Decision): Promise<LoggedDecision> {
    const problem = decisionProblem(d);
    if (problem) return Promise.reject(new ToolkitError(`decision refused: ${problem}`));
    const run = async () => {
      const logged = { ...d, at: new Date().toISOString() } as LoggedDecision;
      const line = new TextEncoder().encode(JSON.stringify(logged) + "\n");
      const file = await Deno.open(this.path, { append: true, create: true });
      try {
        let off = 0;
        while (off < line.length) off += await file.write(line.subarray(off));
        await file.sync();
      } finally {
        file.close();
      }
      applyDecision(this.state, logged);
      return logged;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  /** Appends an `undo`; returns the decision it cancelled, or undefined when there was none. */
  async undo(): Promise<LoggedDecision | undefined> {
    await this.chain;
    const last = this.state.applied.at(-1);
    if (!last) return undefined;
    await this.append({ op: "undo" });
    return last;
  }
}

/** The name a person is known by in exports: their name, or their id when unnamed. */
export function personIdentity(state: ReviewState, id: string): string {
  const p = resolvePerson(state, id);
  const name = state.names.get(p);
  return name !== undefined ? `name:${name}` : `id:${p}`;
}

/** Label of a face in {@link fixedLabels} that no decision fixes. */
export const FREE = -1;

/** Label of a face in {@link fixedLabels} that was rejected as not a face. */
export const NOT_A_FACE = -2;

/** One person of {@link fixedLabels}. */
export interface FixedPerson {
  /** The person's id (the first, by id order, when several ids share a name). */
  id: string;
  /** Name, when named. */
  name?: string;
  /** Rows of the embedding set that are this person. */
  rows: number;
}

/**
 * The decisions as labels of an embedding set's rows: the index of the row's person in
 * `people` (people who share a name are one), {@link FREE} where no decision fixes the row
 * (rejected as `not-this-person` included), {@link NOT_A_FACE} for faces rejected as not faces.
 * Faces of the decisions that the set lacks are ignored.
 */
export function fixedLabels(
  state: ReviewState,
  faces: readonly Pick<FaceMeta, "imageId" | "face">[],
): { labels: Int32Array; people: FixedPerson[] } {
  const labels = new Int32Array(faces.length).fill(FREE);
  const index = new Map<string, number>();
  const people: FixedPerson[] = [];
  faces.forEach((f, i) => {
    const k = faceKey(f);
    if (state.rejected.get(k) === "not-a-face") return void (labels[i] = NOT_A_FACE);
    const p = state.person.get(k);
    if (p === undefined) return;
    const id = resolvePerson(state, p);
    const identity = personIdentity(state, id);
    let j = index.get(identity);
    if (j === undefined) {
      index.set(identity, j = people.length);
      const name = state.names.get(id);
      people.push({ id, ...(name !== undefined ? { name } : {}), rows: 0 });
    }
    labels[i] = j;
    people[j].rows++;
  });
  return { labels, people };
}

/** Must-link and cannot-link row pairs, the format of `deno task sweep --constraints`. */
export interface Constraints {
  /** Pairs of rows that are the same person. */
  mustLink: [number, number][];
  /** Pairs of rows that are not. */
  cannotLink: [number, number][];
}

/**
 * The decisions as constraints on an embedding set's rows (the JSON of
 * `deno task sweep --constraints`): the rows of each person are chained by must-link pairs
 * (as are the faces of a cluster judged correct), the first rows of two different people
 * cannot link, nor a `not-this-person` face with the faces it was rejected from, nor a split
 * selection with the rest of its cluster, nor a face judged wrong with its cluster's first
 * right face. Faces rejected as not faces take part in nothing; faces the set lacks are ignored.
 */
export function toConstraints(
  state: ReviewState,
  faces: readonly Pick<FaceMeta, "imageId" | "face">[],
): Constraints {
  const row = new Map<FaceKey, number>();
  faces.forEach((f, i) => {
    const k = faceKey(f);
    if (!row.has(k)) row.set(k, i);
  });
  const notFace = (k: FaceKey) => state.rejected.get(k) === "not-a-face";
  const rowsOf = (keys: readonly FaceKey[]) =>
    keys.filter((k) => !notFace(k)).map((k) => row.get(k)).filter((r): r is number => r !== undefined);
  const must = new Set<string>(), cannot = new Set<string>();
  const mustLink: [number, number][] = [], cannotLink: [number, number][] = [];
  const add = (set: Set<string>, out: [number, number][], a: number, b: number) => {
    if (a === b) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    const k = `${x},${y}`;
    if (set.has(k)) return;
    set.add(k);
    out.push([x, y]);
  };
  const { labels, people } = fixedLabels(state, faces);
  const members: number[][] = people.map(() => []);
  labels.forEach((l, i) => l >= 0 && members[l].push(i));
  for (const m of members) for (let i = 1; i < m.length; i++) add(must, mustLink, m[i - 1], m[i]);
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      if (members[a].length && members[b].length) add(cannot, cannotLink, members[a][0], members[b][0]);
    }
  }
  for (const [k, from] of state.rejectedFrom) {
    const r = row.get(k);
    if (r === undefined) continue;
    for (const o of rowsOf(from)) add(cannot, cannotLink, r, o);
  }
  for (const s of state.splits) {
    const sel = rowsOf(s.faces), rest = rowsOf(s.rest);
    if (!sel.length || !rest.length) continue;
    for (const r of sel) add(cannot, cannotLink, r, rest[0]);
    for (const r of rest) add(cannot, cannotLink, sel[0], r);
  }
  for (const v of state.verdicts.values()) {
    const wrongSet = new Set(v.wrong);
    const right = rowsOf(v.faces.filter((k) => !wrongSet.has(k)));
    if (v.verdict === "correct") {
      for (let i = 1; i < right.length; i++) add(must, mustLink, right[i - 1], right[i]);
    } else if (right.length > 0) {
      for (const w of rowsOf(v.wrong)) add(cannot, cannotLink, right[0], w);
    }
  }
  return { mustLink, cannotLink };
}
