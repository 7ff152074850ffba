/**
 * Training data from a review of a run (lib/review/decisions.ts): what the reviewer said about
 * which faces are one person becomes identities, what they said is someone else becomes
 * cannot-link pairs.
 *
 * - Named people, merges, moves and splits (the faces each person holds after replay,
 *   `fixedLabels`): one identity per person; people who share a name are one.
 * - A sampled cluster marked correct: its faces looked at are one identity (joined with any
 *   person they hold).
 * - A sampled cluster marked wrong with its wrong faces listed: each wrong face cannot link with
 *   the faces that stay; the faces that stay are one identity (the cluster's person) unless
 *   `restIsOnePerson` is false. Marked wrong with none listed (all of them): of two faces shown, the
 *   two cannot link; of more, nothing is learnt.
 * - A face rejected as not this person: cannot link with the faces it was rejected from. A split
 *   selection: cannot link with the rest of its cluster.
 * - Faces rejected as not a face take no part. Two faces of one photo cannot link (`samePhoto`).
 *
 * Identities are the connected groups of these must-links (union-find); a group that a
 * cannot-link pair would split is kept whole and the pair dropped (and counted).
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import {
  type FaceKey,
  faceKey,
  fixedLabels,
  NOT_A_FACE,
  readDecisions,
  type ReviewState,
} from "../../review/decisions.ts";
import { type EmbeddingSet, readEmbeddingSet } from "../../store/embedding_set.ts";
import { join } from "node:path";
import { gatherRows, type SourceResult, toPairs } from "./labels.ts";

/** Options of {@link fromDecisions}. */
export interface DecisionSourceOptions {
  /** Faces of one photo as cannot-link pairs (the other faces joining as unlabelled rows). @default true */
  samePhoto?: boolean;
  /** The faces that stay in a cluster marked wrong are one person. @default true */
  restIsOnePerson?: boolean;
  /** Most cannot-link pairs per wrong face (with the faces that stay, first ones first). @default 50 */
  maxPairsPerFace?: number;
  /** Where the rows came from, for the model card. @default "decisions" */
  origin?: string;
}

/** What the decisions gave. */
export interface DecisionSummary {
  /** Training rows. */
  rows: number;
  /** Identities (groups of at least one labelled row). */
  identities: number;
  /** Rows with an identity. */
  labelledRows: number;
  /** Cannot-link pairs. */
  cannotLink: number;
  /** Verdicts used: correct, wrong (with faces listed, or two faces), wrong with none listed of 3+ faces (not used). */
  verdicts: { correct: number; wrong: number; unusable: number };
  /** Cannot-link pairs dropped because must-links made the two faces one person. */
  conflicts: number;
}

class UnionFind {
  readonly parent = new Map<number, number>();
  find(a: number): number {
    if (!this.parent.has(a)) return this.parent.set(a, a), a;
    let p = this.parent.get(a)!;
    while (p !== a) {
      const g = this.parent.get(p)!;
      this.parent.set(a, g);
      a = p;
      p = g;
    }
    return a;
  }
  union(a: number, b: number): void {
    const x = this.find(a), y = this.find(b);
    if (x !== y) this.parent.set(Math.max(x, y), Math.min(x, y));
  }
}

/**
 * A training set from the decisions `state` of a review of the run whose embedding set is
 * `set` (see the module doc). Faces of the decisions that the set lacks are ignored.
 */
