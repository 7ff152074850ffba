/**
 * How long the pages of a report take to open in headless Chromium (navigation to the
 * images of the first screen), and whether they open cleanly:
 * `deno run -A lib/report/measure_open.ts <report folder or .html> [page ...]`.
 * @module
 */
import { join, resolve } from "node:path";
import { withBrowser } from "./browser.ts";

if (import.meta.main) {
  const [target, ...rest] = Deno.args;
  if (!target) throw new Error("usage: measure_open.ts <report folder or file.html> [page ...]");
  const path = resolve(target);
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
      console.log(
        `${single ? path : p}: load ${Math.round(r.loadMs)} ms, first screen ready ${
          Math.round(r.readyMs)
        } ms, ` +
          `${r.images} images, ${r.errors.length} errors${r.errors.length ? `: ${r.errors.join("; ")}` : ""}`,
      );
    }
  });
}
