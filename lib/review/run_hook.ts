/**
 * The pipeline's hook for review decisions: a run folder's `decisions.jsonl`, when there is
 * one, is read before the run, turned into the clustering's constraints, and applied to its
 * labels afterwards (lib/review/apply.ts); what could not be honoured is logged and goes to
 * run.json. Without a log the clustering runs as it would anyway. A clustering that takes only
 * the faces (and so only their same-photo pairs) gets the decisions' constraints enforced after it
 * ran, then the final labels.
 *
 * @example
 * ```ts
 * const review = await openReview(out, log);            // before the run rewrites embeddings/
 * const step = reviewClustering(review, x, faces);
 * const labels = await cluster(step.x, step.faces);       // the run's own clustering call
 * const done = step.finish(labels, { threshold: 0.55, minClusterSize: 2, log });
 * ```
 * @module
 */
import type { RunDecisions, RunPerson } from "../run/run_json.ts";
import { DEFAULT_AGGLOMERATIVE } from "../cluster/agglomerative.ts";
import type { Matrix } from "../matrix.ts";
import { shownClusters } from "../report/run_data.ts";
import { type FaceMeta, readEmbeddingSet, samePhotoPairs } from "../store/embedding_set.ts";
import {
  clusterProblem,
  expandLabels,
  finalLabels,
  planReview,
  shownLabels,
  type Unhonoured,
} from "./apply.ts";
import { DECISIONS_FILE, type FaceKey, faceKey, parseLog, replay, type ReviewState } from "./decisions.ts";

/** A run folder's decisions, read. */
export interface ReviewSession {
  /** The log file. */
  file: string;
  /** The replayed decisions. */
  state: ReviewState;
  /** Lines of the log that were skipped. */
  warnings: string[];
  /** Photo path of each decided face in the run folder's earlier `embeddings/faces.jsonl`. */
  previousPaths: Map<FaceKey, string>;
}

/**
 * Reads `<runDir>/decisions.jsonl` (without changing it) and the earlier run's face paths, before
 * the run rewrites them; undefined when the folder has no decision log. Skipped lines are logged.
 */
