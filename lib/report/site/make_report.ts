/**
 * The report of a run folder in one call, as `deno task report` makes it; for notebooks:
 *
 * ```ts
 * import { makeReport } from "../lib/report/site/make_report.ts";
 * const { entry } = await makeReport({ run: "runs/holiday", sweep: "runs/holiday/sweep" });
 * ```
 * @module
 */
import { basename, join, resolve } from "node:path";
import { ToolkitError } from "../../errors.ts";
import { loadRun } from "../run_data.ts";
import { type SiteFiles, type SiteOptions, writeSite } from "./site.ts";
import { loadSweep } from "../sweep_data.ts";
import { exists } from "../../util/exists.ts";
import { loadRunGraph } from "./site_graph.ts";

/** Options of {@link makeReport}. */
export interface MakeReportOptions extends Omit<SiteOptions, "sweep"> {
  /** Run folder written by `deno task run`. */
  run: string;
  /** Sweep output folder (default: `<run>/sweep` when it has runs.json). */
  sweep?: string;
  /** Report name (default: the run folder's name). */
  name?: string;
  /**
   * Output folder, or file with `singleFile` (default reports/<name>/ or reports/<name>.html;
   * `<run>/report/` when reports/<name>/ is the run folder itself, as for reports/demo).
   */
  out?: string;
}

/** The repository's reports/ folder. */
export function reportsDir(): string {
  return new URL("../../../reports", import.meta.url).pathname;
}

/** Loads the run (and its sweep) and writes its report; see {@link MakeReportOptions}. */
export async function makeReport(opts: MakeReportOptions): Promise<SiteFiles> {
  const run = await loadRun(opts.run);
  const name = opts.name ?? basename(resolve(opts.run));
  let out = opts.out ?? (opts.singleFile ? join(reportsDir(), `${name}.html`) : join(reportsDir(), name));
  if (resolve(out) === resolve(opts.run)) {
    // Never over the run folder's own files (its index.html is the run report).
    if (opts.out !== undefined) throw new ToolkitError(`--out ${opts.out} is the run folder; choose another`);
    out = join(opts.run, "report");
  }
  const sweepDir = opts.sweep ??
    ((await exists(join(opts.run, "sweep", "runs.json"))) ? join(opts.run, "sweep") : undefined);
  const sweep = sweepDir ? await loadSweep(sweepDir) : undefined;
  // The run's own k-NN graph, when it saved one, instead of computing it again.
  const graph = opts.graph ?? (await loadRunGraph(opts.run, opts.log, run.faces));
  return await writeSite(out, run, { ...opts, sweep, graph, runDir: opts.runDir ?? opts.run });
}
