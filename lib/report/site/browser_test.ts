/**
 * Real-browser tests of the exploration report with headless Chromium: the demo report (made
 * here from the demo photos plus hostile-named copies) and, when present, the LFW report.
 * Every page must open with no console error, exception, failed request or dialog, and every
 * image must load; hostile file names must come out as text. Screenshots go to
 * reports/screenshots/.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { ensureDemoPhotos } from "../../util/demo_photos.ts";
import { runPipeline } from "../../pipeline/run.ts";
import { LocalFolderSource } from "../../sources/local.ts";
import { runSweep } from "../../sweep/runner.ts";
import { type Browser, findChromium, withBrowser } from "../_testing/browser.ts";
import { loadRun } from "../run_data.ts";
import { writeSite } from "./site.ts";
import { loadSweep } from "../sweep_data.ts";

const chromium = await findChromium();
if (!chromium) {
  console.log(
    "browser tests skipped: chromium not found (Debian: apt-get install chromium; or set CHROMIUM)",
  );
}
const ROOT = new URL("../../../", import.meta.url).pathname;
const SHOTS = join(ROOT, "reports", "screenshots");
const HOSTILE_FILE = "<img src=x onerror=alert(1)>.jpg";
const HOSTILE_FOLDER = `"quotes" & 'apostrophes' <b>`;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  jpg: "image/jpeg",
  png: "image/png",
};

/** A minimal static file server for `root` on a free local port (any static server will do). */
function serveStatic(root: string): { url: string; server: Deno.HttpServer } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      const body = await Deno.readFile(join(root, path === "/" ? "index.html" : path));
      return new Response(body, {
        headers: { "content-type": TYPES[path.split(".").pop()!] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, server };
}

/** Opens each page, asserting a clean load; returns the load times in ms. */
async function checkPages(
  b: Browser,
  base: string,
  pages: string[],
  shotPrefix: string,
): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const page of pages) {
    const r = await b.open(`${base}${page}`, {
      screenshot: join(SHOTS, `${shotPrefix}-${page.replace(/\.html$/, "").replace(/[^\w-]/g, "_")}.png`),
    });
    assert.deepEqual(r.errors, [], `${page}: errors`);
    assert.deepEqual(r.brokenImages, [], `${page}: images that did not load`);
    times[page] = Math.round(r.readyMs);
  }
  return times;
}

