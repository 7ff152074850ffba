/**
 * How the learning benchmarks (`bench:learn-review`, `lib/bench/learn_augmented.ts`) write their
 * results: one JSON file with the date and the command line beside them.
 * @module
 */
import { join } from "node:path";
import type { Io } from "../flags/io.ts";

/**
 * Writes `{ date, args, results }` to `out` (pretty JSON, its folder created) and names the file
 * on standard error.
 */
export async function writeLearnResults(
  out: string,
  args: readonly string[],
  results: readonly unknown[],
  io: Pick<Io, "err">,
): Promise<void> {
  await Deno.mkdir(join(out, ".."), { recursive: true });
  await Deno.writeTextFile(
    out,
    JSON.stringify({ date: new Date().toISOString(), args, results }, null, 2) + "\n",
  );
  io.err(`written: ${out}`);
}
