/**
 * A run folder's cluster labels: `labels.npy` (the labels in force) and `labels.pipeline.npy`
 * (the pipeline's own, once a pick replaced them), int32 arrays of one label per embedding row.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { decodeNpy, encodeNpy } from "../store/npy.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { type RunFile, runPath } from "./files.ts";

/** Reads the int32 labels of `<dir>/labels.npy` (or of `labels.pipeline.npy`); the error names the file. */
export async function readRunLabels(
  dir: string,
  file: Extract<RunFile, "labels" | "pipelineLabels"> = "labels",
): Promise<Int32Array> {
  const path = runPath(dir, file);
  const npy = decodeNpy(await Deno.readFile(path), path);
  if (!(npy.data instanceof Int32Array)) throw new ToolkitError(`${path}: expected int32 labels`);
  return npy.data;
}

/** Writes `labels` as `<dir>/labels.npy` (atomically). */
export async function writeRunLabels(dir: string, labels: Int32Array): Promise<void> {
  await writeFileAtomic(runPath(dir, "labels"), encodeNpy(labels, [labels.length]));
}
