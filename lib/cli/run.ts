/**
 * `deno task run --input <folder | drive:...> --out <dir>`: the whole pipeline with defaults.
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { Device } from "../models/session.ts";
import { runPipeline, type RunSummary } from "../pipeline/run.ts";
import { openSource } from "../sources/open.ts";
import { hasRequired, numberFlag, parseCli, tilingFlag, UsageError } from "./args.ts";

const USAGE = `usage: deno task run --input <folder | drive:<id|URL|path>> --out <dir> [options]

  --threshold <d>      cosine distance at which clusters stop merging (default 0.55)
  --linkage <l>        average | complete | single (default average)
  --min-cluster <n>    smaller clusters are reported as unassigned (default 2)
  --min-face <px>      faces smaller than this (in the photo's pixels) are ignored (default 20)
  --tiles <t>          auto: large photos are also searched in tiles, so that small faces in
                       group photos are found (about twice the time on such photos); off: the
                       whole photo only (default auto)
  --score <s>          detector score threshold (default 0.65)
  --labels             use the first folder level as ground truth (evaluation)
  --device <d>         auto | cpu | cuda | tensorrt (default cpu)
  --workers <n>        face workers, one model set each (default: one per core; 0 = main thread)
  --max-side <px>      decode photos at most this long side (default 1280); small faces are
                       cropped from the full resolution
  --batch <n>          faces per embedder batch (default 32)
  --concurrency <n>    photos in flight at once (default 2 per worker)
  --store <dir>        embedding store root (default ~/.cache/facegroup/store)
  --credentials <f>    Google key file for Drive input: service account or authorized_user
                       (default: application default credentials, GOOGLE_APPLICATION_CREDENTIALS)
  --oauth-client <f>   OAuth client secret file: sign in to Drive with a browser (token cached)
  --quiet              no progress lines`;

/** Prints the one-paragraph summary of a run. */
export function printSummary(s: RunSummary, out: string): void {
  console.log(
    `${s.photos} photos, ${s.faces} faces in ${s.clusters} clusters (${s.unassigned} faces unassigned), ` +
      `${s.noFace} photos without a face, ${s.failures.length} unreadable files; ` +
      `${s.computed} photos analysed now, the rest from the store.`,
  );
  console.log(`report: ${out}/index.html\nassignments: ${out}/assignments.csv\nerrors: ${out}/errors.csv`);
}

/** Entry point. */
export async function main(args: string[]): Promise<number> {
  const v = parseCli(args, {
    input: { type: "string" },
    out: { type: "string" },
    threshold: { type: "string" },
    linkage: { type: "string" },
    "min-cluster": { type: "string" },
    "min-face": { type: "string" },
    tiles: { type: "string" },
    score: { type: "string" },
    labels: { type: "boolean" },
    device: { type: "string" },
    concurrency: { type: "string" },
    workers: { type: "string" },
    "max-side": { type: "string" },
    batch: { type: "string" },
    store: { type: "string" },
    credentials: { type: "string" },
    "oauth-client": { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean" },
  }, USAGE);
  if (!hasRequired(v, ["input", "out"], USAGE)) return 2;
  try {
    const source = await openSource(v.input, {
      labelsFromFolders: v.labels,
      credentials: v.credentials,
      oauthClient: v["oauth-client"],
    });
    const summary = await runPipeline(source, {
      out: v.out,
      storeDir: v.store,
      device: v.device as Device | undefined,
      concurrency: numberFlag(v.concurrency, "concurrency"),
      workers: numberFlag(v.workers, "workers"),
      maxSide: numberFlag(v["max-side"], "max-side"),
      batchSize: numberFlag(v.batch, "batch"),
      minFaceSize: numberFlag(v["min-face"], "min-face"),
      tiling: tilingFlag(v.tiles),
      scoreThreshold: numberFlag(v.score, "score"),
      minClusterSize: numberFlag(v["min-cluster"], "min-cluster"),
      cluster: {
        ...(v.threshold !== undefined ? { threshold: numberFlag(v.threshold, "threshold") } : {}),
        ...(v.linkage !== undefined ? { linkage: v.linkage as "average" } : {}),
      },
      progress: !v.quiet,
    });
    printSummary(summary, v.out);
    return 0;
  } catch (e) {
    console.error(`error: ${errorMessage(e)}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
