/**
 * Applying a pick to a run folder: another clustering's labels become the run's `labels.npy`
 * and run.json records it, while the pipeline's own labels and clustering are kept
 * (`labels.pipeline.npy`, run.json's `pipeline`), so that picking again always starts from them.
 * Choosing the labels (a sweep run) and redrawing the report are the caller's
 * (lib/notebook/pick.ts).
 * @module
 */
import { runPath } from "./files.ts";
import { readRunLabels, writeRunLabels } from "./labels.ts";
import {
  type RunClustering,
  type RunDecisions,
  type RunJson,
  type RunJsonRead,
  type RunPerson,
  type RunPickRecord,
  writeRunJson,
} from "./run_json.ts";

/**
 * The pipeline's own clustering of the run in `dir` whose run.json is `meta`. A run.json without
 * `pipeline` is fresh from the pipeline: its `labels.npy` is copied to `labels.pipeline.npy` first.
 */
export async function pipelineClustering(dir: string, meta: RunJsonRead): Promise<RunClustering> {
  if (!meta.pipeline) await Deno.copyFile(runPath(dir, "labels"), runPath(dir, "pipelineLabels"));
  return meta.pipeline ?? { method: meta.method!, params: meta.params! };
}

/** The pipeline's own labels (after {@link pipelineClustering}). */
export function pipelineLabels(dir: string): Promise<Int32Array> {
  return readRunLabels(dir, "pipelineLabels");
}

/** What a pick puts into the run folder. */
export interface PickedClustering extends RunClustering {
  /** The labels, one per embedding row. */
  labels: Int32Array;
  /** The pipeline's own clustering ({@link pipelineClustering}). */
  pipeline: RunClustering;
  /** The pick (undefined: the pipeline's own clustering is back). */
  pick?: RunPickRecord;
  /** Shown clusters. */
  clusters: number;
  /** People and decisions, when the run folder's review decisions were applied to the labels. */
  review?: { people: RunPerson[]; decisions?: RunDecisions };
}

/**
 * Writes `picked` into the run folder `dir` whose run.json is `meta`: `labels.npy`, then run.json
 * with the method, parameters, pipeline, pick and counts replaced (people and decisions too, when
 * given; every other field kept). Returns the new run.json.
 */
export async function writePick(
  dir: string,
  meta: RunJsonRead,
  picked: PickedClustering,
): Promise<RunJsonRead> {
  await writeRunLabels(dir, picked.labels);
  const next: RunJsonRead = {
    ...meta,
    method: picked.method,
    params: picked.params,
    pipeline: picked.pipeline,
    pick: picked.pick,
    counts: { faces: picked.labels.length, clusters: picked.clusters },
    ...(picked.review ? { people: picked.review.people, decisions: picked.review.decisions } : {}),
  };
  // Every field of the earlier run.json is kept as it was (an older run may lack some).
  await writeRunJson(dir, next as RunJson);
  return next;
}
