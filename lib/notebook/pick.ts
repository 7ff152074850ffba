/**
 * Keeping one configuration of a sweep for a run folder: its labels become the run's
 * `labels.npy`, and `run.json`, `assignments.csv` and the run's `index.html` are rewritten to
 * match, so that notebooks 04 and 05 and `deno task report --run` all show the chosen
 * clustering. The pipeline's own labels are kept as `labels.pipeline.npy` (`keep` restores
 * them; a new pipeline run replaces them), so picking again is always from the same start.
 *
 * CLI (what notebook 03 does, headless):
 * `deno task pick --run <dir> [--sweep <dir>] [--pick best|label-free|keep|<run id>]`
 * @module
 */
import { join } from "node:path";
import { errorMessage, ToolkitError } from "../errors.ts";
import { writeAssignmentsCsv } from "../run/csv.ts";
import { loadRun, type RunData, shownClusters } from "../report/run_data.ts";
import { writeRunReport } from "../report/run/run_report.ts";
import type { ReportFace, RunReport } from "../run/types.ts";
import { runPath } from "../run/files.ts";
import { pipelineClustering, pipelineLabels, writePick } from "../run/pick.ts";
import { readRunJson } from "../run/run_json.ts";
import { joinThreshold, reviewRunLabels } from "../review/run_hook.ts";
import { readLabels } from "../sweep/output.ts";
import type { RunRow } from "../sweep/selection.ts";
import { PICK_FLAG } from "../flags/common_flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";

/** A chosen sweep run. */
export interface SweepPick {
  /** How it was chosen: the best by the sweep's metric, the label-free pick, or by id. */
  rule: "best" | "label-free" | "id";
  /** The run. */
  row: RunRow;
  /** Its labels (one per face row of the run's embeddings). */
  labels: Int32Array;
  /** Metric of `best` (when chosen by it). */
  metric?: string;
}

/** What a sweep's `best.json` holds (as written by lib/sweep/runner.ts). */
interface BestFile {
  select?: string;
  best?: RunRow;
  labelFree?: { rule: string; run: RunRow };
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    throw new ToolkitError(`${path}: cannot read (${errorMessage(e)}); run the sweep first`, { cause: e });
  }
}

/**
 * Chooses a run of the sweep in `sweepDir`: `best` (by the sweep's metric when labels are
 * known, else the label-free pick), `label-free`, or a run id from `runs.json`.
 */
export async function chooseSweepRun(sweepDir: string, pick: string): Promise<SweepPick> {
  const best = await readJson<BestFile>(join(sweepDir, "best.json"));
  let rule: SweepPick["rule"];
  let row: RunRow | undefined;
  if (pick === "best" && best.best) {
    [rule, row] = ["best", best.best];
  } else if (pick === "best" || pick === "label-free") {
    [rule, row] = ["label-free", best.labelFree?.run];
    if (!row) throw new ToolkitError(`${sweepDir}: the sweep made no label-free pick (no successful run?)`);
  } else {
    const rows = await readJson<RunRow[]>(join(sweepDir, "runs.json"));
    [rule, row] = ["id", rows.find((r) => r.id === pick)];
    if (!row) {
      throw new ToolkitError(`${sweepDir}: no sweep run with id ${JSON.stringify(pick)} (see runs.json)`);
    }
    if (row.error) throw new ToolkitError(`sweep run ${pick} failed: ${row.error}`);
  }
  const labels = readLabels(join(sweepDir, "labels"), row.id);
  if (!labels) throw new ToolkitError(`${sweepDir}/labels: no labels for run ${row.id}`);
  return { rule, row, labels, metric: rule === "best" ? best.select : undefined };
}

/** The run as the pipeline's report writer takes it, with `clusters` as shown labels. */
export function runReportOf(run: RunData): RunReport {
  const faces: ReportFace[] = run.faces.map((f, i) => ({
    path: f.path,
    face: f.face,
    box: f.box ? { x: f.box[0], y: f.box[1], w: f.box[2], h: f.box[3] } : { x: 0, y: 0, w: 0, h: 0 },
    score: f.score ?? NaN,
    cluster: run.clusters[i],
    thumbnail: run.thumbnails[i],
    webUrl: f.webUrl,
  }));
  return {
    title: run.meta.title,
    source: run.meta.source,
    models: run.meta.models,
    createdAt: run.meta.createdAt,
    method: run.meta.method,
    params: run.meta.params,
    images: run.meta.images,
    faces,
    noFace: run.meta.noFace,
    errors: run.errors,
    timings: run.meta.timings,
  };
}

