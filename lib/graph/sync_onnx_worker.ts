/**
 * Worker side of {@link ../sync_onnx.ts}: runs onnxruntime on shared-memory inputs and
 * signals completion through an Int32Array so the caller can wait synchronously.
 * @module
 */
import * as ort from "onnxruntime-node";
import { dotsModelBytes, nearestModelBytes, type SyncRequest } from "./sync_onnx_protocol.ts";

const scope = self as unknown as { onmessage: ((e: MessageEvent<SyncRequest>) => void) | null };
let x: Float32Array | undefined;
let xTensor: ort.Tensor | undefined;
const sessions = new Map<string, ort.InferenceSession>();

async function session(kind: "dots" | "nearest", d: number): Promise<ort.InferenceSession> {
  const key = `${kind}:${d}`;
  let s = sessions.get(key);
  if (!s) {
    const bytes = kind === "dots" ? dotsModelBytes(d) : nearestModelBytes(d);
    s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all" });
    sessions.set(key, s);
  }
  return s;
}

async function handle(req: SyncRequest): Promise<void> {
  const { n, d } = req;
  if (req.op === "close") {
    // Frees the sessions' native memory, which terminating the worker does not.
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map((s) => s.release()));
    x = undefined;
    xTensor = undefined;
    return;
  }
  if (req.op === "init") {
    x = req.x!.slice(); // onnxruntime needs non-shared memory
    xTensor = new ort.Tensor("float32", x, [n, d]);
    return;
  }
  const m = req.m;
  const b = new ort.Tensor("float32", req.input.slice(0, m * d), [m, d]);
  const blockRows = Math.max(1, Math.min(n, Math.floor((16 << 20) / Math.max(1, m))));
  if (req.op === "dots") {
    const s = await session("dots", d);
    const out = await s.run({ a: xTensor!, b });
    req.output.set(out.s.data as Float32Array);
    return;
  }
  const s = await session("nearest", d);
  const bias = new ort.Tensor("float32", req.bias!.slice(0, m), [m]);
  const one = new ort.Tensor("int64", BigInt64Array.from([1n]), [1]);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const rows = Math.min(blockRows, n - r0);
    const a = new ort.Tensor("float32", x!.subarray(r0 * d, (r0 + rows) * d), [rows, d]);
    const out = await s.run({ a, b, bias, one });
    const idx = out.idx.data as BigInt64Array;
    const val = out.val.data as Float32Array;
    for (let i = 0; i < rows; i++) {
      req.output[r0 + i] = val[i];
      req.best![r0 + i] = Number(idx[i]);
    }
  }
}

scope.onmessage = async (e) => {
  const req = e.data;
  try {
    await handle(req);
    Atomics.store(req.ctrl, 0, 1);
  } catch (err) {
    const msg = new TextEncoder().encode(String(err instanceof Error ? err.message : err).slice(0, 900));
    req.error.set(msg.subarray(0, req.error.length));
    Atomics.store(req.ctrl, 1, msg.length);
    Atomics.store(req.ctrl, 0, 2);
  }
  Atomics.notify(req.ctrl, 0);
};
