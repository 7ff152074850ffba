/**
 * ONNX Runtime sessions: one place where the execution provider and threading are chosen.
 * @module
 */
import * as ort from "onnxruntime-node";
import { ToolkitError } from "../errors.ts";
import { dynamicBatch } from "./onnx_batch.ts";
import { missingProviderReason } from "../gpu/ort_native.ts";

/** Where inference runs. `auto` tries the GPU (CUDA) and falls back to the CPU. */
export type Device = "auto" | "cpu" | "cuda" | "tensorrt";

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Execution provider choice. @default "cpu" */
  device?: Device;
  /**
   * Intra-op threads. One thread per process measured fastest here (two threads with spinning
   * ran at half the speed); parallelism comes from running several pipelines side by side.
   * @default 1
   */
  threads?: number;
  /** Receives one line when a fallback happens. */
  log?: (line: string) => void;
  /**
   * Give a model whose graph fixes the batch size at 1 a dynamic batch dimension
   * (see ./onnx_batch.ts). @default true
   */
  dynamicBatch?: boolean;
}

/** An open model session plus the provider actually used. */
export interface ModelSession {
  /** The ONNX Runtime session. */
  session: ort.InferenceSession;
  /** The provider it runs on. */
  provider: "cpu" | "cuda" | "tensorrt";
}

/**
 * GPU providers that `auto` found unusable in this thread, with why: later sessions (a pipeline
 * opens three models, per worker) fall back at once, without a repeated line or ONNX Runtime
 * error log.
 */
const unavailable = new Map<string, string>();

/**
 * Opens an ONNX model. With `device: "auto"` a failure to use CUDA is reported in one line
 * through `log` and the CPU is used; with an explicit GPU device it is an error.
 */
export async function createSession(path: string, opts: SessionOptions = {}): Promise<ModelSession> {
  const device = opts.device ?? "cpu";
  const threads = opts.threads ?? 1;
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    extra: { session: { intra_op: { allow_spinning: threads > 1 ? "1" : "0" } } },
  };
  const attempts: ("cpu" | "cuda" | "tensorrt")[] = device === "auto"
    ? ["cuda", "cpu"]
    : [device === "cpu" ? "cpu" : device];
  let lastError: unknown;
  let model: Uint8Array;
  try {
    model = await Deno.readFile(path);
  } catch (e) {
    throw new ToolkitError(`cannot read model ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (opts.dynamicBatch !== false) model = dynamicBatch(model).model;
  for (const provider of attempts) {
    if (device === "auto" && provider !== "cpu" && unavailable.has(provider)) {
      lastError = new Error(unavailable.get(provider));
      continue;
    }
    // A GPU provider whose library is not even installed fails without asking ONNX Runtime,
    // which would print its own error log first; `auto` then falls back in one line.
    const missing = provider === "cpu" ? undefined : missingProviderReason(provider);
    if (missing) {
      lastError = new Error(missing);
      if (device === "auto") {
        unavailable.set(provider, missing);
        opts.log?.(`device auto: ${provider} unavailable (${missing}); using the CPU`);
        continue;
      }
      break;
    }
    try {
      const executionProviders = provider === "cpu"
        ? ["cpu"]
        : provider === "cuda"
        ? ["cuda", "cpu"]
        : ["tensorrt", "cuda", "cpu"];
      const session = await ort.InferenceSession.create(model, { ...base, executionProviders });
      return { session, provider };
    } catch (e) {
      lastError = e;
      if (device === "auto" && provider !== "cpu") {
        const why = `${(e as Error).message?.split("\n")[0]}; ONNX Runtime's log above says which library`;
        unavailable.set(provider, why);
        opts.log?.(`device auto: ${provider} unavailable (${why}); using the CPU`);
        continue;
      }
    }
  }
  throw new ToolkitError(`cannot open model ${path} on ${device}: ${(lastError as Error)?.message}`, {
    cause: lastError,
  });
}

/** Re-exported tensor constructor, so callers need not import onnxruntime-node themselves. */
export const Tensor = ort.Tensor;
