/**
 * The clusters to check by hand: a seeded random sample of the run's clusters as the
 * clustering made them (before any decision), each shown by a seeded random subset of its
 * faces (not the most typical ones, which would make the clusters look better than they are).
 * @module
 */
import { membersOf } from "../report/analysis/analysis.ts";
import type { RunData } from "../report/run_data.ts";
import { sampleIndices } from "../util/random.ts";
import type { FaceKey } from "./decisions.ts";

/** One sampled cluster. */
export interface SampledCluster {
  /** Its smallest face key: how verdicts name it. */
  key: FaceKey;
  /** Cluster id as shown in the run's reports (0 = largest). */
  cluster: number;
  /** Faces in the cluster. */
  size: number;
  /** Rows shown (ascending). */
  rows: number[];
}

/** Options of {@link sampleClusters}. */
export interface SampleOptions {
  /** Clusters to sample (default 20). */
  count?: number;
  /** Faces shown per cluster at most (default 30). */
  faces?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** Draws the sample (see the module doc); the same run and seed give the same sample. */
export function sampleClusters(
  run: Pick<RunData, "clusters">,
  keys: readonly FaceKey[],
  opts: SampleOptions = {},
): SampledCluster[] {
  const seed = opts.seed ?? 1, cap = opts.faces ?? 30;
  const members = membersOf(run.clusters);
  const ids = [...members.keys()].sort((a, b) => a - b);
  const pick = [...sampleIndices(ids.length, opts.count ?? 20, seed)];
  return pick.map((i) => {
    const all = members.get(ids[i])!;
    let key = keys[all[0]];
    for (const r of all) if (keys[r] < key) key = keys[r];
    const rows = all.length <= cap
      ? all
      : [...sampleIndices(all.length, cap, seed * 7919 + ids[i])].map((j) => all[j]).sort((a, b) => a - b);
    return { key, cluster: ids[i], size: all.length, rows };
  });
}
