/**
 * `deno run -A lib/bench/repeat_memory.ts [--runs N] [--photos DIR]`: the face stage (on the demo
 * photos, or the photos in DIR) run again and again in one
 * process (as a notebook kernel does when a cell is rerun), printing the process's resident
 * memory after each run. It should level off: each run's face workers free their models when
 * the run ends.
 * @module
 */
import process from "node:process";
import { parseCli } from "../cli/args.ts";
import { ensureDemoPhotos } from "../cli/demo.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";

const v = parseCli(
  Deno.args,
  { runs: { type: "string" }, photos: { type: "string" }, help: { type: "boolean" } },
  "usage: deno run -A lib/bench/repeat_memory.ts [--runs N] [--photos DIR]",
);
const runs = Math.max(1, Number(v.runs ?? 5) || 5);
const photos = v.photos ?? await ensureDemoPhotos();
const mib = () => process.memoryUsage().rss / 2 ** 20;
console.log(`before: ${mib().toFixed(0)} MiB`);
for (let i = 1; i <= runs; i++) {
  const store = await Deno.makeTempDir({ prefix: "repeat-memory-" });
  try {
    await embedPhotos(new LocalFolderSource(photos), { storeDir: store, progress: false, log: () => {} });
  } finally {
    await Deno.remove(store, { recursive: true });
  }
  await new Promise((r) => setTimeout(r, 300));
  console.log(`after run ${i}: ${mib().toFixed(0)} MiB resident`);
}