Deno.test({
  name: "browser: the demo report (with hostile file names) opens cleanly in chromium",
  ignore: !chromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "report-browser-" });
    try {
      // The demo photos, plus mirrored copies under hostile names (new bytes, so new faces).
      const demo = await ensureDemoPhotos();
      const photos = join(dir, "photos");
      await Deno.mkdir(join(photos, HOSTILE_FOLDER), { recursive: true });
      for await (const e of Deno.readDir(demo)) {
        if (e.isFile && e.name.endsWith(".jpg")) {
          await Deno.copyFile(join(demo, e.name), join(photos, e.name));
        }
      }
      await sharp(join(demo, "sample1.jpg")).flop().jpeg({ quality: 90 }).toFile(join(photos, HOSTILE_FILE));
      await sharp(join(demo, "sample2.jpg")).flop().jpeg({ quality: 90 }).toFile(
        join(photos, HOSTILE_FOLDER, "<b>bold.jpg"),
      );
      const runDir = join(dir, "run");
      await runPipeline(new LocalFolderSource(photos), {
        out: runDir,
        title: "Demo <i>with</i> hostile names",
        log: () => {},
        progress: false,
      });
      await Deno.writeTextFile(
        join(dir, "sweep.json"),
        JSON.stringify({
          seeds: [1],
          sample: 100,
          methods: [
            {
              method: "agglomerative",
              grid: { linkage: ["average", "complete"], threshold: [0.4, 0.5, 0.6, 0.7] },
            },
            { method: "chinese-whispers", params: { neighbours: 8 }, grid: { threshold: [0.3, 0.4, 0.5] } },
          ],
        }),
      );
      await runSweep({
        embeddings: join(runDir, "embeddings"),
        config: join(dir, "sweep.json"),
        out: join(runDir, "sweep"),
        workers: 1,
        log: () => {},
      });
      const run = await loadRun(runDir);
      const sweep = await loadSweep(join(runDir, "sweep"));
      const site = join(dir, "site");
      await writeSite(site, run, { sweep });
      const single = join(dir, "demo-single.html");
      await writeSite(single, run, { sweep, singleFile: true });
      await Deno.mkdir(SHOTS, { recursive: true });

      const hostileRow = run.faces.findIndex((f) => f.path === HOSTILE_FILE);
      await withBrowser(async (b) => {
        const pages = ["index", "map", "gallery", "merges", "splits", "unassigned", "sweep", "files"];
        const clusterPages = [...Deno.readDirSync(site)].map((e) => e.name).filter((n) =>
          /^cluster-\d+\.html$/.test(n)
        );
        await checkPages(b, `file://${site}/`, [
          ...pages.map((p) => `${p}.html`),
          ...clusterPages.slice(0, 3),
        ], "demo");
        await checkPages(b, `file://${single}`, ["", "#gallery", "#map", "#sweep"], "demo-single");
        // The same folder from a static web server.
        const { url, server } = serveStatic(site);
        try {
          await checkPages(
            b,
            url,
            ["index.html", "map.html", "gallery.html", "unassigned.html"],
            "demo-http",
          );
        } finally {
          await server.shutdown();
        }

        // Hostile names are text: no element made of them, the text shown as is.
        const hostileShown = async (page: string) => {
          const r = await b.open(
            `file://${site}/${page}`,
            {},
            (s) =>
              b.evaluate<{ imgX: number; bold: number; text: boolean }>(
                s,
                `({ imgX: document.querySelectorAll('img[src="x"]').length,
                  bold: document.querySelectorAll("main b").length - document.querySelectorAll("main .stat b, main p b, main h3 b").length,
                  text: document.body.innerText.includes(${JSON.stringify(HOSTILE_FILE)}) })`,
              ),
          );
          assert.deepEqual(r.errors, [], page);
          return r.inspected!;
        };
        assert.equal((await hostileShown("index.html")).imgX, 0);
        if (hostileRow >= 0) {
          const c = run.clusters[hostileRow];
          const page = c >= 0 ? `cluster-${c}.html` : "unassigned.html";
          const seen = await hostileShown(page);
          assert.equal(seen.imgX, 0, page);
          assert.ok(seen.text, `${page} shows the hostile name as text`);

          // Hovering the face on the map shows its name, as text, in the tooltip.
          const tip = await b.open(`file://${site}/map.html`, {}, async (s) => {
            const [x, y] = await b.evaluate<[number, number]>(
              s,
              `(() => {
                const d = JSON.parse(document.getElementById("map-data").textContent);
                const svg = document.getElementById("atlas");
                svg.scrollIntoView();
                const r = svg.getBoundingClientRect();
                return [r.left + d.xy[${2 * hostileRow}] * r.width / d.w, r.top + d.xy[${
                2 * hostileRow + 1
              }] * r.height / d.h];
              })()`,
            );
            await b.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y }, s);
            return await b.evaluate<{ hidden: boolean; name: string; imgs: number; face: string }>(
              s,
              `(() => { const t = document.getElementById("map-tip");
                return { hidden: t.hidden, name: t.querySelector(".name").textContent,
                         imgs: t.querySelectorAll("img").length, face: t.querySelector(".face").style.backgroundImage }; })()`,
            );
          });
          assert.deepEqual(tip.errors, []);
          assert.equal(tip.inspected!.hidden, false);
          assert.equal(tip.inspected!.name, `${HOSTILE_FILE} · face ${run.faces[hostileRow].face}`);
          assert.equal(tip.inspected!.imgs, 0);
          assert.match(tip.inspected!.face, /^url\("assets\/(cluster|unassigned)-\d+(-\d+)?\.jpg"\)$/);
        } else {
          console.log(
            "browser test: the pipeline found no face in the hostile-named photo; name checks limited",
          );
        }
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const LFW_DATA = join(ROOT, "..", "shared", "datasets", "lfw");
const LFW_SITE = join(ROOT, "reports", "lfw");
function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}
const haveLfw = exists(join(LFW_DATA, "images_deepfunneled"));
if (chromium && !haveLfw) console.log(`LFW browser test skipped: ${LFW_DATA} is absent`);
/** Photos of the LFW run built by the test (people with 2+ photos first, then everyone else). */
const LFW_PHOTOS = Number(Deno.env.get("FACEGROUP_LFW_BROWSER_PHOTOS") ?? 1200);

Deno.test({
  name: "browser: an LFW report (run here on real labelled photos) opens cleanly in chromium",
  ignore: !chromium || !haveLfw,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const dir = await Deno.makeTempDir({ prefix: "lfw-browser-" });
    try {
      // A real LFW run: the first people in name order, all their photos, until LFW_PHOTOS.
      const base = new LocalFolderSource(join(LFW_DATA, "images_deepfunneled"), { labelsFromFolders: true });
      const source = {
        description: `${base.description} (first ${LFW_PHOTOS} photos)`,
        async *list() {
          let n = 0;
          for await (const r of base.list()) {
            if (n++ >= LFW_PHOTOS) break;
            yield r;
          }
        },
        read: base.read.bind(base),
      };
      const run = join(dir, "run");
      await runPipeline(source, { out: run, storeDir: join(dir, "store"), progress: false, log: () => {} });
      const site = join(dir, "site");
      await writeSite(site, await loadRun(run), {});
      const single = join(dir, "lfw.html");
      await writeSite(single, await loadRun(run), { singleFile: true });
      await withBrowser(async (b) => {
        const pages = ["index", "map", "gallery", "cluster-0", "merges", "splits", "unassigned", "sweep"]
          .map((p) => `${p}.html`).filter((p) => exists(join(site, p)));
        assert.ok(pages.length >= 6, `pages: ${pages}`);
        const times = await checkPages(b, `file://${site}/`, pages, "lfw");
        console.log(
          `LFW report (${LFW_PHOTOS} photos), ms until the first screen's images are in: ${
            JSON.stringify(times)
          }`,
        );
        await checkPages(b, `file://${single}`, [""], "lfw-single");
        // A full LFW report made by hand (deno task report --run <lfw run> --name lfw) is checked too.
        if (exists(join(LFW_SITE, "index.html"))) {
          await checkPages(
            b,
            `file://${LFW_SITE}/`,
            pages.filter((p) => exists(join(LFW_SITE, p))),
            "lfw-full",
          );
        }
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
