/**
 * `deno task report --run <dir> [--sweep <dir>] [--out <path>] [--single-file]`: the
 * exploration report of a pipeline run folder, written to reports/<name>/ (or, with
 * --single-file, to reports/<name>.html).
 * @module
 */
import { QUIET_FLAG, SEED_FLAG } from "../flags/common_flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { makeReport } from "../report/site/make_report.ts";

/** The flags of `deno task report`. */
export const REPORT_COMMAND = defineCommand({
  name: "deno task report",
  summary: "Write the HTML exploration report of a run folder (clusters, sweep, map, contact sheets)",
  flags: {
    run: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "run folder written by `deno task run` (embeddings/, labels.npy, run.json)",
    },
    sweep: {
      type: "path",
      placeholder: "dir",
      defaultText: "<run>/sweep when it exists",
      help: "sweep output folder (runs.json)",
    },
    name: { type: "string", placeholder: "name", defaultText: "the run folder's name", help: "report name" },
    out: {
      type: "path",
      placeholder: "path",
      defaultText: "reports/<name>, or <run>/report when that is the run folder; reports/<name>.html " +
        "with --single-file",
      help: "output folder, or file with --single-file",
    },
    "single-file": {
      type: "boolean",
      help: "one self-contained HTML file (smaller thumbnails, fewer faces per cluster)",
    },
    title: { type: "string", placeholder: "text", defaultText: "the run's", help: "report title" },
    seed: SEED_FLAG,
    quiet: QUIET_FLAG,
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(REPORT_COMMAND, args, io, async (v, io) => {
    const t0 = performance.now();
    const res = await makeReport({
      run: v.run,
      sweep: v.sweep,
      name: v.name,
      out: v.out,
      singleFile: v["single-file"],
      title: v.title,
      seed: v.seed,
      log: v.quiet ? undefined : (l: string) => io.err(l),
    });
    io.out(
      `report: ${res.entry} (${res.files.length} files, ${(res.bytes / 1e6).toFixed(1)} MB, ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
