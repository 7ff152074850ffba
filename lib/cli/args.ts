/**
 * The old flag reader, kept only for the entry points not yet declared with `lib/flags/`
 * (lib/bench/lfw.ts, lib/bench/tta.ts, lib/store/bench.ts). New commands use
 * `defineCommand` + `runCommand` from lib/flags/ instead: typed values, checks before work,
 * generated usage, `main(args, io)` returning an exit code.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage } from "../errors.ts";
export { UsageError } from "../flags/usage_error.ts";

/**
 * Parses `args` with node:util's parseArgs; `--help` prints `usage` and exits 0, unknown flags
 * print usage and exit 2.
 * @deprecated declare the command with `defineCommand` (lib/flags/types.ts) and run it with
 * `runCommand` (lib/flags/command.ts).
 */
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
