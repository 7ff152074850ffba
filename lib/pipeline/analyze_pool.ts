/**
 * A pool of face workers: each decodes photos and runs its own detector, landmark model and
 * embedder (one ONNX Runtime thread each), so that N cores analyse N photos at once.
 * @module
 */
import "../models/ort_env.ts";
import { ToolkitError } from "../errors.ts";
import type { FaceToStore } from "../store/face_store.ts";
import type { FromWorker, PhotoTimes, WorkerOptions } from "./pool_messages.ts";

/** The outcome of analysing one photo. */
export type PoolResult =
  | { ok: true; width: number; height: number; faces: FaceToStore[]; times: PhotoTimes }
  | { ok: false; stage: "decode" | "detect" | "embed"; message: string };

interface Slot {
  worker: Worker;
  busy: number;
}

/** A fixed set of face workers. */
export class AnalyzePool {
  /** Model ids in use. */
  readonly modelIds: string[];
  /** Embedding length. */
  readonly dim: number;
  /** Provider the models run on. */
  readonly provider: string;
  /** Sum of per-photo stage times, ms. */
  readonly times: PhotoTimes = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
  readonly #slots: Slot[];
  readonly #pending = new Map<number, (r: PoolResult) => void>();
  readonly #closing = new Map<Slot, () => void>();
  #nextId = 0;

  private constructor(slots: Slot[], ready: { modelIds: string[]; dim: number; provider: string }) {
    this.#slots = slots;
    this.modelIds = ready.modelIds;
    this.dim = ready.dim;
    this.provider = ready.provider;
    for (const s of slots) {
      s.worker.onmessage = (e: MessageEvent<FromWorker>) => this.#receive(s, e.data);
    }
  }

  /** Starts `size` workers with the given analyzer options and waits until all are ready. */
  static async create(
    size: number,
    options: WorkerOptions,
    log?: (line: string) => void,
  ): Promise<AnalyzePool> {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`AnalyzePool: size must be >= 1, got ${size}`);
    }
    const url = new URL("./face_worker.ts", import.meta.url);
    const slots: Slot[] = [];
    const readies: Promise<{ modelIds: string[]; dim: number; provider: string }>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { type: "module" });
      slots.push({ worker, busy: 0 });
      readies.push(
        new Promise((resolve, reject) => {
          worker.onerror = (e) => {
            e.preventDefault();
            reject(new ToolkitError(`face worker failed to start: ${e.message}`));
          };
          worker.onmessage = (e: MessageEvent<FromWorker>) => {
            const m = e.data;
            if (m.type === "ready") resolve(m);
            else if (m.type === "fatal") reject(new ToolkitError(m.message));
            else if (m.type === "log" && i === 0 && !/: ok \(/.test(m.line)) log?.(m.line);
          };
        }),
      );
      worker.postMessage({ type: "init", options });
    }
    try {
      const ready = await Promise.all(readies);
      return new AnalyzePool(slots, ready[0]);
    } catch (e) {
      for (const s of slots) s.worker.terminate();
      throw e;
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  #receive(slot: Slot, m: FromWorker): void {
    if (m.type === "closed") this.#closing.get(slot)?.();
    if (m.type !== "result" && m.type !== "error") return;
    slot.busy--;
    const done = this.#pending.get(m.id);
    this.#pending.delete(m.id);
    if (!done) return;
    if (m.type === "error") {
      done({ ok: false, stage: m.stage, message: m.message });
      return;
    }
    for (const k of Object.keys(this.times) as (keyof PhotoTimes)[]) this.times[k] += m.times[k];
    done({
      ok: true,
      width: m.width,
      height: m.height,
      faces: m.faces.map((f) => ({ ...f, landmarks: Float32Array.from(f.landmarks) })),
      times: m.times,
    });
  }

  /**
   * Decodes (at most `maxSide` pixels on the long side; small faces are cropped from the full
   * resolution) and analyses one photo on the least busy worker. The bytes are transferred to
   * the worker (the caller's array is emptied).
   */
  analyze(bytes: Uint8Array, name: string, maxPixels?: number, maxSide?: number): Promise<PoolResult> {
    if (this.#slots.length === 0) {
      return Promise.resolve({ ok: false, stage: "detect", message: "pool closed" });
    }
    const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.#nextId++;
    slot.busy++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes
        : bytes.slice();
      slot.worker.postMessage({ type: "job", id, bytes: own, name, maxPixels, maxSide }, [
        own.buffer as ArrayBuffer,
      ]);
    });
  }

  /**
   * Stops every worker, after letting it free its models' native memory (which terminating a
   * worker does not do: without this, each pool would keep a few hundred MB until the process
   * ends). Workers that do not answer within `graceMs` are terminated anyway. Photos still
   * pending fail with "pool closed". Returns how many workers confirmed freeing their models.
   */
  async close(graceMs = 5000): Promise<number> {
    const slots = this.#slots.splice(0);
    const confirmed = await Promise.all(slots.map((s) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs);
        this.#closing.set(s, () => {
          clearTimeout(timer);
          resolve(true);
        });
        s.worker.postMessage({ type: "close" });
      })
    ));
    for (const s of slots) s.worker.terminate();
    this.#closing.clear();
    for (const done of this.#pending.values()) done({ ok: false, stage: "detect", message: "pool closed" });
    this.#pending.clear();
    return confirmed.filter(Boolean).length;
  }
}
