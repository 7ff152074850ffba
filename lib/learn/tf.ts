/**
 * TensorFlow.js on its pure-JavaScript `cpu` backend, loaded once. (tfjs-node needs a native
 * download at install time, which fails without the internet; the cpu backend needs nothing.)
 * @module
 */
import * as tf from "@tensorflow/tfjs";

let ready: Promise<typeof tf> | undefined;

/**
 * The tfjs namespace with the `cpu` backend selected. The backend's one-time "install tfjs-node"
 * banner is not printed: this toolkit cannot install it.
 */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    tf.env().set("IS_NODE", false);
    await tf.setBackend("cpu");
    await tf.ready();
    return tf;
  })();
  return ready;
}

export type { tf };
