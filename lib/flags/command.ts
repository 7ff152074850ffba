/**
 * The one way a command runs: parse and check every argument first, answer `--help`, then do
 * the work; every outcome is an exit code (0 done, 1 failed, 2 bad command line).
 * @module
 */
import { errorMessage } from "../errors.ts";
import { type CommandIo, commandIo, type Io } from "./io.ts";
import { parseCommand } from "./parse.ts";
import type { CommandSpec, CommandValues, FlagSpec, PositionalSpec } from "./types.ts";
import { synopsis, usageText } from "./usage.ts";
import { UsageError } from "./usage_error.ts";

/** The work of a command, given its checked, typed values; returns the exit code. */
export type CommandBody<C> = (values: CommandValues<C>, io: Io) => number | Promise<number>;

/**
 * Runs `spec`'s command: `-h`/`--help` prints the usage to stdout and returns 0; a bad
 * argument prints `error: ...` and the synopsis to stderr and returns 2, before any work;
 * otherwise `body` runs, and an error it throws is printed and returns 1 (2 for a
 * {@link UsageError}).
 *
 * @example
 * ```ts
 * export function main(args: string[], io?: CommandIo): Promise<number> {
 *   return runCommand(CMD, args, io, (v, io) => {
 *     io.out(`n = ${v.n}`);
 *     return 0;
 *   });
 * }
 * ```
 */
export async function runCommand<
  C extends CommandSpec<Record<string, FlagSpec>, Record<string, PositionalSpec>>,
>(
  spec: C,
  args: readonly string[],
  io: CommandIo | Io | undefined,
  body: CommandBody<C>,
): Promise<number> {
  const full = commandIo(io);
  let values: CommandValues<C>;
  try {
    const r = parseCommand(spec, args, { cwd: full.cwd, home: full.env("HOME") });
    if (r.help) {
      full.out(usageText(spec));
      return 0;
    }
    values = r.values;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    full.err(`error: ${e.message}\n${synopsis(spec)}\n(${spec.name} --help lists every option)`);
    return 2;
  }
  try {
    return await body(values, full);
  } catch (e) {
    full.err(`error: ${errorMessage(e)}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
