/**
 * `run.json`, the record of a run folder: its schema ({@link RunJson}), written by
 * {@link writeRunJson} and read back, checked field by field, by {@link readRunJson}.
 * @module
 */
import { errorMessage, ToolkitError } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { runPath } from "./files.ts";
import type { ReportNoFace } from "./types.ts";
import type { RunGraphRecord } from "./saved_graph.ts";

/** A clustering: method name and its parameters. */
export interface RunClustering {
  /** Clustering method (a name of lib/cluster/registry.ts). */
  method: string;
  /** Its parameters (with `minClusterSize` and `cannotLink` of the run). */
  params: Record<string, unknown>;
}

/** What a pick recorded: which sweep run's labels are the run's now. */
export interface RunPickRecord {
  /** How it was chosen. */
  rule: "best" | "label-free" | "id";
  /** The sweep run's id. */
  id: string;
  /** The sweep folder. */
  sweep: string;
  /** The metric `best` went by (when chosen by it). */
  metric?: string;
  /** The sweep run's metrics. */
  metrics?: Record<string, unknown>;
}

/** One person of a run, as run.json lists them. */
export interface RunPerson {
  /** Shown cluster (as in assignments.csv). */
  cluster: number;
  /** Person id of the decision log. */
  person: string;
  /** Name, when named. */
  name?: string;
  /** Faces in the cluster. */
  faces: number;
  /** Of them, faces a decision put there. */
  decided: number;
  /** Of them, faces with no decision that joined (new photos, or faces not reviewed). */
  added: number;
}

/** A review decision that could not be honoured. */
export interface RunUnhonoured {
  /** What was decided, in words (e.g. `face of "Ada"`, `rejected as not a face`). */
  decision: string;
  /** The faces concerned (face keys). */
  faces: string[];
  /** Photo path, where known (this run's, or the earlier run's for a photo that left). */
  path?: string;
  /** Why it could not be honoured. */
  reason: string;
}

/** What run.json records of the decisions applied. */
export interface RunDecisions {
  /** The log, relative to the run folder. */
  file: string;
  /** Decisions in force. */
  applied: number;
  /** Faces fixed to a person. */
  decidedFaces: number;
  /** Faces left out as not faces. */
  notFaces: number;
  /** Faces with no decision that became a person's. */
  added: number;
  /** Of them, faces whose cluster joined a person by nearness after the clustering. */
  joined: number;
  /** Cosine distance used for joining. */
  joinThreshold: number;
  /** Free faces taken out of clusters they were rejected from. */
  keptApart: number;
  /** Faces of hidden clusters, not shown. */
  hiddenFaces: number;
  /** Decisions that could not be honoured, with the reason. */
  unhonoured: RunUnhonoured[];
  /** Lines of the log that were skipped. */
  warnings: string[];
}

/** The schema of `run.json`. Writers give the header fields; the rest are written where they apply. */
export interface RunJson extends RunClustering {
  /** Title of the report page. */
  title: string;
  /** Human-readable description of the photo source (`folder <root>`, `drive <id>`, ...). */
  source: string;
  /** Model names / versions used. */
  models: string[];
  /** When the run was made (ISO 8601). */
  createdAt: string;
  /** The face stage's options that change results. */
  faceOptions?: Record<string, unknown>;
  /** Photos listed. */
  images: number;
  /** Seconds per stage. */
  timings?: Record<string, number>;
  /** Execution provider the models ran on. */
  provider?: string;
  /** Photos read fine but with no face. */
  noFace: ReportNoFace[];
  /** Faces (embedding rows) and shown clusters. */
  counts?: { faces: number; clusters?: number };
  /** How the clustering was chosen (`summary`, and the choice's details). */
  choice?: { summary: string } & Record<string, unknown>;
  /** People of the review decisions, when a decision log was applied. */
  people?: RunPerson[];
  /** The decisions applied. */
  decisions?: RunDecisions;
  /** The pipeline's own clustering, once a pick replaced it. */
  pipeline?: RunClustering;
  /** The pick now in force. */
  pick?: RunPickRecord;
  /** How the k-NN graph was obtained: built, grown from the saved one, or rebuilt and why (lib/run/saved_graph.ts). */
  graph?: RunGraphRecord;
}

