/**
 * One sweep run from start to scores: prepare shared data, cluster (timed), then every
 * external metric (when labels are known) and every internal metric.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { externalMetrics, internalMetrics } from "../metrics/mod.ts";
import { seededRandom } from "../util/random.ts";
import { getClusterer, prepare, runClusterer } from "../cluster/registry.ts";
import type { RunSpec } from "./config.ts";
import type { RunRow } from "./selection.ts";

/** What every run of one sweep shares. */
export interface SweepData {
  /** Embeddings. */
  x: Matrix;
  /** True labels, when known. */
  truth?: Int32Array;
  /** Cannot-link pairs (flat). */
  cannotLink?: Int32Array;
  /** Must-link pairs (flat). */
  mustLink?: Int32Array;
  /** Rows sampled for the silhouette. */
  sample: number;
}

/** Runs and scores one run; failures become a row with `error` set and empty labels. */
export async function evaluateRun(
  data: SweepData,
  run: RunSpec,
): Promise<{ row: RunRow; labels: Int32Array }> {
  const base = { id: run.id, method: run.method, params: run.params, seed: run.seed };
  try {
    await prepare(data.x, [run]);
    const t0 = performance.now();
    const { labels, violationsFixed } = runClusterer(
      getClusterer(run.method),
      { x: data.x, cannotLink: data.cannotLink, mustLink: data.mustLink },
      run.params,
      { random: seededRandom(run.seed) },
    );
    const timeMs = performance.now() - t0;
    const metrics: Record<string, number> = { violationsFixed };
    if (data.truth) Object.assign(metrics, externalMetrics(data.truth, labels));
    Object.assign(metrics, internalMetrics(data.x, labels, { sample: data.sample, seed: run.seed }));
    return { row: { ...base, timeMs, metrics }, labels };
  } catch (e) {
    const error = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { row: { ...base, timeMs: NaN, metrics: {}, error }, labels: new Int32Array(0) };
  }
}
