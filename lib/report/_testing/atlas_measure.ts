/**
 * How fast the face atlas (a report's map page) draws in headless Chromium: the time to open
 * the page, then the time of one redraw (the script's own `data-draw-ms`) in the overview and
 * at each zoom step about the centre, with the faces in view and the thumbnails drawn:
 * `deno run -A lib/report/_testing/atlas_measure.ts <report folder or single .html>`.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";
import { withBrowser } from "./browser.ts";

/** The arguments of `deno run -A lib/report/_testing/atlas_measure.ts`. */
export const ATLAS_MEASURE_COMMAND = defineCommand({
  name: "deno run -A lib/report/_testing/atlas_measure.ts",
  summary: "How fast a report's face atlas draws in headless Chromium, overview and zoomed in",
  flags: {
    steps: { type: "integer", min: 1, default: 6, placeholder: "n", help: "zoom steps (each about 1.6x)" },
  },
  positionals: {
    report: { type: "path", required: true, help: "report folder or single .html file" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(ATLAS_MEASURE_COMMAND, args, io, async (v, io) => {
    const url = v.report.endsWith(".html")
      ? `file://${v.report}#map`
      : `file://${join(v.report, "map.html")}`;
    await withBrowser(async (b) => {
      const r = await b.open(url, { allImages: false }, async (s) => {
        const lines: string[] = [];
        for (let step = 0; step <= v.steps; step++) {
          const m = await b.evaluate<{ ms: number; visible: number; thumbs: number; n: number }>(
            s,
            `(async () => {
              const c = document.getElementById("atlas"), r = c.getBoundingClientRect();
              const frame = () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
              const times = [];
              for (let i = 0; i < 7; i++) {
                c.dispatchEvent(new WheelEvent("wheel", { deltaY: ${
              step === 0 ? 0 : -300
            } * (i === 0 ? 1 : 0),
                  clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
                await frame();
                await new Promise((res) => setTimeout(res, i === 0 ? 400 : 0)); // sheets load
                await frame();
                times.push(Number(c.dataset.drawMs));
              }
              times.sort((a, b) => a - b);
              return { ms: times[3], visible: Number(c.dataset.visible), thumbs: Number(c.dataset.thumbs),
                       n: JSON.parse(document.getElementById("map-data").textContent).cluster.length };
            })()`,
          );
          lines.push(
            `${step === 0 ? "overview" : `zoom step ${step}`}: redraw ${m.ms.toFixed(1)} ms (median of 7), ` +
              `${m.visible} of ${m.n} faces in view, ${m.thumbs} thumbnails`,
          );
        }
        return lines;
      });
      io.out(
        `${url}: load ${Math.round(r.loadMs)} ms, ${r.errors.length} errors${
          r.errors.length ? `: ${r.errors.join("; ")}` : ""
        }`,
      );
      for (const l of r.inspected ?? []) io.out(l);
    });
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