/** run.json as read: any field may be missing (older runs); those present have their type. */
export type RunJsonRead = Partial<RunJson>;

type Kind = "string" | "number" | "object" | "array" | "string[]";

const FIELDS: Record<string, Kind> = {
  title: "string",
  source: "string",
  models: "string[]",
  createdAt: "string",
  method: "string",
  params: "object",
  faceOptions: "object",
  images: "number",
  timings: "object",
  provider: "string",
  noFace: "array",
  counts: "object",
  choice: "object",
  people: "array",
  decisions: "object",
  pipeline: "object",
  pick: "object",
  graph: "object",
};

const NESTED: Record<string, Record<string, Kind>> = {
  counts: { faces: "number", clusters: "number" },
  choice: { summary: "string" },
  pipeline: { method: "string", params: "object" },
  pick: { rule: "string", id: "string", sweep: "string", metric: "string", metrics: "object" },
};

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function check(path: string, field: string, v: unknown, kind: Kind): void {
  const ok = kind === "string[]"
    ? Array.isArray(v) && v.every((x) => typeof x === "string")
    : kind === "array"
    ? Array.isArray(v)
    : kind === "object"
    ? kindOf(v) === "object"
    : typeof v === kind && (kind !== "number" || Number.isFinite(v));
  if (!ok) {
    const want = kind === "string[]" ? "a list of strings" : kind === "array" ? "a list" : `a ${kind}`;
    throw new ToolkitError(`${path}: field "${field}" should be ${want}, not ${JSON.stringify(v)}`);
  }
}

/**
 * Parses the text of a run.json (`path` names it in errors): a JSON object whose known fields,
 * where present, have their type (nested ones too: `counts.faces`, `pick.rule`, ...). Fields it
 * does not know are kept as they are. Throws a {@link ToolkitError} naming the file and the field.
 */
export function parseRunJson(text: string, path: string): RunJsonRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ToolkitError(`${path}: not JSON (${errorMessage(e)})`, { cause: e });
  }
  if (kindOf(v) !== "object") throw new ToolkitError(`${path}: should hold a JSON object, not ${kindOf(v)}`);
  const o = v as Record<string, unknown>;
  for (const [field, kind] of Object.entries(FIELDS)) {
    if (o[field] === undefined) continue;
    check(path, field, o[field], kind);
    const nested = NESTED[field];
    if (!nested) continue;
    const inner = o[field] as Record<string, unknown>;
    for (const [k, kk] of Object.entries(nested)) {
      if (inner[k] !== undefined) check(path, `${field}.${k}`, inner[k], kk);
    }
  }
  if (o.pick !== undefined) {
    const rule = (o.pick as Record<string, unknown>).rule;
    if (rule !== undefined && rule !== "best" && rule !== "label-free" && rule !== "id") {
      throw new ToolkitError(
        `${path}: field "pick.rule" should be best, label-free or id, not ${JSON.stringify(rule)}`,
      );
    }
  }
  return o as RunJsonRead;
}

/**
 * Reads and checks `<dir>/run.json` ({@link parseRunJson}). A missing file is `undefined` when
 * `optional`, else an error naming it.
 */
export async function readRunJson(dir: string, opts: { optional: true }): Promise<RunJsonRead | undefined>;
export async function readRunJson(dir: string, opts?: { optional?: false }): Promise<RunJsonRead>;
export async function readRunJson(
  dir: string,
  opts: { optional?: boolean } = {},
): Promise<RunJsonRead | undefined> {
  const path = runPath(dir, "runJson");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (opts.optional && e instanceof Deno.errors.NotFound) return undefined;
    throw new ToolkitError(`${path}: cannot read (${errorMessage(e)}); is ${dir} a run folder?`, {
      cause: e,
    });
  }
  return parseRunJson(text, path);
}

/** Writes `meta` as `<dir>/run.json` (2-space JSON, atomically: temp file + rename). */
export async function writeRunJson(dir: string, meta: RunJson): Promise<void> {
  await writeFileAtomic(runPath(dir, "runJson"), JSON.stringify(meta, null, 2));
}
