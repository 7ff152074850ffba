/**
 * Full cosine-distance matrices (n x n, float32, row-major) for exact hierarchical clustering,
 * computed block by block with onnxruntime's matrix product, or in plain JavaScript for small
 * inputs. 13,233 faces take 0.7 GB, 25,000 take 2.5 GB.
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Matrix } from "../matrix.ts";
import { ToolkitError } from "../errors.ts";
import { ElemType, encodeModel } from "./onnx_proto.ts";

/** Largest n accepted (the matrix takes 4·n² bytes). */
export const MAX_DENSE_ROWS = 40_000;

function check(x: Matrix): void {
  if (x.rows > MAX_DENSE_ROWS) {
    throw new ToolkitError(
      `dense distance matrix: ${x.rows} rows would need ${(4 * x.rows * x.rows / 2 ** 30).toFixed(1)} GiB; ` +
        `the limit is ${MAX_DENSE_ROWS} rows (use a graph-based method)`,
    );
  }
}

/**
 * A full cosine-distance matrix, passed explicitly to a clusterer that needs one
 * (`ClusterInput.distances`): `data[i * n + j] = 1 - <xi, xj>`, zero diagonal. Read-only for
 * its users (a clusterer that merges in place works on a copy).
 */
export interface DistanceMatrix {
  /** Rows (and columns). */
  readonly n: number;
  /** n x n distances, row-major. */
  readonly data: Float32Array;
}

/** Cosine distances `1 - <xi, xj>` of the (L2-normalised) rows of `x`, with onnxruntime. */
export async function cosineDistances(x: Matrix, threads = 0): Promise<Float32Array> {
  check(x);
  const n = x.rows, d = x.cols;
  const out = new Float32Array(n * n);
  if (n === 0) return out;
  const model = encodeModel({
    name: "gram_block",
    nodes: [{ opType: "Gemm", inputs: ["a", "x"], outputs: ["s"], intAttrs: { transB: 1 } }],
    inputs: [
      { name: "a", elemType: ElemType.float, shape: ["b", d] },
      { name: "x", elemType: ElemType.float, shape: ["n", d] },
    ],
    outputs: [{ name: "s", elemType: ElemType.float, shape: ["b", "n"] }],
  });
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: "all",
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
  });
  try {
    const all = new ort.Tensor("float32", x.data, [n, d]);
    const block = Math.max(1, Math.min(n, Math.floor((32 << 20) / n)));
    for (let r0 = 0; r0 < n; r0 += block) {
      const b = Math.min(block, n - r0);
      const a = new ort.Tensor("float32", x.data.subarray(r0 * d, (r0 + b) * d), [b, d]);
      const res = await session.run({ a, x: all });
      const s = res.s.data as Float32Array;
      const o = r0 * n;
      for (let i = 0; i < b * n; i++) out[o + i] = 1 - s[i];
      res.s.dispose?.();
    }
  } finally {
    await session.release();
  }
  for (let i = 0; i < n; i++) out[i * n + i] = 0;
  return out;
}

/** The {@link DistanceMatrix} of `x`, with onnxruntime ({@link cosineDistances}). */
export async function distanceMatrix(x: Matrix, threads = 0): Promise<DistanceMatrix> {
  return { n: x.rows, data: await cosineDistances(x, threads) };
}

/** The same distances in plain JavaScript (O(n² d); the reference for small inputs and tests). */
export function cosineDistancesJs(x: Matrix): Float32Array {
  check(x);
  const n = x.rows, d = x.cols, v = x.data;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += v[i * d + c] * v[j * d + c];
      out[i * n + j] = out[j * n + i] = 1 - s;
    }
  }
  return out;
}
