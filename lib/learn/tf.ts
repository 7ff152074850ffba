/**
 * TensorFlow.js, loaded once, on its WebAssembly backend (XNNPACK kernels, SIMD) where it
 * loads, else on the pure-JavaScript `cpu` backend. (tfjs-node needs a native download at
 * install time, which fails without the internet; the wasm and cpu backends need nothing.)
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { Tensor, Tensor2D } from "@tensorflow/tfjs";

let ready: Promise<typeof tf> | undefined;

/**
 * The tfjs namespace with a backend selected: `wasm`, or `cpu` when `FACEGROUP_TF_BACKEND=cpu`
 * or the wasm backend does not load. The cpu backend's one-time "install tfjs-node" banner is
 * not printed: this toolkit cannot install it.
 */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    // one thread: the threaded build starts Workers from a path Deno refuses
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    const want = Deno.env.get("FACEGROUP_TF_BACKEND") ?? "wasm";
    let ok = false;
    try {
      ok = want === "wasm" && await tf.setBackend("wasm");
    } catch {
      ok = false;
    }
    if (!ok) {
      tf.env().set("IS_NODE", false); // the cpu backend's banner asks for tfjs-node
      await tf.setBackend("cpu");
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}

/** The backend in use (after {@link loadTf}). */
export function tfBackend(): string {
  return tf.getBackend();
}

let mm: ((a: Tensor, b: Tensor) => Tensor) | undefined;

/**
 * `a @ b` whose gradient multiplies by explicitly transposed operands: the same numbers as
 * `tf.matMul`'s own gradient, but the wasm backend's fast kernel takes only untransposed
 * operands (its transposed matMul measured 10x slower).
 */
export function matMul(a: Tensor2D, b: Tensor2D): Tensor2D {
  mm ??= tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xa, wb] = [args[0] as Tensor2D, args[1] as Tensor2D];
    (args[2] as tf.GradSaveFunc)([xa, wb]);
    return {
      value: tf.matMul(xa, wb),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved as Tensor2D[];
        return [tf.matMul(dy as Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as Tensor2D)];
      },
    };
  }) as unknown as (a: Tensor, b: Tensor) => Tensor;
  return mm(a, b) as Tensor2D;
}

export type { tf };
