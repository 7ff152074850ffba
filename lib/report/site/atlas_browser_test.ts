/**
 * The face atlas (the report's map page) in headless Chromium: faces are dots in the overview
 * and thumbnails once zoomed in, the wheel zooms about the pointer, a drag pans, a shift-drag
 * box lists the faces inside it (file names as text), far outliers are pinned to the border.
 * Screenshots go to reports/screenshots/atlas-*.png. Skipped, with a message, without
 * Chromium.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Browser, findChromium, withBrowser } from "../_testing/browser.ts";
import { loadRun } from "../run_data.ts";
import { writeSite } from "./site.ts";
import { HOSTILE_NAMES, writeSyntheticRun } from "../_testing/synthetic_run.ts";
import { seededRandom } from "../../util/random.ts";
import type { Layout } from "../../viz/umap.ts";

const chromium = await findChromium();
if (!chromium) {
  console.log(
    "atlas browser test skipped: chromium not found (Debian: apt-get install chromium; or set CHROMIUM)",
  );
}
const SHOTS = join(new URL("../../../", import.meta.url).pathname, "reports", "screenshots");

/** A layout of `n` faces: one blob per person, and the last face far away from everything. */
function blobLayout(truth: Int32Array, seed: number): Layout {
  const random = seededRandom(seed);
  const n = truth.length, xy = new Float32Array(2 * n);
  const centres = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    let c = centres.get(truth[i]);
    if (!c) centres.set(truth[i], c = [random() * 40, random() * 28]);
    xy[2 * i] = c[0] + (random() - 0.5) * 2;
    xy[2 * i + 1] = c[1] + (random() - 0.5) * 2;
  }
  xy.set([5000, -3000], 2 * (n - 1));
  return { xy, n };
}

