/**
 * The error of a bad command line.
 * @module
 */
import { ToolkitError } from "../errors.ts";

/**
 * A bad command line (an unknown flag, a value out of range, a missing required flag): a
 * command prints its message and exits with status 2 before doing any work.
 *
 * @example
 * ```ts
 * throw new UsageError("--threshold must be a number > 0 and <= 2, got -1");
 * ```
 */
export class UsageError extends ToolkitError {
  /** @param message what is wrong with the arguments, naming the flag */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
