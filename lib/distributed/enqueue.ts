/**
 * `deno task enqueue --input <folder | drive:...> --redis <url>`: one embedding job per photo
 * of a source, for `deno task worker`s on any number of machines. Each photo is read and hashed
 * here; its job id is its content hash, so a photo is never queued twice (enqueueing the same
 * source again, or a second source sharing photos, adds only new content). Whether the images
 * are aligned face crops is decided here once over the whole source (as `deno task run` does)
 * and travels with every job, so that all workers use one store key.
 * @module
 */
import { errorMessage, ToolkitError } from "../errors.ts";
import { sampleAligned } from "../faces/aligned_input.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { openSource } from "../sources/open.ts";
import type { ImageRef } from "../sources/types.ts";
import { maskUrl } from "../store/postgres/pg_url.ts";
import { sha256Hex } from "../util/hash.ts";
import { QUEUE_FLAGS, redisUrl } from "./flags.ts";
import { DEFAULT_QUEUE, jobId, openQueue, type PhotoJob } from "./queue.ts";
import { INPUT_FLAG } from "../sources/flags.ts";
import { DEFAULT_TTA } from "../pipeline/embed_photos.ts";

/** The flags of `deno task enqueue`. */
export const ENQUEUE_COMMAND = defineCommand({
  name: "deno task enqueue",
  summary: "Queue one embedding job per photo of a folder or Google Drive folder (BullMQ on Redis) for " +
    "deno task worker on any number of machines; a photo is never queued twice",
  flags: {
    input: {
      ...INPUT_FLAG,
      help:
        "photos: a folder that every worker sees at this same path (a shared mount), or a Google Drive folder",
    },
    ...QUEUE_FLAGS,
    aligned: {
      type: "enum",
      choices: ["auto", "on", "off"],
      default: "auto",
      help: "on: every image is an aligned 112x112 face crop; auto: decided from a sample of the source",
    },
    tta: {
      type: "enum",
      choices: ["on", "off"],
      default: DEFAULT_TTA ? "on" : "off",
      help: "test-time augmentation (as deno task run)",
    },
  },
  epilog: "Then start `deno task worker --store <postgres url> --redis <url>` on each machine, watch " +
    "`deno task queue status`, and cluster with `deno task collect` once the queue is drained.",
});

/** What {@link enqueuePhotos} did. */
export interface EnqueueSummary {
  /** Photos listed. */
  listed: number;
  /** Jobs added (new content). */
  added: number;
  /** Photos whose job already existed (queued before, or a copy of a photo listed earlier). */
  known: number;
  /** Photos that could not be read (named in `log`). */
  unreadable: number;
  /** Whether the images count as aligned face crops. */
  aligned: boolean;
}

/** Options of {@link enqueuePhotos}. */
export interface EnqueueOptions {
  /** Redis URL. */
  redis: string;
  /** Queue name. @default facegroup-embed */
  queue?: string;
  /** Aligned input. @default auto */
  aligned?: "auto" | "on" | "off";
  /** Test-time augmentation. @default false */
  tta?: boolean;
  /** Progress and problems. */
  log?: (line: string) => void;
}

/** Lists `input`, hashes every photo and adds a job for each one not queued yet. */
export async function enqueuePhotos(input: string, opts: EnqueueOptions): Promise<EnqueueSummary> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const source = await openSource(input, { log });
  const refs: ImageRef[] = [];
  for await (const r of source.list(undefined, (f) => log(`${f.path}: ${f.message}`))) refs.push(r);
  const mode = opts.aligned ?? "auto";
  let aligned = mode === "on";
  if (mode === "auto") {
    const specs = pipelineModels(await loadCatalogue(), "default");
    const d = await sampleAligned(refs, (r) => source.read(r), specs.embedder.input.width);
    aligned = d.aligned;
    if (aligned) log(`aligned face crops: ${d.reason}`);
  }
  const queue = openQueue(opts.redis, opts.queue);
  queue.on("error", () => {}); // connection problems surface as failed calls below
  let added = 0, known = 0, unreadable = 0;
  const seen = new Set<string>();
  try {
    const batch: PhotoJob[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const ids = batch.map((j) => jobId(j.hash));
      // Ids already in the queue (in any state) are left as they are: BullMQ ignores a duplicate id.
      const exists = await Promise.all(ids.map((id) => queue.getJobState(id)));
      const fresh = batch.filter((_, i) => exists[i] === "unknown");
      known += batch.length - fresh.length;
      await queue.addBulk(fresh.map((data) => ({ name: "embed", data, opts: { jobId: jobId(data.hash) } })));
      added += fresh.length;
      batch.length = 0;
    };
    for (const ref of refs) {
      let hash: string;
      try {
        hash = await sha256Hex(await source.read(ref));
      } catch (e) {
        unreadable++;
        log(`${ref.path}: cannot be read: ${errorMessage(e)}`);
        continue;
      }
      if (seen.has(hash)) {
        known++;
        continue;
      }
      seen.add(hash);
      batch.push({ input, ref, hash, aligned, tta: opts.tta ?? DEFAULT_TTA });
      if (batch.length >= 500) await flush();
    }
    await flush();
  } catch (e) {
    throw new ToolkitError(
      `queue ${opts.queue ?? DEFAULT_QUEUE} at ${maskUrl(opts.redis)}: ${errorMessage(e)}`,
    );
  } finally {
    await queue.close();
  }
  return { listed: refs.length, added, known, unreadable, aligned };
}

/** Entry point; returns the exit code (0 done, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(ENQUEUE_COMMAND, args, io, async (v, io: Io) => {
    const s = await enqueuePhotos(v.input, {
      redis: redisUrl(v.redis),
      queue: v.queue,
      aligned: v.aligned,
      tta: v.tta === "on",
      log: (l) => io.err(l),
    });
    io.out(
      `${s.listed} photos listed: ${s.added} jobs added, ${s.known} already queued (or copies)` +
        (s.unreadable ? `, ${s.unreadable} unreadable` : "") +
        ` on queue ${v.queue} at ${maskUrl(redisUrl(v.redis))}`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
