/**
 * Everything the pages of the exploration report are rendered from, computed once by
 * `buildSite` (lib/report/site/site.ts).
 * @module
 */
import type { ClusterInfo, MergeSuspect, SplitSuspect, UnassignedFace } from "../analysis/analysis.ts";
import type { MapData } from "./map_script.ts";
import type { ClusterCounts } from "../../metrics/clusters.ts";
import type { PageRange } from "../run/paginate.ts";
import type { RunData } from "../run_data.ts";
import type { Linker } from "./doc.ts";
import type { PlacedSheet } from "./sheets.ts";
import type { SweepData } from "../sweep_data.ts";

/** One metric of the clustering as shown. */
export interface MetricRow {
  /** Metric name (technical, as in lib/metrics/registry.ts). */
  name: string;
  /** Plain-language name (lib/report/site/words.ts). */
  label: string;
  /** One line in words: what it says about the result. */
  explain: string;
  /** Value (NaN when undefined). */
  value: number;
  /** Technical definition (lib/metrics/registry.ts). */
  description: string;
  /** Whether larger is better. */
  higherIsBetter: boolean;
}

/** One page: its id (file name without `.html`, or anchor), title, body and scripts. */
export interface SitePage {
  /** `index`, `map`, `gallery`, `gallery-2`, `cluster-7`, ... */
  id: string;
  /** Navigation entry highlighted on the page. */
  nav: string;
  /** Document title. */
  title: string;
  /** Markup inside `<main>`. */
  body: import("../../util/html.ts").SafeHtml;
  /** Inline scripts the page needs. */
  scripts?: string[];
}

/** The computed report. */
export interface SiteModel {
  /** The run. */
  run: RunData;
  /** Links between pages. */
  l: Linker;
  /** Report title. */
  title: string;
  /** Clusters, largest first. */
  infos: ClusterInfo[];
  /** The counts by the one definition of a cluster (lib/metrics/clusters.ts). */
  counts: ClusterCounts;
  /** Clusters by id. */
  byId: Map<number, ClusterInfo>;
  /** Sheets of each cluster (first one: the preview). */
  clusterSheets: Map<number, PlacedSheet[]>;
  /** Unassigned faces, likeliest misses first. */
  unassigned: UnassignedFace[];
  /** Sheets of the unassigned faces shown (in the order of `unassigned`). */
  unassignedSheets: PlacedSheet[];
  /** Unassigned faces per page. */
  unassignedPerPage: number;
  /** Likely wrong merges with the sheets of their two sub-groups. */
  merges: { suspect: MergeSuspect; sheets: [PlacedSheet, PlacedSheet] }[];
  /** Likely splits. */
  splits: SplitSuspect[];
  /** Metrics against the true identities (when known). */
  external: MetricRow[];
  /** Metrics from the embeddings alone. */
  internal: MetricRow[];
  /** Figures as SVG/figure markup. */
  figures: { sizes: string; simClusters: string; simPeople?: string };
  /** Small PNG of the map for the overview (src). */
  mapPreview?: string;
  /** The face atlas's script data (absent with fewer than 4 faces). */
  map?: { data: MapData; neighbours: number; seed: number };
  /** The sweep, when given. */
  sweep?: SweepData;
  /** Where the sweep was read from. */
  sweepDir?: string;
  /** Gallery pages (ranges of `infos`). */
  galleryPages: PageRange[];
  /** Faces shown per cluster in a single file (Infinity in a folder). */
  facesPerCluster: number;
  /** Seconds spent per step of the build. */
  timings: Record<string, number>;
  /**
   * The run's assignments.csv: `href` where the report links it (a copy beside a report
   * folder), or only `path` (its place in the run folder) in a single file.
   */
  assignments?: { path: string; href?: string };
}
