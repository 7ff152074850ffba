/**
 * The toolkit's error type and the record of a per-file failure.
 * @module
 */

/** Base class of every error the toolkit throws on purpose. */
export class ToolkitError extends Error {
  /**
   * @param message what went wrong, naming the file or parameter involved
   * @param options `cause`: the underlying error, if any
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolkitError";
  }
}

/** The stage of the pipeline at which a file failed. */
export type Stage = "list" | "read" | "decode" | "detect" | "landmarks" | "embed" | "download" | "store";

/**
 * An error about one file that says at which stage it happened, for sources whose reads can
 * fail at a stage other than `read` (a Drive file that never downloaded is `download`).
 */
export class FileStageError extends ToolkitError {
  /** The stage to report in errors.csv. */
  readonly stage: Stage;

  /**
   * @param stage where it failed
   * @param message what went wrong, naming the file
   * @param options `cause`: the underlying error, if any
   */
  constructor(stage: Stage, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FileStageError";
    this.stage = stage;
  }
}

/** One file that failed at one stage; the run records it and goes on. */
export interface FileFailure {
  /** Path of the file relative to the source root (or the source's display name for it). */
  path: string;
  /** Stage at which it failed. */
  stage: Stage;
  /** Human-readable reason; never contains credentials. */
  message: string;
}

/** Turns any thrown value into a one-line message. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0];
  return String(e);
}
