/**
 * `deno task queue status|wait|retry-failed --redis <url>`: the embedding queue at a glance
 * (waiting, active, delayed retries, done, failed, photos per second over the last minute and
 * the time left at that rate), waiting until it is drained, or queueing failed jobs again.
 * @module
 */
import type { Queue } from "bullmq";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { maskUrl } from "../store/postgres/pg_url.ts";
import { QUEUE_FLAGS, redisUrl } from "./flags.ts";
import { openQueue, type PhotoJob, type PhotoJobResult, REDIS_ENV } from "./queue.ts";

/** The flags of `deno task queue`. */
export const QUEUE_COMMAND = defineCommand({
  name: "deno task queue",
  summary:
    "The embedding queue: status (waiting, active, done, failed, rate), wait until drained, retry failed jobs",
  flags: {
    ...QUEUE_FLAGS,
    "timeout-s": {
      type: "integer",
      min: 1,
      placeholder: "s",
      help: "wait: give up after this long (exit 1)",
    },
  },
  positionals: {
    command: {
      type: "enum",
      choices: ["status", "wait", "retry-failed"],
      required: true,
      help: "status: one line of counts and rate; wait: print status every 5 s until nothing is waiting or " +
        "active (exit 1 if jobs failed); retry-failed: queue the failed jobs again",
    },
  },
});

/** The queue's counts and rate. */
export interface QueueStatus {
  /** Jobs waiting for a worker. */
  waiting: number;
  /** Jobs a worker holds. */
  active: number;
  /** Jobs waiting for a retry (backoff). */
  delayed: number;
  /** Jobs done. */
  completed: number;
  /** Jobs that failed every attempt. */
  failed: number;
  /** Jobs completed per second over the last minute (0 when none). */
  rate: number;
}

/** Reads the counts of `queue`, and the rate from the finish times of its latest completed jobs. */
export async function queueStatus(queue: Queue<PhotoJob, PhotoJobResult>): Promise<QueueStatus> {
  const c = await queue.getJobCounts(
    "waiting",
    "active",
    "delayed",
    "completed",
    "failed",
    "prioritized",
    "paused",
  );
  const recent = await queue.getCompleted(0, 499);
  const now = Date.now();
  const inMinute = recent.filter((j) => j.finishedOn && j.finishedOn > now - 60_000).map((j) =>
    j.finishedOn!
  );
  let rate = 0;
  if (inMinute.length >= 2) {
    const span = (Math.max(...inMinute) - Math.min(...inMinute)) / 1000;
    rate = span > 0 ? (inMinute.length - 1) / span : 0;
  }
  return {
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    completed: c.completed ?? 0,
    failed: c.failed ?? 0,
    rate,
  };
}

/** Jobs not finished yet (waiting, held or waiting for a retry): 0 when the queue is drained. */
export function jobsLeft(s: QueueStatus): number {
  return s.waiting + s.active + s.delayed;
}

/** One line for a status. */
export function statusLine(s: QueueStatus): string {
  const left = jobsLeft(s);
  const eta = s.rate > 0 && left > 0 ? `, about ${Math.ceil(left / s.rate)} s left` : "";
  return `waiting ${s.waiting}, active ${s.active}, retrying ${s.delayed}, done ${s.completed}, failed ${s.failed}, ` +
    `${s.rate.toFixed(1)} photos/s over the last minute${eta}`;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(QUEUE_COMMAND, args, io, async (v, io: Io) => {
    const url = redisUrl(v.redis ?? io.env(REDIS_ENV));
    const queue = openQueue(url, v.queue);
    queue.on("error", () => {});
    try {
      if (v.command === "status") {
        io.out(`${v.queue} at ${maskUrl(url)}: ${statusLine(await queueStatus(queue))}`);
        return 0;
      }
      if (v.command === "retry-failed") {
        const failed = await queue.getFailed(0, -1);
        for (const j of failed) await j.retry("failed");
        io.out(`${failed.length} failed jobs queued again`);
        return 0;
      }
      const start = Date.now();
      for (;;) {
        const s = await queueStatus(queue);
        io.out(statusLine(s));
        if (jobsLeft(s) === 0) return s.failed > 0 ? 1 : 0;
        if (v["timeout-s"] && Date.now() - start > v["timeout-s"] * 1000) {
          io.err(`queue not drained after ${v["timeout-s"]} s`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
    } finally {
      await queue.close();
    }
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