export function fromDecisions(
  set: EmbeddingSet,
  state: ReviewState,
  opts: DecisionSourceOptions = {},
): SourceResult & { summary: DecisionSummary } {
  const samePhoto = opts.samePhoto ?? true, restOne = opts.restIsOnePerson ?? true;
  const cap = opts.maxPairsPerFace ?? 50;
  const row = new Map<FaceKey, number>();
  set.faces.forEach((f, i) => {
    const k = faceKey(f);
    if (!row.has(k)) row.set(k, i);
  });
  const { labels: fixed, people } = fixedLabels(state, set.faces);
  const notFace = (r: number) => fixed[r] === NOT_A_FACE;
  const rowsOf = (keys: readonly FaceKey[]) =>
    keys.map((k) => row.get(k)).filter((r): r is number => r !== undefined && !notFace(r));
  const uf = new UnionFind();
  const labelled = new Set<number>();
  const groupName = new Map<number, string>(); // a row of the group -> a name for it
  const join1 = (rows: readonly number[], name: string) => {
    if (rows.length === 0) return;
    for (const r of rows) labelled.add(r), uf.find(r);
    for (let i = 1; i < rows.length; i++) uf.union(rows[0], rows[i]);
    if (!groupName.has(rows[0])) groupName.set(rows[0], name);
  };
  // People as the decisions left them.
  const members: number[][] = people.map(() => []);
  fixed.forEach((l, r) => l >= 0 && members[l].push(r));
  members.forEach((m, j) => join1(m, people[j].name ?? people[j].id));
  const cannot: [number, number][] = [];
  const verdicts = { correct: 0, wrong: 0, unusable: 0 };
  for (const v of state.verdicts.values()) {
    const wrongSet = new Set(v.wrong);
    const right = rowsOf(v.faces.filter((k) => !wrongSet.has(k)));
    if (v.verdict === "correct") {
      verdicts.correct++;
      join1(right, `cluster ${v.cluster}`);
      continue;
    }
    const wrong = rowsOf(v.wrong);
    if (wrong.length === 0 || right.length === 0) {
      // Two faces that are not one person are two people; of more, nothing pairwise is known.
      const shown = rowsOf(v.faces);
      if (shown.length === 2) {
        verdicts.wrong++;
        for (const r of shown) uf.find(r);
        cannot.push([shown[0], shown[1]]);
      } else verdicts.unusable++;
      continue;
    }
    verdicts.wrong++;
    if (restOne) join1(right, `cluster ${v.cluster}`);
    for (const w of wrong) {
      uf.find(w);
      for (const r of right.slice(0, cap)) cannot.push([w, r]);
    }
  }
  for (const [k, from] of state.rejectedFrom) {
    const r = row.get(k);
    if (r === undefined || notFace(r)) continue;
    uf.find(r);
    for (const o of rowsOf(from).slice(0, cap)) cannot.push([r, o]);
  }
  for (const s of state.splits) {
    const sel = rowsOf(s.faces), rest = rowsOf(s.rest);
    for (const a of sel) for (const b of rest.slice(0, cap)) uf.find(b), cannot.push([a, b]);
  }
  if (samePhoto) {
    const byPhoto = new Map<string, number[]>();
    set.faces.forEach((f, i) => {
      const list = byPhoto.get(f.imageId);
      if (list) list.push(i);
      else byPhoto.set(f.imageId, [i]);
    });
    for (const r of [...uf.parent.keys()]) {
      for (const o of byPhoto.get(set.faces[r].imageId)!) {
        if (o !== r && set.faces[o].face !== set.faces[r].face && !notFace(o)) {
          uf.find(o), cannot.push([r, o]);
        }
      }
    }
  }
  // Training rows: every row that takes part, in set order.
  const rows = [...uf.parent.keys()].sort((a, b) => a - b);
  const at = new Map(rows.map((r, i) => [r, i]));
  const ids = new Map<number, number>(), names: string[] = [];
  const labels = Int32Array.from(rows, (r) => {
    if (!labelled.has(r)) return -1;
    const g = uf.find(r);
    let id = ids.get(g);
    if (id === undefined) {
      ids.set(g, id = names.length);
      names.push("");
    }
    return id;
  });
  for (const [r, name] of groupName) {
    const id = ids.get(uf.find(r));
    if (id !== undefined && names[id] === "") names[id] = name;
  }
  const seen = new Set<string>();
  const pa: number[] = [], pb: number[] = [];
  let conflicts = 0;
  for (const [a, b] of cannot) {
    if (labelled.has(a) && labelled.has(b) && uf.find(a) === uf.find(b)) {
      conflicts++;
      continue;
    }
    const [x, y] = a < b ? [a, b] : [b, a];
    const key = `${x},${y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pa.push(at.get(x)!), pb.push(at.get(y)!);
  }
  const out = {
    vectors: gatherRows(set, rows),
    dim: set.x.cols,
    labels,
    origin: opts.origin ?? "decisions",
    ...(pa.length ? { pairs: toPairs(pa, pb, pa.map(() => 0)) } : {}),
  };
  const labelledRows = labels.reduce((n, l) => n + (l >= 0 ? 1 : 0), 0);
  return {
    set: out,
    rows: Uint32Array.from(rows),
    names,
    warnings: conflicts > 0
      ? [`decisions: ${conflicts} cannot-link pair(s) between faces the decisions make one person; dropped`]
      : [],
    summary: {
      rows: rows.length,
      identities: names.length,
      labelledRows,
      cannotLink: pa.length,
      verdicts,
      conflicts,
    },
  };
}

/**
 * A training set from a run folder's review: its embedding set and `decisions.jsonl`. A run
 * without decisions is a {@link ToolkitError} saying to review it first.
 */
export async function fromRunDecisions(
  dir: string,
  opts: DecisionSourceOptions = {},
): Promise<SourceResult & { summary: DecisionSummary }> {
  const { state, warnings } = await readDecisions(dir);
  if (state.applied.length === 0) {
    throw new ToolkitError(
      `${dir}: no review decisions (decisions.jsonl); review it first: deno task review --run ${dir}`,
    );
  }
  const set = await readEmbeddingSet(join(dir, "embeddings"));
  const res = fromDecisions(set, state, { ...opts, origin: opts.origin ?? `decisions of ${dir}` });
  return { ...res, warnings: [...warnings, ...res.warnings] };
}
