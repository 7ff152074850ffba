/**
 * The headline counts of a run report.
 * @module
 */
import { isAssigned, type RunReport } from "../../run/types.ts";

/** Headline counts shown at the top of the report. */
export interface ReportCounts {
  /** Photos listed. */
  photos: number;
  /** Photos with at least one detected face. */
  photosWithFaces: number;
  /** Faces detected. */
  faces: number;
  /** Distinct clusters (ids >= 0). */
  clusters: number;
  /** Faces in some cluster. */
  assigned: number;
  /** Faces in no cluster. */
  unassigned: number;
  /** Faces in the largest cluster (0 when none). */
  largestCluster: number;
  /** Clusters of exactly one face. */
  singletons: number;
  /** Photos read fine but with no face. */
  noFace: number;
  /** Distinct files that failed. */
  unreadable: number;
}

/** Computes {@link ReportCounts}. */
export function reportCounts(
  report: Pick<RunReport, "images" | "faces" | "noFace" | "errors">,
): ReportCounts {
  const sizes = new Map<number, number>();
  let assigned = 0;
  for (const f of report.faces) {
    if (!isAssigned(f)) continue;
    assigned++;
    sizes.set(f.cluster, (sizes.get(f.cluster) ?? 0) + 1);
  }
  let largest = 0;
  let singletons = 0;
  for (const n of sizes.values()) {
    largest = Math.max(largest, n);
    if (n === 1) singletons++;
  }
  return {
    photos: report.images,
    photosWithFaces: new Set(report.faces.map((f) => f.path)).size,
    faces: report.faces.length,
    clusters: sizes.size,
    assigned,
    unassigned: report.faces.length - assigned,
    largestCluster: largest,
    singletons,
    noFace: report.noFace.length,
    unreadable: new Set(report.errors.map((e) => e.path)).size,
  };
}
