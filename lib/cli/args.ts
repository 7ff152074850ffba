/**
 * Small helpers for the command-line entry points.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage } from "../errors.ts";

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

/** Reads a number flag, exiting with a clear message when it is not a number. */
export function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    console.error(`error: --${name} must be a number, got ${JSON.stringify(value)}`);
    Deno.exit(2);
  }
  return n;
}
