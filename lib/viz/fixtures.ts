/**
 * Seeded data for the figure tests and for trying figures in a notebook: a small sweep table
 * and labelled points.
 * @module
 */
import type { RunRow } from "../sweep/selection.ts";
import { seededRandom } from "../util/random.ts";

/**
 * A deterministic sweep table: agglomerative (linkage x threshold), dbscan (eps x minSamples),
 * kmeans (k), and one failed run, with metrics from smooth formulas plus seeded noise.
 */
export function sampleSweepRows(seed = 7): RunRow[] {
  const random = seededRandom(seed);
  const noise = () => (random() - 0.5) * 0.02;
  const rows: RunRow[] = [];
  const add = (method: string, params: Record<string, unknown>, f1: number) => {
    const id = `${method} ${JSON.stringify(params)} seed=1`;
    const v = Math.max(0, Math.min(1, f1 + noise()));
    rows.push({
      id,
      method,
      params,
      seed: 1,
      timeMs: Math.round(5 + random() * 50),
      metrics: {
        bcubedF1: v,
        bcubedP: Math.min(1, v + 0.05),
        silhouette: v / 2,
        clusters: Math.round(40 * v),
      },
    });
  };
  for (const linkage of ["average", "complete", "single"]) {
    for (const threshold of [0.5, 0.6, 0.7, 0.8]) {
      const best = linkage === "average" ? 0.65 : linkage === "complete" ? 0.75 : 0.55;
      add(
        "agglomerative",
        { linkage, threshold },
        0.9 - 3 * (threshold - best) ** 2 - (linkage === "single" ? 0.1 : 0),
      );
    }
  }
  for (const eps of [0.4, 0.5, 0.6]) {
    for (const minSamples of [1, 2, 3]) {
      add("dbscan", { eps, minSamples, neighbours: 16 }, 0.8 - Math.abs(eps - 0.5) - 0.02 * minSamples);
    }
  }
  for (const k of [10, 20, 40]) add("kmeans", { k }, 0.5 + k / 100);
  rows.push({
    id: 'kmeans {"k":0}',
    method: "kmeans",
    params: { k: 0 },
    seed: 1,
    timeMs: NaN,
    metrics: {},
    error: "k must be >= 1",
  });
  return rows;
}
