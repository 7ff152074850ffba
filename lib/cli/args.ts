/**
 * Small helpers for the command-line entry points.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage, ToolkitError } from "../errors.ts";
import { isTilingMode, type TilingMode } from "../faces/types.ts";

/** A bad command line: the caller prints it with the usage and exits with status 2. */
export class UsageError extends ToolkitError {
  /** @param message what is wrong with the arguments */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `args` with node:util's parseArgs; unknown flags print usage and exit 2. */
export function parseCli<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
  usage: string,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>["values"] {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if ((parsed.values as Record<string, unknown>).help) {
      console.log(usage);
      Deno.exit(0);
    }
    return parsed.values;
  } catch (e) {
    console.error(`error: ${errorMessage(e)}\n\n${usage}`);
    Deno.exit(2);
  }
}

/**
 * Checks that every flag in `names` was given; prints `error: --x is required` and the usage to
 * stderr for the first one missing and returns false (the caller exits with status 2).
 */
export function hasRequired<V extends Record<string, unknown>, K extends keyof V & string>(
  values: V,
  names: readonly K[],
  usage: string,
): values is V & { [P in K]-?: NonNullable<V[P]> } {
  const missing = names.find((n) => values[n] === undefined);
  if (missing === undefined) return true;
  console.error(`error: --${missing} is required\n\n${usage}`);
  return false;
}

/** Reads the `--tiles` flag (`auto`, `off`, or absent); anything else is a {@link UsageError}. */
export function tilingFlag(value: string | undefined): TilingMode | undefined {
  if (value === undefined || isTilingMode(value)) return value;
  throw new UsageError(`--tiles must be auto or off, got ${JSON.stringify(value)}`);
}

/** Reads a number flag; a value that is not a number throws a {@link UsageError} naming the flag. */
export function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
  }
  return n;
}
