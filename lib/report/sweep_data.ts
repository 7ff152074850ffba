/**
 * A sweep's output folder (lib/sweep: `runs.json`, `best.json`) read back for the report.
 * @module
 */
import { join } from "node:path";
import { ToolkitError } from "../errors.ts";
import { bestBy, type RunRow } from "../sweep/selection.ts";

/** A sweep as the report shows it. */
export interface SweepData {
  /** Every run (failed ones included, with `error`). */
  rows: RunRow[];
  /** Metric the best run is chosen by. */
  metric: string;
  /** Best run by `metric` (when any run has it). */
  best?: RunRow;
  /** Label-free pick, when the sweep made one. */
  labelFree?: { rule: string; run: RunRow; score?: number; gap?: number };
}

/** Rows with JSON nulls turned back into NaN. */
function revive(rows: unknown): RunRow[] {
  if (!Array.isArray(rows)) throw new ToolkitError("sweep runs.json: expected an array of runs");
  return rows.map((r) => ({
    ...r,
    params: r.params ?? {},
    timeMs: typeof r.timeMs === "number" ? r.timeMs : NaN,
    metrics: Object.fromEntries(
      Object.entries(r.metrics ?? {}).map(([k, v]) => [k, typeof v === "number" ? v : NaN]),
    ),
  }));
}

/** Metric to rank by: `preferred` if some run has it, else BCubed F1, else the silhouette. */
export function chooseMetric(rows: readonly RunRow[], preferred?: string): string {
  const has = (m: string) => rows.some((r) => Number.isFinite(r.metrics[m]));
  for (const m of [preferred, "bcubedF1", "silhouette"]) if (m && has(m)) return m;
  return preferred ?? "bcubedF1";
}

/** Sweep data from rows in memory (e.g. a notebook's sweep). */
export function sweepData(rows: RunRow[], preferred?: string): SweepData {
  const metric = chooseMetric(rows, preferred);
  return { rows, metric, best: bestBy(rows, metric) };
}

/** Reads a sweep output folder (`runs.json`, optionally `best.json`). */
export async function loadSweep(dir: string): Promise<SweepData> {
  const rows = revive(JSON.parse(await Deno.readTextFile(join(dir, "runs.json"))));
  let best: Record<string, unknown> | undefined;
  try {
    best = JSON.parse(await Deno.readTextFile(join(dir, "best.json")));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const data = sweepData(rows, typeof best?.select === "string" ? best.select : undefined);
  const lf = best?.labelFree as { rule?: string; run?: unknown; score?: number; gap?: number } | undefined;
  if (lf?.run && lf.rule) {
    const [run] = revive([lf.run]);
    data.labelFree = {
      rule: lf.rule,
      run,
      score: typeof lf.score === "number" ? lf.score : undefined,
      gap: typeof lf.gap === "number" ? lf.gap : undefined,
    };
  }
  return data;
}
