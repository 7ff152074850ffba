/**
 * Synchronous matrix products with onnxruntime, for synchronous clusterers (the
 * `Clusterer.run` contract is synchronous while onnxruntime is not): a worker runs the
 * session on shared memory and the caller blocks on `Atomics.wait` until it is done.
 * One instance registers one matrix `x` and answers `x · Bᵀ` and nearest-row queries.
 * @module
 */
import "../models/ort_env.ts";
import type { Matrix } from "../matrix.ts";
import type { SyncRequest } from "./sync_onnx_protocol.ts";

const WAIT_MS = 10 * 60 * 1000;

/** A worker holding one matrix; call {@link SyncOnnx.close} when done. */
export class SyncOnnx {
  private readonly worker: Worker;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(8));
  private readonly error = new Uint8Array(new SharedArrayBuffer(1024));
  private input: Float32Array = new Float32Array(0);
  private output: Float32Array = new Float32Array(0);
  private bias: Float32Array = new Float32Array(0);
  private best: Int32Array = new Int32Array(0);
  readonly n: number;
  readonly d: number;

  /** Starts the worker and registers `x`. */
  constructor(x: Matrix) {
    this.n = x.rows;
    this.d = x.cols;
    this.worker = new Worker(new URL("./sync_onnx_worker.ts", import.meta.url).href, { type: "module" });
    const xs = new Float32Array(new SharedArrayBuffer(x.data.byteLength));
    xs.set(x.data);
    this.call({ op: "init", x: xs, m: 0 });
  }

  private shared<T extends Float32Array | Int32Array>(
    cur: T,
    size: number,
    make: (b: SharedArrayBuffer) => T,
  ): T {
    return cur.length >= size ? cur : make(new SharedArrayBuffer(Math.max(size, 1) * 4));
  }

  private call(req: Partial<SyncRequest> & { op: SyncRequest["op"]; m: number }): void {
    Atomics.store(this.ctrl, 0, 0);
    this.worker.postMessage(
      {
        n: this.n,
        d: this.d,
        input: this.input,
        output: this.output,
        bias: this.bias,
        best: this.best,
        ctrl: this.ctrl,
        error: this.error,
        ...req,
      } satisfies SyncRequest,
    );
    const r = Atomics.wait(this.ctrl, 0, 0, WAIT_MS);
    if (r === "timed-out") {
      throw new Error(`onnxruntime worker: no answer to ${req.op} in ${WAIT_MS / 1000} s`);
    }
    if (Atomics.load(this.ctrl, 0) === 2) {
      const len = Atomics.load(this.ctrl, 1);
      throw new Error(`onnxruntime worker: ${new TextDecoder().decode(this.error.slice(0, len))}`);
    }
  }

  /** `x · Bᵀ` for `b` holding m rows of d values; returns n x m, row-major. */
  dots(b: Float32Array, m: number): Float32Array {
    this.input = this.shared(this.input, m * this.d, (s) => new Float32Array(s));
    this.input.set(b.subarray(0, m * this.d));
    this.output = this.shared(this.output, this.n * m, (s) => new Float32Array(s));
    this.call({ op: "dots", m });
    return this.output.slice(0, this.n * m);
  }

  /**
   * For each row i of x: the row j of `b` (m rows) maximising `x_i · b_j - bias_j`, and
   * that maximum.
   */
  nearest(b: Float32Array, m: number, bias: Float32Array): { best: Int32Array; score: Float32Array } {
    this.input = this.shared(this.input, m * this.d, (s) => new Float32Array(s));
    this.input.set(b.subarray(0, m * this.d));
    this.bias = this.shared(this.bias, m, (s) => new Float32Array(s));
    this.bias.set(bias.subarray(0, m));
    this.output = this.shared(this.output, this.n, (s) => new Float32Array(s));
    this.best = this.shared(this.best, this.n, (s) => new Int32Array(s));
    this.call({ op: "nearest", m });
    return { best: this.best.slice(0, this.n), score: this.output.slice(0, this.n) };
  }

  /** Frees the worker's sessions and matrix, then stops it. */
  close(): void {
    try {
      this.call({ op: "close", m: 0 });
    } finally {
      this.worker.terminate();
    }
  }
}
