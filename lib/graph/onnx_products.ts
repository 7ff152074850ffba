/**
 * Matrix products with onnxruntime over one registered matrix `x`, asynchronously: `x · Bᵀ` and,
 * per row of `x`, the row of `B` with the largest biased dot product. K-Means runs its distance
 * work here on large inputs, and the radius graph its brute-force pairs.
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Matrix } from "../matrix.ts";
import { ElemType, encodeModel } from "./onnx_proto.ts";

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

/** One matrix `x` and its onnxruntime sessions (opened on first use); call {@link OnnxProducts.close} when done. */
export class OnnxProducts {
  readonly #x: Float32Array;
  readonly #xTensor: ort.Tensor;
  readonly #sessions = new Map<string, ort.InferenceSession>();
  /** Rows of `x`. */
  readonly n: number;
  /** Columns of `x`. */
  readonly d: number;

  /** Registers `x` (copied when it lives in shared memory, which onnxruntime rejects). */
  constructor(x: Matrix) {
    this.n = x.rows;
    this.d = x.cols;
    this.#x = x.data.buffer instanceof SharedArrayBuffer ? x.data.slice() : x.data;
    this.#xTensor = new ort.Tensor("float32", this.#x, [this.n, this.d]);
  }

  async #session(kind: "dots" | "nearest"): Promise<ort.InferenceSession> {
    let s = this.#sessions.get(kind);
    if (!s) {
      const bytes = kind === "dots" ? dotsModelBytes(this.d) : nearestModelBytes(this.d);
      s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all" });
      this.#sessions.set(kind, s);
    }
    return s;
  }

  /** `x · Bᵀ` for `b` holding m rows of d values; returns n x m, row-major. */
  async dots(b: Float32Array, m: number): Promise<Float32Array> {
    const s = await this.#session("dots");
    const bt = new ort.Tensor("float32", b.slice(0, m * this.d), [m, this.d]);
    const out = await s.run({ a: this.#xTensor, b: bt });
    const res = (out.s.data as Float32Array).slice(0, this.n * m);
    out.s.dispose?.();
    return res;
  }

  /**
   * For each row i of x: the row j of `b` (m rows) maximising `x_i · b_j - bias_j`, and
   * that maximum.
   */
  async nearest(
    b: Float32Array,
    m: number,
    bias: Float32Array,
  ): Promise<{ best: Int32Array; score: Float32Array }> {
    const { n, d } = this;
    const s = await this.#session("nearest");
    const bt = new ort.Tensor("float32", b.slice(0, m * d), [m, d]);
    const biasT = new ort.Tensor("float32", bias.slice(0, m), [m]);
    const one = new ort.Tensor("int64", BigInt64Array.from([1n]), [1]);
    const best = new Int32Array(n), score = new Float32Array(n);
    const blockRows = Math.max(1, Math.min(n, Math.floor((16 << 20) / Math.max(1, m))));
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const rows = Math.min(blockRows, n - r0);
      const a = new ort.Tensor("float32", this.#x.subarray(r0 * d, (r0 + rows) * d), [rows, d]);
      const out = await s.run({ a, b: bt, bias: biasT, one });
      const idx = out.idx.data as BigInt64Array;
      const val = out.val.data as Float32Array;
      for (let i = 0; i < rows; i++) {
        score[r0 + i] = val[i];
        best[r0 + i] = Number(idx[i]);
      }
      out.idx.dispose?.();
      out.val.dispose?.();
    }
    return { best, score };
  }

  /** Frees the sessions' native memory. */
  async close(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((s) => s.release()));
  }
}
