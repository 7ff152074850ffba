/**
 * The cluster size distribution: how many faces lie in clusters of each size (doubling size
 * bins), with the number of clusters per bin, and the unassigned faces apart.
 * @module
 */
import * as Plot from "@observablehq/plot";
import { plotSvg } from "./svg.ts";

/** One bar of the distribution. */
export interface SizeBin {
  /** Bin name: `unassigned`, `1`, `2`, `3–4`, `5–8`, ... */
  bin: string;
  /** Smallest cluster size of the bin (0 for unassigned). */
  from: number;
  /** Largest cluster size of the bin (0 for unassigned). */
  to: number;
  /** Clusters in the bin. */
  clusters: number;
  /** Faces in those clusters. */
  faces: number;
}

/** Cluster sizes of `labels` (label < 0: unassigned), binned by doubling sizes. */
export function sizeBins(labels: Int32Array): SizeBin[] {
  const sizes = new Map<number, number>();
  let unassigned = 0;
  for (const l of labels) {
    if (l < 0) unassigned++;
    else sizes.set(l, (sizes.get(l) ?? 0) + 1);
  }
  const bins: SizeBin[] = [{ bin: "unassigned", from: 0, to: 0, clusters: 0, faces: unassigned }];
  const largest = Math.max(0, ...sizes.values());
  for (let from = 1, to = 1; from <= Math.max(largest, 2); from = to + 1, to = 2 * to) {
    bins.push({ bin: from === to ? String(from) : `${from}–${to}`, from, to, clusters: 0, faces: 0 });
  }
  for (const s of sizes.values()) {
    const b = bins.find((x) => x.from > 0 && s >= x.from && s <= x.to)!;
    b.clusters++;
    b.faces += s;
  }
  return bins;
}

/** Options of {@link clusterSizeFigure}. */
export interface SizeFigureOptions {
  /** Width in pixels (default 560). */
  width?: number;
  /** Height in pixels (default 260). */
  height?: number;
}

/**
 * Bar chart: faces per cluster-size bin (grey bar: unassigned faces), each bar labelled with
 * its number of clusters. SVG text.
 */
export function clusterSizeFigure(labels: Int32Array, opts: SizeFigureOptions = {}): string {
  const bins = sizeBins(labels).filter((b, i) => i === 0 || b.clusters > 0);
  const data = bins.map((b) => ({
    ...b,
    note: b.from === 0 ? "" : `${b.clusters.toLocaleString("en-US")} cl.`,
    kind: b.from === 0 ? "unassigned" : "in clusters",
  }));
  return plotSvg({
    width: opts.width ?? 560,
    height: opts.height ?? 260,
    marginTop: 24,
    x: { label: "cluster size (faces)", domain: data.map((d) => d.bin), padding: 0.15 },
    y: { label: "faces", grid: true, nice: true },
    color: { domain: ["unassigned", "in clusters"], range: ["#c4c9d0", "#4269d0"] },
    marks: [
      Plot.barY(data, {
        x: "bin",
        y: "faces",
        fill: "kind",
        title: (d: typeof data[0]) => `${d.faces} faces`,
      }),
      Plot.text(data, { x: "bin", y: "faces", text: "note", dy: -7, fontSize: 9, fill: "#444" }),
      Plot.ruleY([0]),
    ],
  });
}
