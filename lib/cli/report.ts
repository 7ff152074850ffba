/**
 * `deno task report --run <dir> [--sweep <dir>] [--out <path>] [--single-file]`: the
 * exploration report of a pipeline run folder, written to reports/<name>/ (or, with
 * --single-file, to reports/<name>.html).
 * @module
 */
import { errorMessage } from "../errors.ts";
import { makeReport } from "../report/make_report.ts";
import { hasRequired, numberFlag, parseCli } from "./args.ts";

const USAGE = `usage: deno task report --run <dir> [options]

  --run <dir>          run folder written by \`deno task run\` (embeddings/, labels.npy, run.json)
  --sweep <dir>        sweep output folder (runs.json); default <run>/sweep when it exists
  --name <name>        report name (default: the run folder's name)
  --out <path>         output folder (default reports/<name>, or <run>/report when that is the
                       run folder), or file with --single-file
                       (default reports/<name>.html)
  --single-file        one self-contained HTML file (smaller thumbnails, fewer faces per cluster)
  --title <text>       report title (default: the run's)
  --seed <n>           seed of the map and of the sampling (default 1)
  --quiet              no progress lines`;

/** Entry point; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const v = parseCli(args, {
    run: { type: "string" },
    sweep: { type: "string" },
    name: { type: "string" },
    out: { type: "string" },
    "single-file": { type: "boolean" },
    title: { type: "string" },
    seed: { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean" },
  }, USAGE);
  if (!hasRequired(v, ["run"], USAGE)) return 2;
  try {
    const t0 = performance.now();
    const res = await makeReport({
      run: v.run,
      sweep: v.sweep,
      name: v.name,
      out: v.out,
      singleFile: v["single-file"] ?? false,
      title: v.title,
      seed: numberFlag(v.seed, "seed"),
      log: v.quiet ? undefined : (l: string) => console.error(l),
    });
    console.log(
      `report: ${res.entry} (${res.files.length} files, ${(res.bytes / 1e6).toFixed(1)} MB, ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
    );
    return 0;
  } catch (e) {
    console.error(`error: ${errorMessage(e)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
