/**
 * The job queue of distributed embedding: BullMQ on Redis. One job per photo, its id made from
 * the photo's content hash (`photo-<sha256>`), so that a photo is never queued twice, whatever
 * the number of `enqueue` runs; jobs are kept after they complete, for the same reason. Failed
 * jobs are retried with exponential backoff.
 * @module
 */
import { Queue, type QueueOptions } from "bullmq";
import type { ImageRef } from "../sources/types.ts";
import { maskUrl } from "../store/postgres/pg_url.ts";
import type { FaceJobOptions } from "./face_setup.ts";

/** Default queue name. */
export const DEFAULT_QUEUE = "facegroup-embed";

/** Environment variable with the default Redis URL. */
export const REDIS_ENV = "FACEGROUP_REDIS";

/** Attempts per job before it counts as failed. */
export const ATTEMPTS = 5;

/** What one job carries. */
export interface PhotoJob extends FaceJobOptions {
  /** The source as given to `enqueue` (a folder every worker sees at this path, or `drive:...`). */
  input: string;
  /** The photo in that source. */
  ref: ImageRef;
  /** SHA-256 of its bytes when enqueued. */
  hash: string;
}

/** What a finished job returns. */
export interface PhotoJobResult {
  /** `computed` here, or found `stored` already. */
  outcome: "computed" | "stored";
  /** Faces stored for the photo. */
  faces: number;
  /** The hash the record is stored under. */
  hash: string;
}

/** The job id of a photo. */
export function jobId(hash: string): string {
  return `photo-${hash}`;
}

/** ioredis connection options for a `redis://[user:password@]host[:port][/db]` URL (`rediss://`: TLS). */
export function redisConnection(url: string): QueueOptions["connection"] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a Redis URL: ${maskUrl(url)} (expected redis://host:port)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new Error(`not a Redis URL: ${maskUrl(url)} (expected redis://host:port)`);
  }
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // Workers wait through a Redis restart instead of failing their commands.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/** Opens the queue `name` on Redis `url`. */
export function openQueue(url: string, name = DEFAULT_QUEUE): Queue<PhotoJob, PhotoJobResult> {
  return new Queue<PhotoJob, PhotoJobResult>(name, {
    connection: redisConnection(url),
    defaultJobOptions: {
      attempts: ATTEMPTS,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: false,
      removeOnFail: false,
    },
  });
}
