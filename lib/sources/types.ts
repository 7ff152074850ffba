/**
 * What every image source (local folder, Google Drive) offers the pipeline.
 * @module
 */
import type { FileFailure } from "../errors.ts";

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

/**
 * Told of an entry that a listing met but cannot offer as an image (an unreadable folder, a
 * symbolic-link loop, a dangling link, a FIFO with an image name...): stage `list`, its path
 * relative to the source root, and a message naming the path and the reason. The pipeline records
 * it in `errors.csv`; the listing goes on.
 */
export type OnSkipped = (skipped: FileFailure) => void;

/** A place images come from. */
export interface ImageSource {
  /** Short human-readable description, e.g. `folder /data/photos`. */
  readonly description: string;
  /**
   * Lists every image in the source (recursively), in a stable order. Entries that cannot be
   * offered go to `onSkipped` with their reason, in listing order (a source that meets none, or
   * reports its problems elsewhere, may ignore it).
   */
  list(signal?: AbortSignal, onSkipped?: OnSkipped): AsyncIterable<ImageRef>;
  /** Reads the bytes of one image. */
  read(ref: ImageRef, signal?: AbortSignal): Promise<Uint8Array>;
}
