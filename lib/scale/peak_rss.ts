/**
 * Peak resident memory per stage: a worker thread samples the process's RSS (Linux /proc) every
 * few milliseconds, also while the main thread is busy in long synchronous work, and keeps the
 * largest value since the last {@link PeakRss.reset}. NaN where /proc is unavailable.
 * @module
 */

/** A running sampler of the process's resident set size. */
export class PeakRss {
  readonly #slot = new Int32Array(new SharedArrayBuffer(4));
  readonly #worker: Worker;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts sampling every `everyMs` milliseconds; resolves once the first sample is taken. */
  static async start(everyMs = 20): Promise<PeakRss> {
    const worker = new Worker(new URL("./rss_worker.ts", import.meta.url), { type: "module" });
    const p = new PeakRss(worker);
    const ready = new Promise((resolve) => worker.onmessage = resolve);
    worker.postMessage({ slot: p.#slot, everyMs });
    await ready;
    return p;
  }

  /** Largest RSS seen since the last reset, in MiB (NaN before the first sample or without /proc). */
  peakMiB(): number {
    const kb = Atomics.load(this.#slot, 0);
    return kb > 0 ? kb / 1024 : NaN;
  }

  /** Starts a new stage: the peak restarts from the RSS now. */
  reset(): void {
    Atomics.store(this.#slot, 0, currentKiB());
  }

  /** Stops the sampler. */
  stop(): void {
    this.#worker.terminate();
  }
}

/** Resident set size now, in KiB (0 without /proc). */
export function currentKiB(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/self/status").match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