/** What {@link applyPick} did. */
export interface AppliedPick {
  /** The chosen sweep run (undefined for `keep`). */
  pick?: SweepPick;
  /** Method now in the run folder. */
  method: string;
  /** Its parameters. */
  params: Record<string, unknown>;
  /** Clusters of at least the run's minimum size. */
  clusters: number;
  /** Faces not in such a cluster. */
  unassigned: number;
}

/**
 * Makes the configuration `pick` (see {@link chooseSweepRun}; `keep`: the pipeline's own
 * clustering) the clustering of the run folder `runDir`.
 */
export async function applyPick(runDir: string, sweepDir: string, pick: string): Promise<AppliedPick> {
  const meta = await readRunJson(runDir);
  const pipelineMeta = await pipelineClustering(runDir, meta);
  const common = {
    minClusterSize: pipelineMeta.params?.minClusterSize ?? 2,
    cannotLink: pipelineMeta.params?.cannotLink ?? "faces of one photo",
  };
  let labels: Int32Array, method: string, params: Record<string, unknown>, chosen: SweepPick | undefined;
  if (pick === "keep") {
    [labels, method, params] = [await pipelineLabels(runDir), pipelineMeta.method, pipelineMeta.params];
  } else {
    chosen = await chooseSweepRun(sweepDir, pick);
    [labels, method, params] = [chosen.labels, chosen.row.method, { ...chosen.row.params, ...common }];
  }
  const faces = meta.counts?.faces;
  if (faces !== undefined && labels.length !== faces) {
    throw new ToolkitError(
      `${runDir}: ${faces} faces but the chosen labels have ${labels.length}; was the sweep run on this run's embeddings?`,
    );
  }
  const minSize = typeof common.minClusterSize === "number" ? common.minClusterSize : 2;
  // The run folder's review decisions hold for the picked labels too (lib/review/run_hook.ts).
  const decided = await reviewRunLabels(runDir, labels, {
    threshold: joinThreshold(method, params),
    minClusterSize: minSize,
    log: () => {},
  });
  if (decided) labels = decided.labels;
  const shown = decided?.shown ?? shownClusters(labels, minSize);
  const clusters = new Set([...shown].filter((c) => c >= 0)).size;
  await writePick(runDir, meta, {
    labels,
    method,
    params,
    pipeline: pipelineMeta,
    pick: chosen
      ? {
        rule: chosen.rule,
        id: chosen.row.id,
        sweep: sweepDir,
        metric: chosen.metric,
        metrics: chosen.row.metrics,
      }
      : undefined,
    clusters,
    review: decided ? { people: decided.people, decisions: decided.decisions } : undefined,
  });
  const report = runReportOf(await loadRun(runDir));
  if (decided) {
    report.faces.forEach((f, i) => {
      f.cluster = decided.shown[i];
      if (decided.names[i]) f.person = decided.names[i];
    });
  }
  await writeAssignmentsCsv(runPath(runDir, "assignments"), report);
  await writeRunReport(runDir, report);
  return { pick: chosen, method, params, clusters, unassigned: shown.filter((c) => c < 0).length };
}

/** The flags of `deno task pick`. */
export const PICK_COMMAND = defineCommand({
  name: "deno task pick",
  summary:
    "Apply a sweep's chosen configuration to a run folder (labels, assignments, report), as notebook 03 does",
  flags: {
    run: { type: "path", required: true, placeholder: "dir", help: "run folder (deno task run --out)" },
    sweep: { type: "path", placeholder: "dir", defaultText: "<run>/sweep", help: "sweep output folder" },
    pick: PICK_FLAG,
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(PICK_COMMAND, args, io, async (v, io) => {
    const r = await applyPick(v.run, v.sweep ?? join(v.run, "sweep"), v.pick);
    io.out(
      `${v.run}: ${r.pick ? `${r.pick.rule} ${r.pick.row.id}` : "the pipeline's own clustering"} -> ` +
        `${r.clusters} clusters, ${r.unassigned} faces unassigned`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