export async function openReview(
  runDir: string,
  log: (line: string) => void = (l) => console.error(l),
): Promise<ReviewSession | undefined> {
  const file = `${runDir}/${DECISIONS_FILE}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const parsed = parseLog(bytes, file);
  const warnings = [...parsed.warnings];
  if (parsed.tornAt !== undefined) warnings.push(`${file}: a torn last line is left out`);
  for (const w of warnings) log(`decisions: ${w}`);
  const state = replay(parsed.decisions);
  const decided = new Set<FaceKey>([...state.person.keys(), ...state.rejected.keys(), ...state.hidden]);
  const previousPaths = new Map<FaceKey, string>();
  try {
    const text = await Deno.readTextFile(`${runDir}/embeddings/faces.jsonl`);
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const f = JSON.parse(line) as FaceMeta;
        const k = faceKey(f);
        if (decided.has(k) && typeof f.path === "string") previousPaths.set(k, f.path);
      } catch {
        // An unreadable line only costs the path of a photo that left; the embeddings are rewritten.
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) log(`decisions: earlier faces.jsonl not read (${e})`);
  }
  return { file, state, warnings, previousPaths };
}

/**
 * The cosine distance within which a new face joins a person, from the clustering that ran: the
 * threshold of a distance-threshold method (agglomerative), one minus the edge similarity of a
 * graph method (Chinese whispers, Louvain), else the default clustering's 0.55.
 */
export function joinThreshold(method: string | undefined, params: Record<string, unknown> = {}): number {
  const t = params.threshold;
  if (typeof t === "number" && Number.isFinite(t)) {
    if (method === "agglomerative" || method === "graph-agglomerative" || method === undefined) return t;
    if (method === "chinese-whispers" || method === "louvain") return 1 - t;
  }
  return DEFAULT_AGGLOMERATIVE.threshold;
}

/** One person of a run, and the decisions applied, as run.json lists them (lib/run/run_json.ts). */
export type { RunDecisions, RunPerson } from "../run/run_json.ts";

/** The clustering's result with the decisions applied. */
export interface ReviewedClustering {
  /** Raw labels for labels.npy (people first: person p is label p). */
  labels: Int32Array;
  /** Shown cluster per row (as in assignments.csv). */
  shown: Int32Array;
  /** Name of the person of each row ("" where unnamed or none). */
  names: string[];
  /** The people (empty without decisions). */
  people: RunPerson[];
  /** What was applied (undefined without decisions). */
  decisions?: RunDecisions;
}

/** Options of {@link ReviewStep.finish}. */
export interface FinishOptions {
  /** Cosine distance within which a new face joins a person (see {@link joinThreshold}). */
  threshold: number;
  /** Smallest cluster that is shown (people are always shown). */
  minClusterSize: number;
  /** Where the summary and each unhonoured decision are written. */
  log?: (line: string) => void;
}

/** The clustering's input with the decisions in, and how to finish. */
export interface ReviewStep {
  /** Rows to cluster (all but faces rejected as not faces). */
  x: Matrix;
  /** The faces of the rows of {@link x}. */
  faces: FaceMeta[];
  /** Row of the full set of each row of {@link x}. */
  rows: Int32Array;
  /** Cannot-link pairs in rows of {@link x} (faces of one photo, and the decisions'). */
  cannotLink: Int32Array;
  /** Must-link pairs in rows of {@link x} (for clusterers that take them). */
  mustLink: Int32Array;
  /** Applies the decisions to the clustering's labels of {@link x}. */
  finish(labels: Int32Array, opts: FinishOptions): ReviewedClustering;
}

/** One line per unhonoured decision. */
export function unhonouredLines(list: readonly Unhonoured[]): string[] {
  return list.map((u) => {
    const n = u.faces.length > 1 ? ` (${u.faces.length} faces)` : "";
    return `${u.decision}${n}${u.path !== undefined ? ` in ${u.path}` : ""}: ${u.reason}`;
  });
}

/**
 * The clustering step of a run with `review` (or none): what to cluster, and how to turn its
 * labels into the run's labels, shown clusters and names.
 */
export function reviewClustering(
  review: ReviewSession | undefined,
  x: Matrix,
  faces: readonly FaceMeta[],
): ReviewStep {
  const samePhoto = samePhotoPairs(faces);
  if (!review) {
    return {
      x,
      faces: [...faces],
      rows: Int32Array.from(faces, (_, i) => i),
      cannotLink: samePhoto,
      mustLink: new Int32Array(0),
      finish: (labels, opts) => ({
        labels,
        shown: shownClusters(labels, opts.minClusterSize),
        names: faces.map(() => ""),
        people: [],
      }),
    };
  }
  const plan = planReview(review.state, faces, { previousPaths: review.previousPaths });
  const problem = clusterProblem(x, plan, samePhoto);
  return {
    x: problem.x,
    faces: Array.from(problem.rows, (r) => faces[r]),
    rows: problem.rows,
    cannotLink: problem.cannotLink,
    mustLink: problem.mustLink,
    finish(labels, opts) {
      const log = opts.log ?? ((l: string) => console.error(l));
      const full = expandLabels(problem, labels, faces.length);
      const fin = finalLabels(x, faces, full, plan, { threshold: opts.threshold });
      const { shown, personOf } = shownLabels(fin.labels, plan.people.length, opts.minClusterSize);
      const sizes = new Map<number, number>();
      for (const s of shown) if (s >= 0) sizes.set(s, (sizes.get(s) ?? 0) + 1);
      const addedTo = new Map<number, number>();
      for (const i of fin.added) addedTo.set(fin.person[i], (addedTo.get(fin.person[i]) ?? 0) + 1);
      const people: RunPerson[] = [];
      personOf.forEach((p, cluster) => {
        if (p < 0) return;
        const who = plan.people[p];
        people.push({
          cluster,
          person: who.id,
          ...(who.name !== undefined ? { name: who.name } : {}),
          faces: sizes.get(cluster) ?? 0,
          decided: who.rows.length,
          added: addedTo.get(p) ?? 0,
        });
      });
      const names = Array.from(fin.person, (p) => (p >= 0 ? plan.people[p].name ?? "" : ""));
      const decidedFaces = plan.people.reduce((s, p) => s + p.rows.length, 0);
      const notFaces = x.rows - problem.x.rows;
      const decisions: RunDecisions = {
        file: DECISIONS_FILE,
        applied: review.state.applied.length,
        decidedFaces,
        notFaces,
        added: fin.added.length,
        joined: fin.joined,
        joinThreshold: opts.threshold,
        keptApart: fin.keptApart,
        hiddenFaces: fin.hiddenFaces,
        unhonoured: plan.unhonoured,
        warnings: review.warnings,
      };
      const named = plan.people.filter((p) => p.name !== undefined).length;
      log(
        `decisions: ${decisions.applied} applied from ${review.file}: ${plan.people.length} people ` +
          `(${named} named, ${decidedFaces} faces decided), ${notFaces} not faces left out, ` +
          `${fin.added.length} faces without a decision joined a person (${fin.joined} by nearness ` +
          `within ${opts.threshold}), ${fin.keptApart} kept apart, ${fin.hiddenFaces} hidden; ` +
          `${plan.unhonoured.length} could not be honoured${plan.unhonoured.length ? ":" : ""}`,
      );
      for (const line of unhonouredLines(plan.unhonoured)) log(`  ${line}`);
      return { labels: fin.labels, shown, names, people, decisions };
    },
  };
}

/**
 * The decisions of run folder `runDir` applied to labels made elsewhere for its embedding rows
 * (a sweep's pick, `deno task pick`): undefined when the folder has no decision log.
 */
export async function reviewRunLabels(
  runDir: string,
  labels: Int32Array,
  opts: FinishOptions,
): Promise<ReviewedClustering | undefined> {
  const review = await openReview(runDir, opts.log);
  if (!review) return undefined;
  const { x, faces } = await readEmbeddingSet(`${runDir}/embeddings`);
  if (labels.length !== faces.length) {
    throw new RangeError(`${runDir}: ${labels.length} labels for ${faces.length} faces in embeddings/`);
  }
  const step = reviewClustering(review, x, faces);
  return step.finish(Int32Array.from(step.rows, (r) => labels[r]), opts);
}
