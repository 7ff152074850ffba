/**
 * The names of a run folder's files, in one place. A run folder is what `deno task run --out`
 * writes and every later step (sweep, pick, review, report, notebooks) reads.
 * @module
 */
import { join } from "node:path";

/** Each file (or folder) of a run folder, by role. */
export const RUN_FILES = {
  /** What the run was: source, models, clustering, counts, decisions ({@link RunJson}). */
  runJson: "run.json",
  /** Raw cluster label per embedding row (int32 .npy, singletons included). */
  labels: "labels.npy",
  /** The pipeline's own labels, kept when a pick replaced `labels.npy` (restored by `keep`). */
  pipelineLabels: "labels.pipeline.npy",
  /** A face per row with its shown cluster and person (lib/run/csv.ts). */
  assignments: "assignments.csv",
  /** Files that failed, with the stage and reason. */
  errors: "errors.csv",
  /** The embedding set: vectors.npy, faces.jsonl, thumbs.bin (lib/store/embedding_set.ts). */
  embeddings: "embeddings",
  /** The run report's first page (lib/report/run/run_report.ts). */
  report: "index.html",
  /** Where a sweep of the run's embeddings is written by default. */
  sweep: "sweep",
} as const;

/** The role of a run folder's file, e.g. `"runJson"`. */
export type RunFile = keyof typeof RUN_FILES;

/** The path of `file` in the run folder `dir`, e.g. `runPath(dir, "labels")` is `<dir>/labels.npy`. */
export function runPath(dir: string, file: RunFile): string {
  return join(dir, RUN_FILES[file]);
}
