/**
 * Messages and models shared by {@link ../sync_onnx.ts} and its worker.
 * @module
 */
import { ElemType, encodeModel } from "./onnx_proto.ts";

/** One request to the worker; typed arrays live in shared memory. */
export interface SyncRequest {
  /** Operation. */
  op: "init" | "dots" | "nearest" | "close";
  /** Rows of the registered matrix. */
  n: number;
  /** Columns. */
  d: number;
  /** Rows of `input` used. */
  m: number;
  /** The matrix (init only). */
  x?: Float32Array;
  /** Right-hand rows, m x d. */
  input: Float32Array;
  /** Per-row bias subtracted from the scores (nearest only). */
  bias?: Float32Array;
  /** Output: n x m dots, or n best scores. */
  output: Float32Array;
  /** Output: best row per x row (nearest only). */
  best?: Int32Array;
  /** [state (0 pending, 1 done, 2 failed), error length]. */
  ctrl: Int32Array;
  /** UTF-8 error message. */
  error: Uint8Array;
}

/** x [n, d] · bᵀ [d, m]. */
export function dotsModelBytes(d: number): Uint8Array {
  return encodeModel({
    name: "dots",
    nodes: [{ opType: "Gemm", inputs: ["a", "b"], outputs: ["s"], intAttrs: { transB: 1 } }],
    inputs: [
      { name: "a", elemType: ElemType.float, shape: ["n", d] },
      { name: "b", elemType: ElemType.float, shape: ["m", d] },
    ],
    outputs: [{ name: "s", elemType: ElemType.float, shape: ["n", "m"] }],
  });
}

/** For each row of a: max over rows j of b of (a·b_j - bias_j), and its j. */
export function nearestModelBytes(d: number): Uint8Array {
  return encodeModel({
    name: "nearest",
    nodes: [
      { opType: "Gemm", inputs: ["a", "b"], outputs: ["s"], intAttrs: { transB: 1 } },
      { opType: "Sub", inputs: ["s", "bias"], outputs: ["t"] },
      { opType: "TopK", inputs: ["t", "one"], outputs: ["val", "idx"], intAttrs: { axis: -1 } },
    ],
    inputs: [
      { name: "a", elemType: ElemType.float, shape: ["r", d] },
      { name: "b", elemType: ElemType.float, shape: ["m", d] },
      { name: "bias", elemType: ElemType.float, shape: ["m"] },
      { name: "one", elemType: ElemType.int64, shape: [1] },
    ],
    outputs: [
      { name: "val", elemType: ElemType.float, shape: ["r", 1] },
      { name: "idx", elemType: ElemType.int64, shape: ["r", 1] },
    ],
  });
}
