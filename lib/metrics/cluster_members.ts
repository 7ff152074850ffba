/**
 * The members of each cluster as compressed rows (CSR), for the graph estimates of silhouette and
 * Davies-Bouldin (lib/metrics/silhouette.ts, lib/metrics/davies_bouldin.ts).
 * @module
 */
import type { EncodedClusters } from "./clusters.ts";

/** Members of each encoded cluster: cluster c's rows are `rows[start[c]]` to `rows[start[c + 1] - 1]`, ascending. */
export interface ClusterMembers {
  /** Offsets into `rows`, `k + 1` of them. */
  start: Int32Array;
  /** Non-noise rows, grouped by cluster. */
  rows: Int32Array;
}

/** {@link ClusterMembers} of `enc` (noise rows left out). O(n). */
export function clusterMembers(enc: EncodedClusters): ClusterMembers {
  const start = new Int32Array(enc.k + 1);
  for (const c of enc.ids) if (c >= 0) start[c + 1]++;
  for (let c = 0; c < enc.k; c++) start[c + 1] += start[c];
  const fill = start.slice(0, enc.k), rows = new Int32Array(enc.kept);
  enc.ids.forEach((c, i) => {
    if (c >= 0) rows[fill[c]++] = i;
  });
  return { start, rows };
}
