/**
 * `deno task worker --store <postgres url> --redis <url>`: takes embedding jobs from the queue
 * (BullMQ on Redis) and writes each photo's faces to the shared store, on as many machines as
 * you like (CPU or GPU: `--device`). A job whose photo is already stored completes at once; a
 * failed job is retried with exponential backoff (5 attempts); the jobs of a worker that dies are
 * taken up by the others once its lock expires (`--lock-ms`); a Redis restart is waited through.
 * SIGINT / SIGTERM finish the jobs in hand, then exit.
 * @module
 */
import { Worker } from "bullmq";
import { errorMessage } from "../errors.ts";
import { WORKERS_FLAG } from "../flags/common_flags.ts";
import { DEVICE_FLAG } from "../models/flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { UsageError } from "../flags/usage_error.ts";
import { STORE_ENV, storeOpener } from "../store/open.ts";
import { isPostgresUrl, maskSecrets, maskUrl } from "../store/postgres/pg_url.ts";
import { PhotoEmbedder } from "./embed_job.ts";
import { QUEUE_FLAGS, redisUrl } from "./flags.ts";
import { type PhotoJob, type PhotoJobResult, REDIS_ENV, redisConnection } from "./queue.ts";
import { DEFAULT_TTA } from "../pipeline/embed_photos.ts";

/** The flags of `deno task worker`. */
export const WORKER_COMMAND = defineCommand({
  name: "deno task worker",
  summary:
    "Take embedding jobs from the queue (BullMQ on Redis) and store each photo's faces in the shared " +
    "PostgreSQL store; run one per machine, CPU or GPU",
  flags: {
    store: {
      type: "string",
      placeholder: "url",
      defaultText: `$${STORE_ENV}`,
      help:
        "the shared store: postgres://user@host:5432/db (password from PGPASSWORD, or in the URL; never printed)",
    },
    ...QUEUE_FLAGS,
    device: DEVICE_FLAG,
    workers: { ...WORKERS_FLAG, min: 1, help: "face workers on this machine, one model set each" },
    concurrency: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "2 per face worker on the CPU, 4 on a GPU",
      help: "jobs in hand at once",
    },
    "lock-ms": {
      type: "integer",
      min: 1000,
      default: 30_000,
      placeholder: "ms",
      help: "a job's lock; the jobs of a worker that died go back to the queue after about this long",
    },
    "log-jobs": {
      type: "boolean",
      help: "one line per finished job on stdout: computed|stored <hash> <faces>",
    },
  },
  epilog:
    "Photos are read from the job's source: a folder must be mounted at the same path on every machine.",
});

/** Entry point; returns the exit code (0 stopped by a signal, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(WORKER_COMMAND, args, io, async (v, io: Io) => {
    const store = v.store ?? io.env(STORE_ENV);
    if (!store) throw new UsageError(`--store is required (or set ${STORE_ENV})`);
    if (!isPostgresUrl(store)) {
      io.err(`note: --store ${store} is a local SQLite store: only workers on this machine can share it`);
    }
    const redis = redisUrl(v.redis ?? io.env(REDIS_ENV));
    const mask = (t: string) => maskSecrets(maskSecrets(t, store), redis);
    const log = (l: string) => io.err(mask(l));
    const workers = v.workers ?? Math.max(1, navigator.hardwareConcurrency ?? 1);
    const embedder = new PhotoEmbedder({
      openStore: storeOpener(store),
      workers,
      device: v.device,
      log,
      claimTtlMs: v["lock-ms"],
    });
    const concurrency = v.concurrency ?? workers * (v.device === "cpu" ? 2 : 4);
    // Warmed for the default settings (jobs carry their own; another setting opens its store on first use).
    const info = await embedder.warm({ aligned: false, tta: DEFAULT_TTA });
    const worker = new Worker<PhotoJob, PhotoJobResult>(v.queue, (job) => embedder.run(job.data), {
      connection: redisConnection(redis),
      concurrency,
      lockDuration: v["lock-ms"],
      stalledInterval: Math.max(1000, Math.round(v["lock-ms"] / 2)),
      maxStalledCount: 3,
      autorun: false,
    });
    let failed = 0;
    const t0 = performance.now();
    worker.on("completed", (_job, r) => {
      if (v["log-jobs"]) io.out(`${r.outcome} ${r.hash} ${r.faces}`);
    });
    worker.on("failed", (job, err) => {
      failed++;
      log(`job ${job?.id} (${job?.data.ref.path}), attempt ${job?.attemptsMade}: ${errorMessage(err)}`);
    });
    let lastError = "";
    worker.on("error", (err) => {
      const m = errorMessage(err);
      if (m !== lastError) log(`queue: ${m}`);
      lastError = m;
    });
    const progress = setInterval(() => {
      const c = embedder.counts;
      const rate = c.computed / ((performance.now() - t0) / 1000);
      log(
        `worker: ${c.computed} computed, ${c.stored} already stored, ${failed} failed, ${
          rate.toFixed(1)
        } photos/s`,
      );
    }, 30_000);
    const stop = new Promise<void>((resolve) => {
      for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => resolve());
    });
    io.out(
      `worker ready: queue ${v.queue} at ${maskUrl(redis)}, store ${info.location} (key ${info.keyId}), ` +
        `${workers} face worker(s) on ${info.provider}, ${concurrency} jobs at once`,
    );
    const running = worker.run();
    await Promise.race([stop, running]);
    clearInterval(progress);
    await worker.close();
    await embedder.close();
    const c = embedder.counts;
    io.out(`worker stopped: ${c.computed} computed, ${c.stored} already stored, ${failed} failed attempts`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
