import assert from "node:assert/strict";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { sampleSweepRows } from "../../viz/fixtures.ts";
import { loadRun, runData } from "../run_data.ts";
import { writeSite } from "./site.ts";
import { HOSTILE_NAMES, writeSyntheticRun } from "../_testing/synthetic_run.ts";
import { sweepData } from "../sweep_data.ts";

/** The little of the DOM these tests use. */
interface El {
  id: string;
  textContent: string;
  getAttribute(name: string): string | null;
  getAttributeNames(): string[];
  getElementById(id: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & ArrayLike<El>;
}

function domOf(text: string): El {
  return (parseHTML(text) as unknown as { document: El }).document;
}

const ALLOWED_URLS = new Set(["https://drive.example.test/file/d/abc/view", "http://www.w3.org/2000/svg"]);

async function sha256Base64(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...d));
}

/** Checks that a page is self-contained and safe; returns its document. */
async function checkPage(name: string, text: string): Promise<El> {
  assert.ok(text.startsWith("<!DOCTYPE html>"), name);
  const lower = text.toLowerCase().replace('<link rel="icon" href="data:,">', "");
  for (const bad of ["<link", "<iframe", "<object", "<embed", "@import", "javascript:", "<img src=x"]) {
    assert.ok(!lower.includes(bad), `${name} contains ${bad}`);
  }
  assert.ok(!text.includes(HOSTILE_NAMES.script), `${name}: raw </script> name`);
  for (const m of text.matchAll(/https?:\/\/[^"'<>\s)]*/g)) {
    assert.ok(ALLOWED_URLS.has(m[0]), `${name}: ${m[0]}`);
  }
  const { document } = parseHTML(text) as unknown as { document: El };
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) assert.ok(!attr.startsWith("on"), `${name}: ${attr}`);
  }
  // Every executable script is allowed by its hash, and only those.
  const csp = document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')[0].getAttribute(
    "content",
  )!;
  assert.match(csp, /default-src 'none'/);
  const scripts = [...document.querySelectorAll("script")].filter((s) => !s.getAttribute("type"));
  for (const s of scripts) {
    assert.ok(csp.includes(`'sha256-${await sha256Base64(s.textContent)}'`), `${name}: hash`);
  }
  if (scripts.length === 0) assert.ok(!csp.includes("script-src"), `${name}: script-src without scripts`);
  return document;
}

