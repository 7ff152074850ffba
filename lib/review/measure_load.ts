/**
 * How fast the review page is on a large run: writes a seeded synthetic run (25,000 faces by
 * default, 512-dimensional, drawn thumbnails) unless `--run` names one, opens it, serves it,
 * and measures in headless Chromium the time to open the page (load event, and every image of
 * the first screen in), to answer the cluster API, and to save a decision and show the page
 * again.
 * Run `deno run -A lib/review/measure_load.ts [--faces 25000] [--run dir]`.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { findChromium, withBrowser } from "../report/_testing/browser.ts";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import { serveReview } from "./server.ts";

/** The arguments of `deno run -A lib/review/measure_load.ts`. */
export const MEASURE_LOAD_COMMAND = defineCommand({
  name: "deno run -A lib/review/measure_load.ts",
  summary: "Measure the review page on a large run: start-up, API answers, page open in Chromium, a decision",
  flags: {
    faces: { type: "integer", min: 10, default: 25000, help: "faces of the synthetic run" },
    run: {
      type: "path",
      placeholder: "dir",
      help: "measure this run folder instead (its decisions.jsonl gets one line, then its undo)",
    },
  },
});

const ms = (t0: number) => Math.round(performance.now() - t0);

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(MEASURE_LOAD_COMMAND, args, io, async (v, io) => {
    const chromium = await findChromium();
    if (!chromium) {
      io.err("measure_load: no chromium (apt-get install chromium, or set $CHROMIUM); nothing measured");
      return 1;
    }
    const temp = v.run ? undefined : await Deno.makeTempDir({ prefix: "review-measure-" });
    const dir = v.run ?? join(temp!, "run");
    try {
      if (temp) {
        const t0 = performance.now();
        await writeSyntheticRun(dir, { faces: v.faces, people: Math.round(v.faces / 5), dim: 512 });
        io.out(`synthetic run of ${v.faces} faces written in ${ms(t0)} ms`);
      }
      let t0 = performance.now();
      const server = await serveReview(dir, { port: 0 });
      io.out(`open the run and serve it: ${ms(t0)} ms (${server.app.run.faces.length} faces)`);
      try {
        for (
          const q of [
            "api/summary",
            "api/clusters?limit=10&faces=40",
            "api/clusters?limit=10&order=uncertain",
          ]
        ) {
          t0 = performance.now();
          const r = await fetch(server.url + q);
          const bytes = (await r.arrayBuffer()).byteLength;
          io.out(`GET /${q}: ${ms(t0)} ms (${bytes} bytes)`);
        }
        await withBrowser(async (b) => {
          const first = await b.open(server.url, { allImages: false }, async (s) => {
            await b.evaluate(
              s,
              `new Promise((r) => { const c = () => document.body.dataset.ready ? r(0) : setTimeout(c, 10); c(); })`,
            );
            // Timed in the page: from the key press until the page shows the new counts and no
            // request is in flight (its clusters redrawn).
            const act = (key: string) =>
              b.evaluate<number>(
                s,
                `(async () => { const t = performance.now(); const before = document.getElementById("counts").textContent;
                document.dispatchEvent(new KeyboardEvent("keydown", { key: ${
                  JSON.stringify(key)
                }, bubbles: true }));
                while (document.getElementById("counts").textContent === before || document.body.dataset.busy)
                  await new Promise((r) => setTimeout(r, 2));
                return performance.now() - t; })()`,
              );
            const hideMs = Math.round(await act("h"));
            const undoMs = Math.round(await act("u"));
            const requests = await b.evaluate<string[]>(
              s,
              `performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/") && !e.name.includes("thumb"))
                .map((e) => new URL(e.name).pathname + " " + Math.round(e.duration) + " ms")`,
            );
            return {
              hideMs,
              undoMs,
              requests,
              images: await b.evaluate<number>(s, "document.images.length"),
            };
          });
          io.out(
            `page open in chromium: load event ${Math.round(first.loadMs)} ms, first screen of images in ${
              Math.round(first.readyMs)
            } ms (${first.inspected!.images} images on the page)`,
          );
          io.out(
            `hide a cluster (h) until the page shows it: ${first.inspected!.hideMs} ms; undo (u): ${
              first.inspected!.undoMs
            } ms`,
          );
          io.out(`API requests of the page (open, hide, undo): ${first.inspected!.requests.join(", ")}`);
          if (first.errors.length) io.err(`page errors: ${first.errors.join("; ")}`);
        }, { path: chromium });
      } finally {
        await server.close();
      }
      return 0;
    } finally {
      if (temp) await Deno.remove(temp, { recursive: true });
    }
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
