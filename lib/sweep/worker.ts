/**
 * Sweep worker: receives the shared data once (embeddings, and the k-NN graph and distance
 * matrix the runs need, in shared memory), then runs one {@link RunSpec} per message and posts
 * back its row and labels.
 * @module
 */
import type { RunSpec } from "./config.ts";
import { evaluateRun, type SweepData } from "./evaluate.ts";

/** Message that starts a worker. */
export interface InitMessage {
  /** Kind. */
  type: "init";
  /** Shared data, with the inputs the runs need. */
  data: SweepData;
}

/** Message asking for one run. */
export interface RunMessage {
  /** Kind. */
  type: "run";
  /** The run. */
  run: RunSpec;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<InitMessage | RunMessage>) => void) | null;
  postMessage(m: unknown): void;
};
let data: SweepData | undefined;
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === "init") {
    data = msg.data;
    scope.postMessage({ type: "ready" });
    return;
  }
  queue = queue.then(async () => {
    const { row, labels } = await evaluateRun(data!, msg.run);
    scope.postMessage({ type: "done", row, labels });
  });
};
