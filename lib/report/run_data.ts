/**
 * A pipeline run folder in memory: the embedding set, thumbnails, raw and shown cluster
 * labels, true labels when known, and the run's metadata (run.json, errors.csv).
 * @module
 */
import { basename, resolve } from "node:path";
import { showBidiControls } from "../util/html.ts";
import { ToolkitError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import { type FaceMeta, labelIds, readEmbeddingSet, readThumbnails } from "../store/embedding_set.ts";
import { runPath } from "../run/files.ts";
import { readRunLabels } from "../run/labels.ts";
import { readRunJson } from "../run/run_json.ts";
import { parseErrorsCsv } from "../run/csv.ts";
import type { ReportError, ReportNoFace, RunReport } from "../run/types.ts";
import type { RunPerson } from "../run/run_json.ts";
import { CLUSTER_MIN_FACES } from "../metrics/clusters.ts";

/**
 * What run.json says about a run (every field optional on reading): the run report's header
 * fields, written by lib/pipeline/run.ts, with the photos that had no face.
 */
export type RunMeta = Omit<RunReport, "faces" | "noFace" | "errors" | "timings"> & {
  /** Seconds per stage. */
  timings: Record<string, number>;
  /** Photos read fine but with no face. */
  noFace: ReportNoFace[];
  /** The people of the review decisions applied (run.json's `people`). */
  people?: RunPerson[];
};

/** A run, ready for figures and reports. */
export interface RunData {
  /** Short name (the run folder's name), used for the report folder. */
  name: string;
  /** Metadata. */
  meta: RunMeta;
  /** One L2-normalised embedding per face. */
  x: Matrix;
  /** One entry per row of `x`. */
  faces: FaceMeta[];
  /** JPEG thumbnail per face (undefined where none). */
  thumbnails: (Uint8Array | undefined)[];
  /** Raw cluster label per face (singletons included), as the clusterer gave it. */
  raw: Int32Array;
  /**
   * Shown cluster per face: clusters of at least `minClusterSize` faces numbered 0, 1, ...
   * largest first (ties by raw label), -1 for the rest (unassigned).
   */
  clusters: Int32Array;
  /** Smallest cluster that counts as a group. */
  minClusterSize: number;
  /**
   * Per shown cluster: the name a review gave its person (run.json's `people`), or "" (comes
   * from outside: always escaped).
   */
  names: string[];
  /** Raw labels below this are review people (always shown); 0 without decisions. */
  peopleLabels: number;
  /** True identity per face (ids into `truthNames`) when every face has a label. */
  truth?: Int32Array;
  /** Names of the true identities. */
  truthNames?: string[];
  /** Files that failed. */
  errors: ReportError[];
}

/**
 * Renumbers raw labels: groups of >= `minSize` become 0, 1, ... largest first; the rest -1.
 * Labels below `people` (the people of review decisions, see lib/review/apply.ts) are always
 * kept, as the pipeline keeps them.
 */
export function shownClusters(raw: Int32Array, minSize: number, people = 0): Int32Array {
  const sizes = new Map<number, number>();
  for (const l of raw) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const kept = [...sizes].filter(([l, s]) => l < people || s >= minSize)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const id = new Map(kept.map(([l], i) => [l, i]));
  return Int32Array.from(raw, (l) => id.get(l) ?? -1);
}

/**
 * The shown clusters and their names from run.json's `people`: the people of a review are raw
 * labels 0..P-1 (lib/review/run_hook.ts), always shown; P is the smallest count, from the number
 * of people on, for which the most people's clusters have their recorded size and a person's
 * label. A person whose entry does not match the labels (labels.npy changed by hand) gets no
 * name rather than a wrong one.
 */
export function namedClusters(
  raw: Int32Array,
  minSize: number,
  people: readonly RunPerson[] | undefined,
): { clusters: Int32Array; names: string[]; peopleLabels: number } {
  const build = (p: number) => {
    const clusters = shownClusters(raw, minSize, p);
    const k = clusters.reduce((m, c) => Math.max(m, c + 1), 0);
    const size = new Int32Array(k), rawOf = new Int32Array(k);
    clusters.forEach((c, i) => {
      if (c < 0) return;
      size[c]++;
      rawOf[c] = raw[i];
    });
    const fits = (e: RunPerson) =>
      e.cluster >= 0 && e.cluster < k && size[e.cluster] === e.faces && rawOf[e.cluster] < p;
    return { clusters, k, fits };
  };
  const list = people ?? [];
  let top = 0;
  for (const l of raw) top = Math.max(top, l + 1);
  // A person with no face left takes a label too: try one more at a time, and keep the count
  // that fits the most entries (all of them, unless some are stale).
  let p = list.length, b = build(p), best = list.filter(b.fits).length;
  for (let q = p + 1; best < list.length && q <= Math.min(top, list.length + 64); q++) {
    const next = build(q), fit = list.filter(next.fits).length;
    if (fit > best) [p, b, best] = [q, next, fit];
  }
  const names = new Array<string>(b.k).fill("");
  for (const e of list) if (e.name && b.fits(e)) names[e.cluster] = e.name;
  return { clusters: b.clusters, names, peopleLabels: p };
}

/**
 * A shown cluster as text, as every report heads it: `Ada · cluster 3` when a review named its
 * person (`run.names`), else `Cluster 3` (`cluster 3` with `lower`). Plain text with bidi
 * controls shown by name: escape it where it goes into markup.
 */
export function clusterTitleOf(run: Pick<RunData, "names">, id: number, lower = false): string {
  const name = id >= 0 ? run.names[id] ?? "" : "";
  return name ? `${showBidiControls(name)} · cluster ${id}` : `${lower ? "cluster" : "Cluster"} ${id}`;
}

/** Input of {@link runData}: an embedding set and labels, from a run folder or a notebook. */
export interface RunDataInput {
  /** Name of the run. */
  name: string;
  /** Metadata (missing fields get defaults). */
  meta?: Partial<RunMeta>;
  /** Embeddings. */
  x: Matrix;
  /** Face metadata. */
  faces: FaceMeta[];
  /** Raw cluster labels. */
  labels: Int32Array;
  /** Thumbnails (default none). */
  thumbnails?: (Uint8Array | undefined)[];
  /** Errors (default none). */
  errors?: ReportError[];
}

/** Builds {@link RunData}, checking that the parts agree. */
export function runData(input: RunDataInput): RunData {
  const n = input.x.rows;
  if (input.faces.length !== n || input.labels.length !== n) {
    throw new ToolkitError(
      `run ${input.name}: ${n} embeddings, ${input.faces.length} faces, ${input.labels.length} labels`,
    );
  }
  const m = input.meta ?? {};
  const params = m.params ?? {};
  const minClusterSize = typeof params.minClusterSize === "number"
    ? params.minClusterSize
    : CLUSTER_MIN_FACES;
  const meta: RunMeta = {
    title: m.title ?? input.name,
    source: m.source ?? "",
    models: m.models ?? [],
    createdAt: m.createdAt ?? "",
    method: m.method ?? "unknown",
    params,
    ...(m.faceOptions ? { faceOptions: m.faceOptions } : {}),
    images: m.images ?? new Set(input.faces.map((f) => f.imageId)).size,
    timings: m.timings ?? {},
    noFace: m.noFace ?? [],
    ...(m.people ? { people: m.people } : {}),
  };
  const named = namedClusters(input.labels, minClusterSize, m.people);
  const truth = labelIds(input.faces);
  let truthNames: string[] | undefined;
  if (truth) {
    truthNames = [];
    input.faces.forEach((f, i) => (truthNames![truth[i]] = f.label!));
  }
  return {
    name: input.name,
    meta,
    x: input.x,
    faces: input.faces,
    thumbnails: input.thumbnails ?? input.faces.map(() => undefined),
    raw: input.labels,
    clusters: named.clusters,
    minClusterSize,
    names: named.names,
    peopleLabels: named.peopleLabels,
    truth,
    truthNames,
    errors: input.errors ?? [],
  };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Reads a run folder written by `deno task run` (embeddings/, labels.npy, run.json,
 * errors.csv). Thumbnails missing from the embedding set are simply absent.
 */
export async function loadRun(dir: string): Promise<RunData> {
  const set = await readEmbeddingSet(runPath(dir, "embeddings"));
  let thumbnails: (Uint8Array | undefined)[];
  try {
    thumbnails = await readThumbnails(runPath(dir, "embeddings"), set.faces);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    thumbnails = set.faces.map(() => undefined);
  }
  const labels = await readRunLabels(dir);
  const meta = await readRunJson(dir, { optional: true });
  const errorsText = await readOptional(runPath(dir, "errors"));
  return runData({
    name: basename(resolve(dir)),
    meta,
    x: set.x,
    faces: set.faces,
    labels,
    thumbnails,
    errors: errorsText ? parseErrorsCsv(errorsText) : [],
  });
}
