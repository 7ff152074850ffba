/**
 * What a worker does with one photo job: make sure the photo is in the shared store. A photo
 * already stored completes at once; one another machine is computing (claimed) is waited for;
 * otherwise it is read, checked against its hash, analysed by the face workers and stored in one
 * transaction. A photo that cannot be decoded is stored as such (the same bytes would fail
 * again); any other failure throws, and BullMQ retries the job with backoff.
 * @module
 */
import { errorMessage, ToolkitError } from "../errors.ts";
import type { Device } from "../models/session.ts";
import { AnalyzePool } from "../pipeline/analyze_pool.ts";
import { openSource } from "../sources/open.ts";
import type { ImageSource } from "../sources/types.ts";
import type { EmbeddingStore, StoreOpener } from "../store/types.ts";
import { sha256Hex } from "../util/hash.ts";
import { type FaceJobOptions, faceSetup } from "./face_setup.ts";
import type { PhotoJob, PhotoJobResult } from "./queue.ts";

interface Engine {
  options: string;
  pool: AnalyzePool;
  store: EmbeddingStore;
  maxPixels: number;
  maxSide: number;
}

/** Options of {@link PhotoEmbedder}. */
export interface EmbedderOptions {
  /** Opens the shared store for a key. */
  openStore: StoreOpener;
  /** Face workers (one model set each). */
  workers: number;
  /** Inference device. */
  device: Device;
  /** Embedder batch size. @default 32 */
  batchSize?: number;
  /**
   * A claim on a photo older than this belongs to a worker that died (its job comes back to the
   * queue once its lock expires, so this is the queue's lock duration). @default 30 s
   */
  claimTtlMs?: number;
  /** Lines worth a person's attention. */
  log: (line: string) => void;
}

/** Runs photo jobs: face workers and the store, opened for the jobs' face options. */
export class PhotoEmbedder {
  readonly #opts: EmbedderOptions;
  readonly #sources = new Map<string, Promise<ImageSource>>();
  #engine: Promise<Engine> | undefined;
  #engineKey = "";
  /** Counts of this process. */
  readonly counts = { computed: 0, stored: 0 };

  /** @param opts how to analyse and where to store */
  constructor(opts: EmbedderOptions) {
    this.#opts = opts;
  }

  /** The face workers and store for `job`'s options (rebuilt only when they change). */
  #engineFor(job: FaceJobOptions): Promise<Engine> {
    const key = JSON.stringify({ aligned: job.aligned, tta: job.tta });
    if (this.#engine && this.#engineKey === key) return this.#engine;
    const previous = this.#engine;
    this.#engineKey = key;
    this.#engine = (async () => {
      if (previous) await closeEngine(await previous);
      const setup = faceSetup(job, this.#opts.device, this.#opts.batchSize);
      const pool = await AnalyzePool.create(this.#opts.workers, setup.analyzer, this.#opts.log);
      try {
        const store = await this.#opts.openStore(
          { models: pool.modelIds, dim: pool.dim, options: setup.keyOptions },
          { log: this.#opts.log, verify: false },
        );
        return { options: key, pool, store, maxPixels: setup.maxPixels, maxSide: setup.maxSide };
      } catch (e) {
        await pool.close();
        throw e;
      }
    })();
    this.#engine.catch(() => (this.#engine = undefined));
    return this.#engine;
  }

  /** Starts the face workers and opens the store for these options now (before the first job). */
  async warm(job: FaceJobOptions): Promise<{ provider: string; keyId: string; location: string }> {
    const e = await this.#engineFor(job);
    return { provider: e.pool.provider, keyId: e.store.keyId, location: e.store.location };
  }

  #source(input: string): Promise<ImageSource> {
    let s = this.#sources.get(input);
    if (!s) {
      s = openSource(input, { log: this.#opts.log });
      s.catch(() => this.#sources.delete(input));
      this.#sources.set(input, s);
    }
    return s;
  }

  /** Makes sure the job's photo is in the store. */
  async run(job: PhotoJob): Promise<PhotoJobResult> {
    const e = await this.#engineFor(job);
    const known = await e.store.record(job.hash);
    if (known) return this.#done("stored", job.hash, known.faces.length);
    const source = await this.#source(job.input);
    const bytes = await source.read(job.ref);
    const hash = await sha256Hex(bytes);
    if (hash !== job.hash) {
      // The file changed since it was queued: its new content is what the source now holds.
      this.#opts.log(
        `${job.ref.path}: changed since it was queued (hash ${
          job.hash.slice(0, 12)
        }...); storing its new content`,
      );
      const again = await e.store.record(hash);
      if (again) return this.#done("stored", hash, again.faces.length);
    }
    const ttlMs = this.#opts.claimTtlMs ?? 30_000;
    if (!(await e.store.claim(hash, ttlMs))) {
      const waited = await e.store.waitFor(hash, { ttlMs, maxWaitMs: 2 * ttlMs });
      if (waited) return this.#done("stored", hash, waited.faces.length);
    }
    const r = await e.pool.analyze(bytes, job.ref.path, e.maxPixels, e.maxSide);
    if (r.ok) {
      const rec = await e.store.put(hash, r);
      return this.#done("computed", hash, rec.faces.length);
    }
    if (r.stage === "decode") {
      const prefix = `${job.ref.path}: `;
      const message = r.message.startsWith(prefix) ? r.message.slice(prefix.length) : r.message;
      await e.store.put(hash, { error: { stage: "decode", message } });
      return this.#done("computed", hash, 0);
    }
    await e.store.release(hash);
    throw new ToolkitError(`${job.ref.path}: ${r.stage} failed: ${r.message}`);
  }

  #done(outcome: "computed" | "stored", hash: string, faces: number): PhotoJobResult {
    this.counts[outcome]++;
    return { outcome, hash, faces };
  }

  /** Stops the face workers and closes the store. */
  async close(): Promise<void> {
    const e = this.#engine;
    this.#engine = undefined;
    if (!e) return;
    try {
      await closeEngine(await e);
    } catch (err) {
      this.#opts.log(`closing: ${errorMessage(err)}`);
    }
  }
}

async function closeEngine(e: Engine): Promise<void> {
  await e.pool.close();
  await e.store.close();
}
