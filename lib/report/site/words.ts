/**
 * The words of the exploration report for people who are not clustering specialists: each
 * metric's plain name and a one-line explanation (the technical name and definition, from
 * lib/metrics/registry.ts, stay beside them), and the names of the pages that list possible
 * mistakes, named for what they list.
 * @module
 */
import { getMetric } from "../../metrics/registry.ts";

/** A metric as a stakeholder reads it. */
export interface MetricWords {
  /** Plain name, e.g. "Clusters hold one person". */
  label: string;
  /** One line: what it says about the result, in words. */
  explain: string;
}

/**
 * Plain words of every metric the report shows. `{min}` stands for the smallest cluster size
 * (faces in smaller groups are unassigned).
 */
export const METRIC_WORDS: Readonly<Record<string, MetricWords>> = {
  bcubedF1: {
    label: "Overall match with the true people",
    explain:
      "Combines the two scores below: 1 means every cluster is exactly one person and every person is in one cluster.",
  },
  bcubedP: {
    label: "Clusters hold one person",
    explain:
      "For a typical face, the share of its cluster that is the same person; low means clusters mix people.",
  },
  bcubedR: {
    label: "People kept together",
    explain:
      "For a typical face, the share of that person's faces that are in its cluster; low means people are split over several clusters.",
  },
  pairwiseF1: {
    label: "Overall match, by pairs of faces",
    explain: "The same idea counted over pairs of faces, so large clusters and people weigh more.",
  },
  pairwiseP: {
    label: "Pairs put together that are one person",
    explain: "Of all pairs of faces put in one cluster, the share that are the same person.",
  },
  pairwiseR: {
    label: "Same-person pairs put together",
    explain: "Of all pairs of faces of one person, the share that are in one cluster.",
  },
  ari: {
    label: "Agreement beyond chance",
    explain: "1 means the clusters are exactly the people; 0 is what a random grouping would score.",
  },
  nmi: {
    label: "Shared information",
    explain: "How much knowing a face's cluster tells about its person, and back: 0 nothing, 1 everything.",
  },
  purity: {
    label: "Faces of their cluster's main person",
    explain: "Share of faces that are the person most common in their cluster.",
  },
  inversePurity: {
    label: "Faces in their person's main cluster",
    explain: "Share of faces that are in the cluster holding most of their person's faces.",
  },
  silhouette: {
    label: "Separation of the clusters",
    explain:
      "How much closer a face is to its own cluster than to the nearest other one, from -1 to 1 (faces in clusters only).",
  },
  daviesBouldin: {
    label: "Overlap between clusters",
    explain:
      "How far clusters spread towards their nearest neighbour compared with the distance between them; 0 is best.",
  },
  calinskiHarabasz: {
    label: "Spread between against within clusters",
    explain: "How far apart the clusters are compared with how spread out each one is; no upper limit.",
  },
  clusters: {
    label: "Clusters",
    explain:
      "Groups of at least {min} faces, each meant to be one person; a face alone is seen once, not a cluster.",
  },
  seenOnce: {
    label: "Faces seen once",
    explain: "Faces alone in the clustering: a person seen once, not counted as a cluster.",
  },
  singletonShare: {
    label: "Share seen once",
    explain: "Share of all faces seen once (alone in the clustering, not counted as a cluster).",
  },
  noiseShare: {
    label: "Unassigned faces",
    explain: "Share of all faces in no cluster (alone, or in a group of fewer than {min} faces).",
  },
};

/** The words of metric `name`, with `{min}` filled in (the technical name when none are written). */
export function metricWords(name: string, minClusterSize = 2): MetricWords {
  let w = METRIC_WORDS[name];
  if (!w) {
    let explain = "";
    try {
      explain = getMetric(name).description;
    } catch { /* not a registered metric (e.g. a sweep's own score) */ }
    w = { label: name, explain };
  }
  const fill = (s: string) => s.replaceAll("{min}", String(minClusterSize));
  return { label: fill(w.label), explain: fill(w.explain) };
}

/** Plain name of a metric (its technical name when it has none), for table headers. */
export function metricLabel(name: string): string {
  return METRIC_WORDS[name]?.label ?? name;
}

/** The pages that list possible mistakes: id, navigation label, heading. */
export const QUALITY_PAGES = {
  /** Clusters made of two dense sub-groups (analysis.ts's mergeSuspects: possibly wrong merges). */
  twoPeople: {
    id: "merges",
    nav: "May hold two people",
    title: "Clusters that may hold two people",
  },
  /** Pairs of clusters with close centres (analysis.ts's splitSuspects: possibly wrong splits). */
  onePerson: {
    id: "splits",
    nav: "May be one person",
    title: "Clusters that may be one person",
  },
} as const;
