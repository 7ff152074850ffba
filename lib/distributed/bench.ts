/**
 * `deno task bench:distributed [--photos 600] [--workers 1,3]`: photos per second through the
 * distributed face stage on this machine, with real servers (a throw-away PostgreSQL and Redis,
 * as the tests start them): for each worker count, that many `deno task worker` processes (one
 * face worker each) are started and ready, then the photos are enqueued, and the time from the
 * start of `enqueue` to the drained queue is measured, into a fresh store schema each time. The
 * single-machine face stage (`embedPhotos`, SQLite, one face worker per worker count) runs on the
 * same photos for comparison. Needs LFW (../shared/datasets/lfw), redis-server and postgresql.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { startTestPostgres } from "../store/postgres/test_server.ts";
import { copyLfwPhotos, startWorker, type WorkerProcess } from "./_testing/cluster.ts";
import { enqueuePhotos } from "./enqueue.ts";
import { openQueue } from "./queue.ts";
import { jobsLeft, queueStatus } from "./status.ts";
import { startTestRedis } from "./test_redis.ts";

/** The flags of `deno task bench:distributed`. */
export const DISTRIBUTED_BENCH_COMMAND = defineCommand({
  name: "deno task bench:distributed",
  summary: "Benchmark: photos per second through distributed embedding (real Redis and PostgreSQL, 1 and 3 " +
    "worker processes) beside the single-machine face stage, on LFW photos",
  flags: {
    photos: { type: "integer", min: 10, default: 600, placeholder: "n", help: "LFW photos" },
    workers: {
      type: "list",
      item: "integer",
      default: [1, 3],
      placeholder: "n,...",
      help: "worker process counts to measure",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(DISTRIBUTED_BENCH_COMMAND, args, io, async (v, io: Io) => {
    const dir = await Deno.makeTempDir({ prefix: "bench-distributed-" });
    const input = `${dir}/in`;
    await Deno.mkdir(input);
    if (!(await copyLfwPhotos(input, v.photos))) {
      io.err("skipped: LFW not found (../shared/datasets/lfw)");
      return 0;
    }
    const [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    try {
      for (const n of v.workers as number[]) {
        const t = performance.now();
        const soloWorkers = Math.min(n, navigator.hardwareConcurrency ?? 1);
        const solo = await embedPhotos(new LocalFolderSource(input), {
          storeDir: `${dir}/solo-${n}`,
          workers: soloWorkers,
          progress: false,
          log: () => {},
        });
        const soloS = solo.timings.total;
        await solo.store.close();
        io.out(
          `single machine, ${soloWorkers} face worker(s): ${(v.photos / soloS).toFixed(1)} photos/s (${
            soloS.toFixed(1)
          } s, models included; ${((performance.now() - t) / 1000).toFixed(1)} s)`,
        );
        const queue = `bench-${n}-${Date.now()}`;
        const store = `${pg.url}?schema=bench_${n}_${Date.now()}`;
        const workers: WorkerProcess[] = [];
        for (let i = 0; i < n; i++) {
          workers.push(
            startWorker([
              "--store",
              store,
              "--redis",
              redis.url,
              "--queue",
              queue,
              "--workers",
              "1",
              "--log-jobs",
            ]),
          );
        }
        try {
          await Promise.all(workers.map((w) => w.waitFor(/^worker ready/, 120_000)));
          const t0 = performance.now();
          const e = await enqueuePhotos(input, { redis: redis.url, queue, aligned: "off", log: () => {} });
          const tq = performance.now();
          const q = openQueue(redis.url, queue);
          q.on("error", () => {});
          for (;;) {
            if (jobsLeft(await queueStatus(q)) === 0) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          await q.close();
          const secs = (performance.now() - t0) / 1000;
          const per = workers.map((w) => w.lines.filter((l) => /^(computed|stored) /.test(l)).length);
          io.out(
            `${n} worker process(es): ${(e.added / secs).toFixed(1)} photos/s (${e.added} photos in ${
              secs.toFixed(1)
            } s, enqueue ${((tq - t0) / 1000).toFixed(1)} s of it; jobs per worker ${per.join(" + ")})`,
          );
        } finally {
          for (const w of workers) w.kill("SIGTERM");
          await Promise.all(workers.map((w) => w.status));
        }
      }
    } finally {
      await Promise.all([redis.stop(), pg.stop()]);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