/** Waits two animation frames (the atlas draws on the next one). */
function frames(b: Browser, s: string): Promise<unknown> {
  return b.evaluate(s, "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
}

interface AtlasState {
  visible: number;
  thumbs: number;
  status: string;
  rect: [number, number, number, number];
}

function state(b: Browser, s: string): Promise<AtlasState> {
  return b.evaluate<AtlasState>(
    s,
    `(() => { const c = document.getElementById("atlas"); const r = c.getBoundingClientRect();
      return { visible: Number(c.dataset.visible), thumbs: Number(c.dataset.thumbs),
               status: document.getElementById("atlas-status").textContent,
               rect: [r.left, r.top, r.width, r.height] }; })()`,
  );
}

Deno.test({
  name: "browser: the face atlas zooms, pans, lists a box selection and pins outliers",
  ignore: !chromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "atlas-browser-" });
    try {
      await writeSyntheticRun(join(dir, "run"), { faces: 3000, people: 150, hostile: true, seed: 4 });
      const run = await loadRun(join(dir, "run"));
      const layout = blobLayout(run.truth!, 4);
      const site = join(dir, "site");
      await writeSite(site, run, { layout, seed: 1 });
      const single = join(dir, "one.html");
      await writeSite(single, run, { layout, seed: 1, singleFile: true });
      await Deno.mkdir(SHOTS, { recursive: true });
      const hostile = run.faces.findIndex((f) => f.path.endsWith(HOSTILE_NAMES.file));
      assert.ok(hostile >= 0 && hostile < run.faces.length - 1, "the synthetic run has a hostile-named face");

      await withBrowser(async (b) => {
        const r = await b.open(
          `file://${site}/map.html`,
          { screenshot: join(SHOTS, "atlas-overview.png") },
          async (s) => {
            await frames(b, s);
            const d = await b.evaluate<{ w: number; h: number; xy: number[]; pinned: number[] }>(
              s,
              `(() => { const d = JSON.parse(document.getElementById("map-data").textContent);
                return { w: d.w, h: d.h, xy: d.xy, pinned: d.pinned }; })()`,
            );
            const start = await state(b, s);
            const [left, top, width] = start.rect;
            const f = width / d.w;
            const at = (
              row: number,
            ): [number, number] => [left + d.xy[2 * row] * f, top + d.xy[2 * row + 1] * f];

            // Box selection (shift-drag) around the hostile-named face, before any zoom.
            const [hx, hy] = at(hostile);
            const [x0, y0, x1, y1] = [hx - 12, hy - 12, hx + 12, hy + 12];
            const expected = d.xy.flatMap((_, i) =>
              i < d.xy.length / 2 && within(at(i), [x0, y0, x1, y1]) ? [i] : []
            );
            await b.send("Input.dispatchMouseEvent", {
              type: "mousePressed",
              x: x0,
              y: y0,
              button: "left",
              buttons: 1,
              clickCount: 1,
              modifiers: 8,
            }, s);
            for (const t of [0.3, 0.7, 1]) {
              await b.send("Input.dispatchMouseEvent", {
                type: "mouseMoved",
                x: x0 + (x1 - x0) * t,
                y: y0 + (y1 - y0) * t,
                button: "left",
                buttons: 1,
                modifiers: 8,
              }, s);
            }
            await b.send("Input.dispatchMouseEvent", {
              type: "mouseReleased",
              x: x1,
              y: y1,
              button: "left",
              buttons: 0,
              clickCount: 1,
              modifiers: 8,
            }, s);
            const listed = await b.evaluate<
              {
                rows: number[];
                names: string[];
                links: string[];
                imgs: number;
                count: string;
                thumbs: number;
              }
            >(
              s,
              `(() => { const l = document.getElementById("atlas-list"); const items = [...l.querySelectorAll("li")];
                return { rows: items.map((li) => Number(li.dataset.row)),
                         names: items.map((li) => li.querySelector(".name").textContent),
                         links: items.map((li) => { const a = li.querySelector("a"); return a ? a.getAttribute("href") : ""; }),
                         imgs: l.querySelectorAll("img").length, count: l.querySelector(".count").textContent,
                         thumbs: items.filter((li) => li.querySelector(".face").style.backgroundImage.startsWith("url(")).length }; })()`,
            );
            await b.send("Page.captureScreenshot", { format: "png" }, s).then((shot) =>
              Deno.writeFile(
                join(SHOTS, "atlas-selection.png"),
                Uint8Array.from(atob((shot as { data: string }).data), (c) => c.charCodeAt(0)),
              )
            );

            // Zoom in with the wheel about the hostile face: fewer faces in view, thumbnails drawn.
            for (let z = 0; z < 6; z++) {
              await b.send(
                "Input.dispatchMouseEvent",
                { type: "mouseWheel", x: hx, y: hy, deltaX: 0, deltaY: -300 },
                s,
              );
            }
            await frames(b, s);
            await new Promise((res) => setTimeout(res, 300)); // sheets load, then a redraw
            await frames(b, s);
            const zoomed = await state(b, s);
            const shot = await b.send<{ data: string }>("Page.captureScreenshot", { format: "png" }, s);
            await Deno.writeFile(
              join(SHOTS, "atlas-zoomed.png"),
              Uint8Array.from(atob(shot.data), (c) => c.charCodeAt(0)),
            );
            // The face under the pointer stays under it while zooming: hovering there names it.
            await b.send("Input.dispatchMouseEvent", { type: "mouseMoved", x: hx, y: hy }, s);
            const tip = await b.evaluate<string>(s, `document.querySelector("#map-tip .name").textContent`);

            // A drag (no shift) pans: the same face is then found where it was dragged to.
            await b.send("Input.dispatchMouseEvent", {
              type: "mousePressed",
              x: hx,
              y: hy,
              button: "left",
              buttons: 1,
              clickCount: 1,
            }, s);
            for (const t of [0.25, 0.5, 1]) {
              await b.send("Input.dispatchMouseEvent", {
                type: "mouseMoved",
                x: hx + 150 * t,
                y: hy + 60 * t,
                button: "left",
                buttons: 1,
              }, s);
            }
            await b.send("Input.dispatchMouseEvent", {
              type: "mouseReleased",
              x: hx + 150,
              y: hy + 60,
              button: "left",
              buttons: 0,
              clickCount: 1,
            }, s);
            await frames(b, s);
            await b.send("Input.dispatchMouseEvent", { type: "mouseMoved", x: hx + 151, y: hy + 60 }, s);
            const panned = await b.evaluate<{ name: string; url: string }>(
              s,
              `({ name: document.querySelector("#map-tip .name").textContent, url: location.href })`,
            );
            return { d, start, expected, listed, zoomed, tip, panned };
          },
        );
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.brokenImages, []);
        const { d, start, expected, listed, zoomed, tip, panned } = r.inspected!;
        const n = run.faces.length;

        // Overview: every face in view as a dot (3,000 faces are too many to read).
        assert.equal(start.visible, n);
        assert.equal(start.thumbs, 0);
        // The outlier is pinned to the border and the rest keeps its room.
        assert.ok(d.pinned.includes(n - 1), `pinned: ${d.pinned}`);
        assert.ok(d.pinned.length <= 0.03 * n, `${d.pinned.length} pinned`);
        let xs = Infinity, xe = -Infinity;
        for (let i = 0; i < n - 1; i++) [xs, xe] = [Math.min(xs, d.xy[2 * i]), Math.max(xe, d.xy[2 * i])];
        assert.ok(xe - xs > 0.8 * d.w, `the bulk spans ${xe - xs} of ${d.w}`);

        // The box listed exactly the faces inside it, the hostile name as text, with cluster links.
        assert.ok(expected.includes(hostile));
        assert.deepEqual([...listed.rows].sort((a, b) => a - b), expected);
        assert.match(listed.count, new RegExp(`^${expected.length} faces? selected\\.$`));
        const k = listed.rows.indexOf(hostile);
        assert.equal(listed.names[k], `${run.faces[hostile].path} · face ${run.faces[hostile].face}`);
        assert.equal(listed.imgs, 0, "no element made of a file name");
        assert.equal(listed.thumbs, listed.rows.length, "every listed face has its thumbnail");
        listed.rows.forEach((row, i) => {
          const c = run.clusters[row];
          assert.equal(listed.links[i], c >= 0 ? `cluster-${c}.html` : "", `row ${row}`);
        });

        // Zoomed: fewer faces in view, now drawn as thumbnails; the hovered face is still there.
        assert.match(zoomed.status, /^zoom \d+(\.\d)?x · \d+ of 3000 faces in view$/);
        assert.ok(zoomed.visible < n / 4, `in view after zooming: ${zoomed.visible}`);
        assert.ok(zoomed.thumbs > 0 && zoomed.thumbs <= zoomed.visible, `thumbnails: ${zoomed.thumbs}`);
        assert.equal(tip, `${run.faces[hostile].path} · face ${run.faces[hostile].face}`);
        assert.equal(panned.name, tip, "after the drag the face is where it was dragged to");
        assert.ok(panned.url.endsWith("/map.html"), "a drag is not a click");

        // The single file: the same atlas, its sheets found in the file.
        const one = await b.open(
          `file://${single}#map`,
          { screenshot: join(SHOTS, "atlas-single.png") },
          async (s) => {
            await frames(b, s);
            return await state(b, s);
          },
        );
        assert.deepEqual(one.errors, []);
        assert.ok(one.inspected!.rect[2] > 300, `the map is shown: ${one.inspected!.rect}`);
        assert.equal(one.inspected!.visible, n);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function within([x, y]: [number, number], [x0, y0, x1, y1]: number[]): boolean {
  return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}
