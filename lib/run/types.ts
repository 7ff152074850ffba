/**
 * What a run holds (faces with their clusters, photos without a face, failures, the header
 * fields): what the pipeline writes into the run folder and hands to the report writers.
 * @module
 */

/** One detected face, with its cluster assignment. */
export interface ReportFace {
  /** Photo path relative to the input folder (comes from outside: always escaped). */
  path: string;
  /** Face index within the photo. */
  face: number;
  /** Face box in pixels of the (EXIF-rotated) photo. */
  box: { x: number; y: number; w: number; h: number };
  /** Detector score. */
  score: number;
  /** Cluster id; -1 (or any negative / non-integer value) means not assigned. */
  cluster: number;
  /** Name of the person, where a review named the face's person (comes from outside: escaped). */
  person?: string;
  /** Small JPEG of the face crop (about 96x96), made by the pipeline. */
  thumbnail?: Uint8Array;
  /** Link to the photo at its origin (e.g. the Drive page); only http(s) links are used. */
  webUrl?: string;
}

/** A photo that was read fine but had no face. */
export interface ReportNoFace {
  /** Photo path relative to the input folder. */
  path: string;
  /** Link to the photo at its origin; only http(s) links are used. */
  webUrl?: string;
}

/** A file that failed at some stage (compatible with `FileFailure` of lib/errors.ts). */
export interface ReportError {
  /** Path of the file relative to the source root. */
  path: string;
  /** Stage at which it failed. */
  stage: string;
  /** Human-readable reason. */
  message: string;
}

/** Everything one pipeline run reports. */
export interface RunReport {
  /** Title of the report page. */
  title: string;
  /** Human-readable description of the image source. */
  source: string;
  /** Model names / versions used. */
  models: string[];
  /** When the run was made (ISO 8601 text, shown as is). */
  createdAt: string;
  /** Clustering method name. */
  method: string;
  /** Clustering parameters. */
  params: Record<string, unknown>;
  /**
   * How faces were found: the face stage's options that change results (detector score and
   * overlap thresholds, smallest face, tiling, decode size, pixel limit, thumbnail size).
   */
  faceOptions?: Record<string, unknown>;
  /** Number of photos listed. */
  images: number;
  /** Every detected face. */
  faces: ReportFace[];
  /** Photos read fine but with no face. */
  noFace: ReportNoFace[];
  /** Unreadable files etc. */
  errors: ReportError[];
  /** Seconds per stage. */
  timings?: Record<string, number>;
}

/** True when a face counts as assigned to a cluster (an integer id >= 0). */
export function isAssigned(face: Pick<ReportFace, "cluster">): boolean {
  return Number.isInteger(face.cluster) && face.cluster >= 0;
}

/**
 * Orders strings by UTF-16 code units: stable and locale-independent (unlike `localeCompare`),
 * so that output files are byte-identical across machines.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
