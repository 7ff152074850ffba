/**
 * What the model runners need of an ONNX session: its outputs as float arrays for the families'
 * decoders, and whether it takes batches.
 * @module
 */
import type { ModelSession } from "../session.ts";
import type { ModelOutputs } from "./types.ts";

/**
 * The float32 outputs of a session run, with the session's output order (other outputs are
 * left out; a family that needs one then names it in its error).
 */
export function modelOutputs(
  names: readonly string[],
  out: Readonly<Record<string, { data: unknown }>>,
): ModelOutputs {
  const data: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out)) if (v.data instanceof Float32Array) data[k] = v.data;
  return { names, data };
}

/** Whether a session's first input takes batches of more than one (its batch side is not fixed at 1). */
export function sessionBatchable(model: ModelSession): boolean {
  const meta = model.session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
  return typeof meta?.shape?.[0] !== "number" || meta.shape[0] !== 1;
}
