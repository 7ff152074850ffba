/**
 * `deno run -A lib/bench/repeat_memory.ts [--runs N] [--photos DIR]`: the face stage (on the demo
 * photos, or the photos in DIR) run again and again in one
 * process (as a notebook kernel does when a cell is rerun), printing the process's resident
 * memory after each run. It should level off: each run's face workers free their models when
 * the run ends.
 * @module
 */
import process from "node:process";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";

/** The flags of `deno run -A lib/bench/repeat_memory.ts`. */
export const REPEAT_MEMORY_COMMAND = defineCommand({
  name: "deno run -A lib/bench/repeat_memory.ts",
  summary:
    "Benchmark: the face stage run again and again in one process, printing resident memory after each run",
  flags: {
    runs: { type: "integer", min: 1, default: 5, placeholder: "n", help: "runs" },
    photos: { type: "path", placeholder: "dir", defaultText: "the demo photos", help: "photo folder" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(REPEAT_MEMORY_COMMAND, args, io, async (v, io) => {
    const runs = v.runs;
    const photos = v.photos ?? await ensureDemoPhotos(undefined, (l) => io.err(l));
    const mib = () => process.memoryUsage().rss / 2 ** 20;
    io.out(`before: ${mib().toFixed(0)} MiB`);
    for (let i = 1; i <= runs; i++) {
      const store = await Deno.makeTempDir({ prefix: "repeat-memory-" });
      try {
        await embedPhotos(new LocalFolderSource(photos), { storeDir: store, progress: false, log: () => {} });
      } finally {
        await Deno.remove(store, { recursive: true });
      }
      await new Promise((r) => setTimeout(r, 300));
      io.out(`after run ${i}: ${mib().toFixed(0)} MiB resident`);
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
