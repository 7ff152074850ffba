/**
 * What every image source (local folder, Google Drive) offers the pipeline.
 * @module
 */

/** One image file in a source. */
export interface ImageRef {
  /** Stable id: for a local folder the path; for Drive the file id. */
  id: string;
  /** Path relative to the source root, with `/` separators (what reports and CSVs show). */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time, ms since the epoch. */
  modified: number;
  /** Optional ground-truth label (the first folder level of `path`), for evaluation. */
  label?: string;
  /** Optional link to view the file at its origin (e.g. the Drive page). */
  webUrl?: string;
}

/** A place images come from. */
export interface ImageSource {
  /** Short human-readable description, e.g. `folder /data/photos`. */
  readonly description: string;
  /** Lists every image in the source (recursively), in a stable order. */
  list(signal?: AbortSignal): AsyncIterable<ImageRef>;
  /** Reads the bytes of one image. */
  read(ref: ImageRef, signal?: AbortSignal): Promise<Uint8Array>;
}
