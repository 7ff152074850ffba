/**
 * `deno task demo`: the whole pipeline on six real group photos shipped in the npm package
 * `@vladmandic/face-api@1.7.15`, fetched with `npm pack` on first use, into reports/demo/.
 * @module
 */
import { QUIET_FLAG } from "../flags/common_flags.ts";
import { DEVICE_FLAG } from "../models/flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { runPipeline } from "../pipeline/run.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { DEMO_PACKAGE, ensureDemoPhotos } from "../util/demo_photos.ts";
import { printSummary } from "./run.ts";

/** The arguments of `deno task demo`. */
export const DEMO_COMMAND = defineCommand({
  name: "deno task demo",
  summary: `Run the whole pipeline on six real group photos (from the npm package ${DEMO_PACKAGE}, ` +
    "fetched once) into reports/demo/",
  flags: { device: DEVICE_FLAG, quiet: QUIET_FLAG },
  positionals: {
    out: { type: "path", default: "reports/demo", placeholder: "dir", help: "output folder" },
  },
});

/** Entry point: returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(DEMO_COMMAND, args, io, async (v, io) => {
    const dir = await ensureDemoPhotos(undefined, (l) => io.err(l));
    const summary = await runPipeline(new LocalFolderSource(dir), {
      out: v.out,
      title: "Demo: six group photos",
      device: v.device,
      progress: !v.quiet,
      log: (l) => io.err(l),
    });
    printSummary(summary, v.out, io);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
