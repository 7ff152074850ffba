/**
 * Applying an exported adapter through ONNX Runtime (lib/models/session.ts, as every model of
 * the catalogue): vectors in, unit rows out, in batches.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ADAPTER_IO } from "./onnx_export.ts";

/** Runs `vectors` (`rows x dim`) through an open adapter session, `batch` rows at a time. */
export async function runAdapter(
  model: ModelSession,
  vectors: Float32Array,
  dim: number,
  batch = 4096,
): Promise<Float32Array> {
  if (vectors.length % dim !== 0) {
    throw new ToolkitError(`adapter: ${vectors.length} values are not rows of ${dim}`);
  }
  const rows = vectors.length / dim;
  let out: Float32Array | undefined;
  let outDim = 0;
  for (let r = 0; r < rows; r += batch) {
    const n = Math.min(batch, rows - r);
    const x = new Tensor("float32", vectors.subarray(r * dim, (r + n) * dim), [n, dim]);
    const res = await model.session.run({ [ADAPTER_IO.input]: x });
    const y = res[ADAPTER_IO.output];
    if (!y) throw new ToolkitError(`adapter model has no output ${ADAPTER_IO.output}`);
    const data = y.data as Float32Array;
    if (!out) {
      outDim = data.length / n;
      out = new Float32Array(rows * outDim);
    }
    out.set(data, r * outDim);
  }
  return out ?? new Float32Array(0);
}
