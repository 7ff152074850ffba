/**
 * `deno task run --input <folder | drive:...> --out <dir>`: the whole pipeline with defaults.
 * @module
 */
import { LINKAGE_FLAG, METHOD_FLAG, THRESHOLD_FLAG } from "../cluster/flags.ts";
import { MIN_FACE_FLAG, SCORE_FLAG, TILES_FLAG } from "../faces/flags.ts";
import { DEVICE_FLAG } from "../models/flags.ts";
import { paramsFromText } from "../cluster/param_text.ts";
import { getClusterer, resolveParams } from "../cluster/registry.ts";
import {
  ADAPTER_FLAG,
  CREDENTIALS_FLAG,
  LABELS_FLAG,
  MIN_CLUSTER_FLAG,
  OAUTH_CLIENT_FLAG,
  QUIET_FLAG,
  WORKERS_FLAG,
} from "../flags/common_flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { UsageError } from "../flags/usage_error.ts";
import { errorMessage, ToolkitError } from "../errors.ts";
import { runPipeline, type RunSummary } from "../pipeline/run.ts";
import { DEFAULT_TTA } from "../pipeline/embed_photos.ts";
import { checkAdapter } from "../models/adapters.ts";
import { openSource } from "../sources/open.ts";
import { parseValue } from "../flags/parse.ts";
import { STORE_ENV, storeOpener } from "../store/open.ts";
import { isPostgresUrl, maskSecrets, maskUrl, parsePgLocation } from "../store/postgres/pg_url.ts";
import { INPUT_FLAG } from "../sources/flags.ts";

/** The flags of `deno task run`. */
export const RUN_COMMAND = defineCommand({
  name: "deno task run",
  summary:
    "Group the faces of a photo folder or Google Drive folder by person: report, CSV files, embeddings",
  flags: {
    input: INPUT_FLAG,
    out: { type: "path", required: true, placeholder: "dir", help: "output folder (created)" },
    method: METHOD_FLAG,
    param: {
      type: "list",
      placeholder: "name=value",
      help: "a parameter of --method, repeatable (e.g. --param neighbours=32 --param threshold=0.5), " +
        "checked against the method's declared parameters",
    },
    threshold: THRESHOLD_FLAG,
    linkage: LINKAGE_FLAG,
    "min-cluster": MIN_CLUSTER_FLAG,
    "min-face": MIN_FACE_FLAG,
    tiles: TILES_FLAG,
    score: SCORE_FLAG,
    tta: {
      type: "enum",
      choices: ["on", "off"],
      default: DEFAULT_TTA ? "on" : "off",
      help: "on: test-time augmentation, each face embedded as its crop and zoomed out a little, each " +
        "with its mirror (one batch), the vectors combined (aligned crops: the mirror alone; more face-stage " +
        "time, see the README); off: one crop per face (the vectors of stores made before TTA was the default)",
    },
    aligned: {
      type: "enum",
      choices: ["auto", "on", "off"],
      default: "auto",
      help: "on: every photo is already an aligned face crop, embedded directly (no detection); " +
        "auto: on when 90% of up to 64 listed images sampled are squares of the embedder's input (112x112)",
    },
    labels: LABELS_FLAG,
    device: DEVICE_FLAG,
    workers: WORKERS_FLAG,
    "max-side": {
      type: "integer",
      min: 1,
      placeholder: "px",
      defaultText: "1280, the pipeline's",
      help: "decode photos at most this long side; small faces are cropped from the full resolution",
    },
    batch: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "32, the analyser's",
      help: "faces per embedder batch",
    },
    concurrency: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "2 per worker on the CPU, 4 on a GPU",
      help: "photos in flight at once",
    },
    store: {
      type: "path",
      verbatimPrefixes: ["postgres://", "postgresql://"],
      placeholder: "dir | postgres://...",
      defaultText: `$${STORE_ENV}, else <cache>/store (FACEGROUP_CACHE, else ~/.cache/facegroup)`,
      help: "embedding store: a folder (SQLite), or the shared PostgreSQL store's URL " +
        "postgres://user@host[:port]/db[?schema=name] (password from PGPASSWORD or the URL; never printed)",
    },
    credentials: CREDENTIALS_FLAG,
    "oauth-client": OAUTH_CLIENT_FLAG,
    adapter: ADAPTER_FLAG,
    quiet: QUIET_FLAG,
  },
  epilog: "Relative paths are taken from the directory you run the command in.",
});

/** Prints the one-paragraph summary of a run. */
export function printSummary(s: RunSummary, out: string, io: Pick<Io, "out"> = { out: console.log }): void {
  io.out(
    `${s.photos} photos, ${s.faces} faces in ${s.clusters} clusters (${s.unassigned} faces unassigned), ` +
      `${s.noFace} photos without a face, ${s.failures.length} unreadable files; ` +
      `${s.computed} photos analysed now, the rest from the store.`,
  );
  io.out(`report: ${out}/index.html\nassignments: ${out}/assignments.csv\nerrors: ${out}/errors.csv`);
}

/**
 * The clustering overrides of the command line, checked against the chosen method's declared
 * parameters before any work (a flag the method does not take is refused). `--param name=value`
 * needs `--method`; without a method, `--threshold`/`--linkage` apply to agglomerative clustering.
 */
