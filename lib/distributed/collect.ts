/**
 * `deno task collect --store <postgres url> --input <source> --out <dir>`: once the queue is
 * drained, clusters the photos of a source from the shared store, as `deno task run` would: the
 * key's records are copied into this machine's SQLite store (only those it lacks, bit for bit),
 * then the run goes on as usual (report, CSV files, embeddings) and computes nothing that the
 * workers stored. Photos the workers did not store (failed jobs) are computed here and counted.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { METHOD_FLAG } from "../cluster/flags.ts";
import { MIN_CLUSTER_FLAG, WORKERS_FLAG } from "../flags/common_flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { UsageError } from "../flags/usage_error.ts";
import { runPipeline } from "../pipeline/run.ts";
import { openSource } from "../sources/open.ts";
import { FaceStore } from "../store/face_store.ts";
import { STORE_ENV } from "../store/open.ts";
import { PgStore } from "../store/postgres/pg_store.ts";
import { isPostgresUrl, maskSecrets, maskUrl } from "../store/postgres/pg_url.ts";
import type { StoreKey } from "../store/types.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { redisUrl } from "./flags.ts";
import { mirrorStore } from "./mirror.ts";
import { openQueue, REDIS_ENV } from "./queue.ts";
import { jobsLeft, queueStatus, statusLine } from "./status.ts";

/** The flags of `deno task collect`. */
export const COLLECT_COMMAND = defineCommand({
  name: "deno task collect",
  summary: "Cluster a source's photos from the shared PostgreSQL store once the queue is drained: the run " +
    "folder of deno task run, nothing recomputed",
  flags: {
    store: {
      type: "string",
      placeholder: "url",
      defaultText: `$${STORE_ENV}`,
      help: "the shared store: postgres://user@host:5432/db",
    },
    input: {
      type: "path",
      required: true,
      verbatimPrefixes: ["drive:"],
      placeholder: "folder | drive:<id|URL|path>",
      help: "the source given to deno task enqueue",
    },
    out: { type: "path", required: true, placeholder: "dir", help: "output folder (created)" },
    key: { type: "string", placeholder: "id", help: "the store key to use when the store holds several" },
    redis: {
      type: "string",
      placeholder: "url",
      help: "the queue's Redis server: refuse to collect while jobs are waiting or active",
    },
    queue: {
      type: "string",
      default: "facegroup-embed",
      placeholder: "name",
      help: "queue name (with --redis)",
    },
    "local-store": {
      type: "path",
      placeholder: "dir",
      defaultText: "$FACEGROUP_CACHE/store, else ~/.cache/facegroup/store",
      help: "this machine's SQLite store, which receives the shared records",
    },
    method: METHOD_FLAG,
    "min-cluster": MIN_CLUSTER_FLAG,
    workers: {
      ...WORKERS_FLAG,
      default: 1,
      defaultText: "1",
      help: "face workers for photos not in the store",
    },
  },
});

/** Entry point; returns the exit code (0 done, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(COLLECT_COMMAND, args, io, async (v, io: Io) => {
    const store = v.store ?? io.env(STORE_ENV);
    if (!store || !isPostgresUrl(store)) {
      throw new UsageError(`--store must be a postgres:// URL (or set ${STORE_ENV})`);
    }
    const log = (l: string) => io.err(maskSecrets(l, store));
    if (v.redis) {
      const url = redisUrl(v.redis);
      const queue = openQueue(url, v.queue);
      queue.on("error", () => {});
      try {
        const s = await queueStatus(queue);
        if (jobsLeft(s) > 0) {
          throw new ToolkitError(
            `queue ${v.queue} at ${maskUrl(url)} is not drained (${statusLine(s)}); ` +
              "wait with `deno task queue wait`",
          );
        }
        if (s.failed > 0) log(`note: ${s.failed} jobs failed; their photos are computed here`);
      } finally {
        await queue.close();
      }
    } else if (io.env(REDIS_ENV)) {
      log(`note: not checking the queue (give --redis to refuse collecting while jobs are left)`);
    }
    const keys = await PgStore.keys(store);
    // Without --key, the one key that holds photos (a worker may have opened an empty one for other settings).
    const filled = keys.filter((k) => k.photos > 0);
    const chosen = v.key
      ? keys.find((k) => k.id === v.key)
      : keys.length === 1
      ? keys[0]
      : filled.length === 1
      ? filled[0]
      : undefined;
    if (!chosen) {
      const list = keys.map((k) => `${k.id} (${k.photos} photos)`).join(", ") || "none";
      throw new UsageError(
        v.key
          ? `no key ${v.key} in ${maskUrl(store)} (keys: ${list})`
          : `give --key: the store holds keys ${list}`,
      );
    }
    const key = JSON.parse(chosen.key) as StoreKey;
    const root = v["local-store"] ?? `${cacheDir()}/store`;
    const t0 = performance.now();
    const from = await PgStore.openKey(store, chosen.id, { log, verify: false });
    const to = await FaceStore.open(root, key, { log });
    let copied;
    try {
      copied = await mirrorStore(from, to);
    } finally {
      await from.close();
      await to.close();
    }
    log(
      `copied ${copied.copied} of ${copied.records} records of key ${chosen.id} into ${root} in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
    const source = await openSource(v.input, { log });
    const summary = await runPipeline(source, {
      out: v.out,
      storeDir: root,
      aligned: key.options.aligned ? "on" : "off",
      tta: Boolean(key.options.tta), // the key names its views (TTA_KEY), or is true from before them
      workers: v.workers,
      method: v.method,
      minClusterSize: v["min-cluster"],
      progress: false,
      log,
    });
    io.out(
      `${summary.photos} photos, ${summary.faces} faces, ${summary.clusters} clusters (${summary.clustering}); ` +
        `${summary.computed} photos computed here (not in the shared store); ${summary.failures.length} failures`,
    );
    io.out(`report: ${v.out}/index.html`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
