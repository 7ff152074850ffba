/**
 * How long the pages of a report take to open in headless Chromium (navigation to the
 * images of the first screen), and whether they open cleanly:
 * `deno run -A lib/report/_testing/measure_open.ts <report folder or .html> [page ...]`.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";
import { withBrowser } from "./browser.ts";

/** The arguments of `deno run -A lib/report/_testing/measure_open.ts`. */
export const MEASURE_OPEN_COMMAND = defineCommand({
  name: "deno run -A lib/report/_testing/measure_open.ts",
  summary: "How long a report's pages take to open in headless Chromium, and whether they open cleanly",
  flags: {},
  positionals: {
    report: { type: "path", required: true, help: "report folder or single .html file" },
    pages: { type: "list", rest: true, defaultText: "the main pages", help: "pages of the folder to open" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(MEASURE_OPEN_COMMAND, args, io, async (v, io) => {
    const path = v.report, rest = v.pages;
    const single = path.endsWith(".html");
    const pages = single ? [""] : rest.length ? rest : [
      "index.html",
      "map.html",
      "gallery.html",
      "cluster-0.html",
      "merges.html",
      "splits.html",
      "unassigned.html",
      "sweep.html",
    ];
    const exists = (p: string) => {
      try {
        return Deno.statSync(join(path, p)).isFile;
      } catch {
        return false;
      }
    };
    await withBrowser(async (b) => {
      for (const p of pages.filter((p) => single || exists(p))) {
        const url = single ? `file://${path}` : `file://${join(path, p)}`;
        const r = await b.open(url, { allImages: false });
        io.out(
          `${single ? path : p}: load ${Math.round(r.loadMs)} ms, first screen ready ${
            Math.round(r.readyMs)
          } ms, ` +
            `${r.images} images, ${r.errors.length} errors${
              r.errors.length ? `: ${r.errors.join("; ")}` : ""
            }`,
        );
      }
    });
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