export function clusterOverrides(
  method: string | undefined,
  flags: { threshold?: number; linkage?: string; param?: readonly (string | number)[] },
): Record<string, unknown> {
  const cluster: Record<string, unknown> = {};
  if (flags.threshold !== undefined) cluster.threshold = flags.threshold;
  if (flags.linkage !== undefined) cluster.linkage = flags.linkage;
  const given = (flags.param ?? []).map(String);
  if (given.length > 0 && method === undefined) {
    throw new UsageError("--param needs --method (without it the clustering is chosen from the data)");
  }
  if (method === undefined) return cluster;
  const c = getClusterer(method);
  for (const key of Object.keys(cluster)) {
    if (!(key in c.params)) {
      throw new UsageError(
        `--${key} does not apply to --method ${method} (its parameters: ${Object.keys(c.params).join(", ")})`,
      );
    }
  }
  let fromText: Record<string, unknown>;
  try {
    fromText = paramsFromText(c, given);
  } catch (e) {
    throw new UsageError(`--param: ${errorMessage(e)}`);
  }
  for (const key of Object.keys(fromText)) {
    if (key in cluster) throw new UsageError(`--param ${key} and --${key} both given`);
  }
  Object.assign(cluster, fromText);
  try {
    resolveParams(c, cluster);
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  return cluster;
}

/** Where `deno task run` keeps embeddings: a SQLite store's folder, or a PostgreSQL URL. */
export type RunStore = { kind: "sqlite"; dir?: string } | { kind: "postgres"; url: string };

/**
 * The store of `--store` (else `$FACEGROUP_STORE`, else the default folder), checked before any
 * work: a `postgres://` URL must parse and name a host (a port, when given, a number; the
 * `schema` parameter a lower-case SQL name). A bad one is a {@link UsageError} naming `label`
 * (`--store` or `FACEGROUP_STORE`), its password masked.
 */
export function runStore(label: string, location: string | undefined): RunStore {
  if (location === undefined) return { kind: "sqlite" };
  if (!isPostgresUrl(location)) return { kind: "sqlite", dir: location };
  // Masked even when malformed: everything from the user's `:` to the last `@` before any query.
  const shown = location.replace(/^([a-z]+:\/\/[^/@:]*:)[^?#]*@/i, "$1***@");
  const bad = (what: string) =>
    new UsageError(
      `${label} must be a PostgreSQL URL postgres://user@host[:port]/database, got ${
        JSON.stringify(shown)
      }: ${what}`,
    );
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw bad("not a valid URL (a port must be a number; special characters in the password URL-encoded)");
  }
  if (url.hostname === "" && !url.searchParams.has("host")) throw bad("no host");
  try {
    parsePgLocation(location);
  } catch (e) {
    throw bad(maskSecrets(errorMessage(e).replace(`store ${maskUrl(location)}: `, ""), location));
  }
  return { kind: "postgres", url: location };
}

/** The store `$FACEGROUP_STORE` names (read like `--store`: a folder relative to `io.cwd`), else the default. */
function envStore(io: Io): RunStore {
  const raw = io.env(STORE_ENV);
  if (!raw) return { kind: "sqlite" };
  const ctx = { cwd: io.cwd, home: io.env("HOME") };
  return runStore(STORE_ENV, parseValue(STORE_ENV, RUN_COMMAND.flags.store, raw, ctx) as string);
}

/** Entry point: returns the exit code (0 done, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(RUN_COMMAND, args, io, async (v, io) => {
    const cluster = clusterOverrides(v.method, v);
    const store = v.store !== undefined ? runStore("--store", v.store) : envStore(io);
    const url = store.kind === "postgres" ? store.url : undefined;
    // The password never shows, whatever says it (progress, a connection error).
    const mask = (t: string) => (url ? maskSecrets(t, url) : t);
    if (v.adapter !== undefined) {
      await checkAdapter(v.adapter).catch((e) => {
        throw new UsageError(`--adapter ${v.adapter}: ${errorMessage(e)}`);
      });
    }
    const log = (l: string) => io.err(mask(l));
    if (url) log(`store: ${maskUrl(url)} (PostgreSQL)`);
    const source = await openSource(v.input, {
      labelsFromFolders: v.labels,
      credentials: v.credentials,
      oauthClient: v["oauth-client"],
      log,
    });
    const summary = await runPipeline(source, {
      out: v.out,
      ...(store.kind === "postgres" ? { openStore: storeOpener(store.url) } : { storeDir: store.dir }),
      device: v.device,
      concurrency: v.concurrency,
      workers: v.workers,
      maxSide: v["max-side"],
      batchSize: v.batch,
      minFaceSize: v["min-face"],
      tiling: v.tiles,
      scoreThreshold: v.score,
      tta: v.tta === "on",
      aligned: v.aligned,
      minClusterSize: v["min-cluster"],
      method: v.method,
      cluster,
      progress: !v.quiet,
      adapter: v.adapter,
      log,
    }).catch((e) => {
      if (!url) throw e;
      throw new ToolkitError(mask(errorMessage(e)));
    });
    printSummary(summary, v.out, io);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