Deno.test("writeSite: a folder of linked, escaped, self-contained pages and a single file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "site-test-" });
  try {
    await writeSyntheticRun(join(dir, "run"), { faces: 220, people: 24, hostile: true, seed: 3 });
    const run = await loadRun(join(dir, "run"));
    const sweep = sweepData(sampleSweepRows());
    const out = join(dir, "site");
    // Leftovers of an earlier report: its pages go, other files stay.
    await Deno.mkdir(join(out, "assets"), { recursive: true });
    await Deno.writeTextFile(join(out, "cluster-999.html"), "old");
    await Deno.writeTextFile(join(out, "assets", "cluster-999-1.jpg"), "old");
    await Deno.writeTextFile(join(out, "notes.txt"), "mine");

    const res = await writeSite(out, run, { sweep, seed: 2, clustersPerPage: 10 });
    assert.equal(res.entry, join(out, "index.html"));
    const names = [...Deno.readDirSync(out)].filter((e) => e.isFile).map((e) => e.name);
    assert.ok(!names.includes("cluster-999.html"));
    assert.ok(names.includes("notes.txt"));
    assert.throws(() => Deno.statSync(join(out, "assets", "cluster-999-1.jpg")));
    const clusterIds = [...new Set(run.clusters)].filter((c) => c >= 0);
    for (
      const p of ["index", "map", "gallery", "gallery-2", "merges", "splits", "unassigned", "sweep", "files"]
    ) {
      assert.ok(names.includes(`${p}.html`), p);
    }
    for (const c of clusterIds) assert.ok(names.includes(`cluster-${c}.html`), `cluster ${c}`);

    const pages = new Map(
      names.filter((n) => n.endsWith(".html")).map((n) => [n, Deno.readTextFileSync(join(out, n))]),
    );
    let escapedSeen = 0;
    for (const [name, text] of pages) {
      const doc = await checkPage(name, text);
      if (text.includes("&lt;img src=x onerror=alert(1)&gt;.jpg")) escapedSeen++;
      for (const a of doc.querySelectorAll("a[href]")) {
        const href = a.getAttribute("href")!;
        if (/^https?:/.test(href)) {
          assert.equal(a.getAttribute("rel"), "noopener noreferrer");
          continue;
        }
        assert.ok(pages.has(href.split("#")[0]), `${name}: broken link ${href}`);
      }
      for (const img of doc.querySelectorAll("img")) {
        const src = img.getAttribute("src")!;
        assert.match(src, /^assets\/[a-z0-9-]+\.(jpg|png)$/);
        assert.ok(Deno.statSync(join(out, src)).isFile, `${name}: missing ${src}`);
      }
      assert.equal(text.includes("<script>"), name === "map.html", `${name}: scripts`);
    }
    assert.ok(escapedSeen >= 3, `hostile file name shown escaped on ${escapedSeen} pages`);
    // How faces were found is on the overview, escaped like everything else.
    assert.ok(pages.get("index.html")!.includes("Face detection"));
    assert.ok(pages.get("index.html")!.includes("<code>&lt;b&gt;auto&lt;/b&gt;</code>"));
    assert.ok(
      pages.get("index.html")!.includes("Synthetic &lt;i&gt;run&lt;/i&gt; &amp; &quot;friends&quot;"),
    );
    assert.ok(pages.get("index.html")!.includes("bcubedF1"));
    assert.ok(
      pages.get("sweep.html")!.includes("agglomerative") &&
        pages.get("sweep.html")!.includes("k must be &gt;= 1"),
    );

    // The map's data: plain text names, a thumbnail for every face, sheets that exist.
    const { document } = parseHTML(pages.get("map.html")!) as unknown as { document: El };
    const data = JSON.parse(document.getElementById("map-data")!.textContent);
    assert.equal(data.names.length, run.faces.length);
    assert.ok(data.names.includes(`${HOSTILE_NAMES.folder}/${HOSTILE_NAMES.file} · face 0`));
    assert.ok(data.tiles.every((t: unknown) => Array.isArray(t)));
    for (const [ref] of data.sheets) assert.ok(Deno.statSync(join(out, ref)).isFile);
    assert.deepEqual(data.cluster, Array.from(run.clusters));

    // One file: everything inline, every anchor has its target, the map finds its sheets.
    const file = join(dir, "one.html");
    const single = await writeSite(file, run, { sweep, seed: 2, singleFile: true });
    assert.deepEqual(single.files, [file]);
    const text = Deno.readTextFileSync(file);
    assert.equal(single.bytes, new TextEncoder().encode(text).length);
    const doc = await checkPage("one.html", text);
    assert.ok(!text.includes('src="assets/'));
    assert.ok(text.includes('src="data:image/jpeg;base64,'));
    const ids = new Set([...doc.querySelectorAll("[id]")].map((e) => e.id));
    for (const a of doc.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href")!;
      if (!/^https?:/.test(href)) {
        assert.ok(href.startsWith("#") && ids.has(href.slice(1)), `one.html: ${href}`);
      }
    }
    const one = JSON.parse(doc.getElementById("map-data")!.textContent);
    for (const [ref] of one.sheets) assert.ok(ids.has(ref.slice(1)), ref);
    assert.ok(text.includes("&lt;img src=x onerror=alert(1)&gt;.jpg"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeSite copes with runs of 0 to 5 faces, with and without labels", async () => {
  const dir = await Deno.makeTempDir({ prefix: "site-edge-" });
  try {
    for (const n of [0, 1, 3, 5]) {
      const x = {
        data: new Float32Array(n * 4).map((_, i) => (i % 4 === (i >> 2) % 2 ? 1 : 0)),
        rows: n,
        cols: 4,
      };
      const faces = Array.from(
        { length: n },
        (_, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `i${i}`, label: `L${i % 2}` }),
      );
      const run = runData({
        name: "edge",
        x,
        faces,
        labels: Int32Array.from({ length: n }, (_, i) => (i < 2 ? 0 : i)),
      });
      const folder = await writeSite(join(dir, `f${n}`), run);
      for (const f of folder.files.filter((f) => f.endsWith(".html"))) {
        await checkPage(f, Deno.readTextFileSync(f));
      }
      const one = await writeSite(join(dir, `s${n}.html`), run, { singleFile: true });
      await checkPage(one.entry, Deno.readTextFileSync(one.entry));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeSite speaks plainly: metric names in words, pages named for what they list, assignments.csv", async () => {
  const dir = await Deno.makeTempDir({ prefix: "site-words-" });
  try {
    const runDir = join(dir, "run");
    await writeSyntheticRun(runDir, { faces: 160, people: 16, seed: 5 });
    const csv = "path,face,x,y,w,h,score,cluster\r\na.jpg,0,1,2,3,4,0.9,0\r\n";
    await Deno.writeTextFile(join(runDir, "assignments.csv"), csv);
    const run = await loadRun(runDir);
    const out = join(dir, "site");
    const res = await writeSite(out, run, { runDir, seed: 2 });
    // The CSV is copied beside the pages and linked from the overview and the files page.
    assert.equal(Deno.readTextFileSync(join(out, "assignments.csv")), csv);
    assert.ok(res.files.includes(join(out, "assignments.csv")));
    const page = (n: string) => domOf(Deno.readTextFileSync(join(out, n)));
    for (const name of ["index.html", "files.html"]) {
      const links = [...page(name).querySelectorAll('a[href="assignments.csv"]')];
      assert.equal(links.length, 1, name);
    }
    const index = Deno.readTextFileSync(join(out, "index.html"));
    // Every metric row: a plain name, the technical name beneath, a sentence in words.
    const rows = [...page("index.html").querySelectorAll("table.metrics tr")].slice(1);
    assert.ok(rows.length >= 10, `metric rows: ${rows.length}`);
    for (const r of page("index.html").querySelectorAll("table.metrics td:nth-child(3)")) {
      // Sentences in words, not the registry's definitions ("items", "NaN unless ...").
      assert.match(r.textContent, /^\S.{20,}\.( (Higher|Lower) is better\.)?$/, r.textContent);
      assert.ok(!/\bitems\b|NaN|non-noise/.test(r.textContent), r.textContent);
      assert.ok(r.getAttribute("title")!.length > 10, "the exact definition on hover");
    }
    for (const words of ["Clusters hold one person", "People kept together", "Separation of the clusters"]) {
      assert.ok(index.includes(words), words);
    }
    assert.ok(!index.includes("singletonShare"), "no always-zero share of lone faces with clusters of 2+");
    // The pages that list possible mistakes are named for what they list.
    const merges = page("merges.html"), splits = page("splits.html");
    assert.equal(merges.querySelectorAll("h1")[0].textContent, "Clusters that may hold two people");
    assert.equal(splits.querySelectorAll("h1")[0].textContent, "Clusters that may be one person");
    const nav = [...merges.querySelectorAll("nav a")].map((a) => a.textContent);
    assert.ok(nav.includes("May hold two people") && nav.includes("May be one person"), nav.join(", "));
    assert.ok(!index.includes("Possible merges") && !index.includes("Possible splits"));
    // The two-people page shows clusters split into two sub-groups; the one-person page pairs.
    assert.ok(merges.querySelectorAll(".pair h4")[0].textContent.startsWith("Sub-group A"));
    assert.match(splits.querySelectorAll(".card h3")[0].textContent, /^Clusters \d+ and \d+/);

    // The single file says what it contains, and where the CSV is.
    const one = join(dir, "one.html");
    await writeSite(one, run, { runDir, singleFile: true });
    const text = Deno.readTextFileSync(one);
    const doc = domOf(text);
    const intro = doc.querySelectorAll("#index .intro")[0];
    assert.ok(intro, "an introduction on the single file");
    assert.match(intro.textContent, /What this file contains/);
    assert.match(
      intro.textContent,
      /assignments\.csv.*is in the run folder, run\/assignments\.csv, not in this file/s,
    );
    assert.equal(doc.querySelectorAll('a[href="assignments.csv"]').length, 0);
    // A folder report has no such introduction.
    assert.equal(page("index.html").querySelectorAll(".intro").length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
