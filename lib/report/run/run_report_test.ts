import assert from "node:assert/strict";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { safeHttpUrl } from "../../util/html.ts";
import { type RunReportOptions, writeRunReport } from "./run_report.ts";
import { sampleReport } from "../_testing/sample.ts";
import type { RunReport } from "../../run/types.ts";

const HOSTILE = "<img src=x onerror=alert(1)>.jpg";
const HOSTILE_ESC = "&lt;img src=x onerror=alert(1)&gt;.jpg";
const QUOTES = `"quotes" & 'apostrophes'.jpg`;
const QUOTES_ESC = "&quot;quotes&quot; &amp; &#39;apostrophes&#39;.jpg";

/** The little of the DOM these tests use (Deno has no DOM types). */
interface El {
  tagName: string;
  id: string;
  getAttribute(name: string): string | null;
  getAttributeNames(): string[];
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
}

/** Every .html page of a report folder, by file name: index.html first, then by name. */
function readPages(dir: string): Map<string, string> {
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".html")).map((e) =>
    e.name
  )
    .sort((a, b) =>
      Number(b === "index.html") - Number(a === "index.html") || a.localeCompare(b, "en", { numeric: true })
    );
  return new Map(names.map((n) => [n, Deno.readTextFileSync(join(dir, n))]));
}

/**
 * Checks the folder is self-contained and safe: no scripts or event handlers, no external
 * resources, every relative link and image exists, every page is reachable from index.html,
 * every asset is used, and the only absolute links are the report's own http(s) web URLs.
 * Returns the parsed pages.
 */
function checkFolder(dir: string, report: RunReport) {
  const pages = readPages(dir);
  const allowed = new Set(
    [...report.faces, ...report.noFace].map((f) => safeHttpUrl(f.webUrl)).filter((u) => u !== undefined),
  );
  const docs = new Map<string, El>();
  const linked = new Set<string>(["index.html"]);
  const usedAssets = new Set<string>();
  for (const [name, text] of pages) {
    assert.ok(text.startsWith("<!DOCTYPE html>"), name);
    for (
      const bad of ["<script", "<link", "<iframe", "<object", "<embed", "@import", "url(", "javascript:"]
    ) {
      assert.ok(!text.toLowerCase().includes(bad), `${name} contains ${bad}`);
    }
    for (const m of text.matchAll(/https?:\/\/[^"'<>\s]*/g)) {
      assert.ok(allowed.has(m[0]), `${name}: external URL ${m[0]}`);
    }
    const { document } = parseHTML(text) as unknown as { document: El };
    docs.set(name, document);
    for (const el of document.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames()) {
        assert.ok(!attr.startsWith("on"), `${name}: <${el.tagName} ${attr}>`);
      }
    }
    for (const a of document.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href")!;
      if (href.startsWith("#")) continue;
      if (/^https?:/.test(href)) {
        assert.ok(allowed.has(href), `${name}: link ${href}`);
        assert.equal(a.getAttribute("rel"), "noopener noreferrer");
        continue;
      }
      assert.ok(pages.has(href), `${name}: broken link ${href}`);
      linked.add(href);
    }
    for (const img of document.querySelectorAll("img")) {
      const src = img.getAttribute("src")!;
      assert.match(src, /^assets\/[a-z0-9-]+\.jpg$/);
      assert.ok(Deno.statSync(join(dir, src)).isFile, `${name}: missing ${src}`);
      assert.equal(img.getAttribute("loading"), "lazy");
      usedAssets.add(src);
    }
  }
  assert.deepEqual([...linked].sort(), [...pages.keys()].sort(), "every page is linked");
  let assets: string[] = [];
  try {
    assets = [...Deno.readDirSync(join(dir, "assets"))].map((e) => `assets/${e.name}`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  assert.deepEqual(assets.sort(), [...usedAssets].sort(), "every asset is used");
  return { pages, docs };
}

/** Text of the hover titles of every face tile, over all pages. */
function tileTitles(docs: Map<string, El>): string[] {
  return [...docs.values()].flatMap((d) =>
    [...d.querySelectorAll(".t")].map((t) => t.getAttribute("title")!)
  );
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function hostileReport(): Promise<RunReport> {
  const r = await sampleReport({ faces: 20, clusters: 3, unassignedFraction: 0.2, noFace: 2, errors: 2 });
  r.title = `Report ${HOSTILE}`;
  r.source = `folder ${QUOTES}`;
  r.method = `<b>m</b>`;
  r.params = { [HOSTILE]: QUOTES, nested: { x: "<script>" } };
  r.models = [HOSTILE];
  r.timings = { [QUOTES]: 1.5 };
  r.faces[0].path = HOSTILE; // in the largest cluster
  r.faces[0].webUrl = "javascript:alert(1)";
  r.faces[1].path = QUOTES;
  r.faces[r.faces.length - 1].path = `unassigned ${HOSTILE}`;
  r.noFace[0] = { path: HOSTILE, webUrl: "javascript:alert(1)" };
  r.noFace[1] = { path: QUOTES, webUrl: "JAVASCRIPT:alert(1)" };
  r.errors[0] = { path: HOSTILE, stage: "decode", message: `bad ${QUOTES}` };
  return r;
}

for (
  const [label, opts] of [
    ["default limits", {}],
    [
      "one item per page",
      { clustersPerPage: 1, facesPerPage: 2, unassignedOnIndex: 1, listOnIndex: 1, sheet: { maxTiles: 2 } },
    ],
  ] as [string, RunReportOptions][]
) {
  Deno.test(`hostile names are escaped in every place they appear (${label})`, async () => {
    const report = await hostileReport();
    await withDir(async (dir) => {
      await writeRunReport(dir, report, opts);
      const { pages, docs } = checkFolder(dir, report);
      if (Object.keys(opts).length > 0) {
        assert.ok(pages.has("clusters-3.html") && pages.has("unassigned-2.html"), [...pages.keys()].join());
        assert.ok(pages.has("no-face.html") && pages.has("errors.html"));
      }
      for (const [name, text] of pages) {
        assert.ok(!text.includes("<img src=x onerror"), `${name} holds the raw name`);
        assert.ok(!text.includes("<b>m</b>") && !text.includes(`"quotes"`), name);
        assert.ok(text.includes(`<title>Report ${HOSTILE_ESC}`), `${name}: <title>`);
        assert.ok(text.includes(`<h1>Report ${HOSTILE_ESC}</h1>`), `${name}: <h1>`);
      }
      const all = [...pages.values()].join("\n");
      for (
        const piece of [
          `title="${HOSTILE_ESC} · face 1"`, // hover text of a tile (the face without a link)
          `title="${QUOTES_ESC} · face 0"`,
          `title="unassigned ${HOSTILE_ESC} · face 0"`,
          `<code>${HOSTILE_ESC}</code>`, // name lists, no-face list, error table
          `<code>${QUOTES_ESC}</code>`,
          `<td>bad ${QUOTES_ESC}</td>`,
          `folder ${QUOTES_ESC}`,
          `Method: &lt;b&gt;m&lt;/b&gt;`,
          `<td>${HOSTILE_ESC}</td><td><code>${QUOTES_ESC}</code></td>`,
          `{&quot;x&quot;:&quot;&lt;script&gt;&quot;}`,
          `<td>${QUOTES_ESC}</td><td class="num">1.50</td>`,
        ]
      ) assert.ok(all.includes(piece), `missing ${piece}`);
      // Read back by a parser, the hover titles are exactly the original names (the index may
      // repeat a preview of the unassigned pages).
      const expected = new Set(report.faces.map((f) => `${f.path} · face ${f.face}`));
      assert.deepEqual(new Set(tileTitles(docs)), expected);
      // The javascript: links became plain text, not links.
      const index = docs.get("index.html")!;
      const noFaceItems = [...index.querySelectorAll("#no-face + ul li")];
      assert.ok(noFaceItems.length >= 1);
      for (const li of noFaceItems) assert.equal(li.querySelector("a"), null);
    });
  });
}

Deno.test("a report with no faces has one page, no assets, and says so", async () => {
  await withDir(async (dir) => {
    const report: RunReport = {
      title: "Empty",
      source: "folder /empty",
      models: [],
      createdAt: "2025-01-01",
      method: "agglomerative",
      params: {},
      images: 3,
      faces: [],
      noFace: [{ path: "a.jpg" }, { path: "b.jpg", webUrl: "https://x.test/b" }],
      errors: [{ path: "c.jpg", stage: "decode", message: "corrupt" }],
    };
    const { files } = await writeRunReport(dir, report);
    assert.deepEqual(files, [join(dir, "index.html")]);
    const { pages } = checkFolder(dir, report);
    const text = pages.get("index.html")!;
    assert.ok(text.includes("No clusters."));
    assert.match(text, /<b>0<\/b><span>faces<\/span>/);
    assert.match(text, /<b>3<\/b><span>photos<\/span>/);
    assert.match(text, /<b>1<\/b><span>unreadable files<\/span>/);
    assert.ok(
      text.includes(
        `<a href="https://x.test/b" target="_blank" rel="noopener noreferrer"><code>b.jpg</code></a>`,
      ),
    );
    assert.ok(text.includes("<td><code>c.jpg</code></td><td>decode</td><td>corrupt</td>"));
  });
});

Deno.test("1,000 faces over 300 clusters: two linked cluster pages, every face once, modest size", async () => {
  const report = await sampleReport({
    faces: 1000,
    clusters: 300,
    unassignedFraction: 0.1,
    missingEvery: 50,
  });
  await withDir(async (dir) => {
    const { files } = await writeRunReport(dir, report);
    assert.equal(files[files.length - 1], join(dir, "index.html"), "index.html is written last");
    const { pages, docs } = checkFolder(dir, report);
    assert.deepEqual([...pages.keys()].sort(), ["clusters-2.html", "index.html"]);
    // Each cluster once, in order of size; each face once.
    const ids = [...docs.values()].flatMap((d) =>
      [...d.querySelectorAll("section.cluster")].map((s) => s.id)
    );
    assert.equal(ids.length, 300);
    assert.equal(new Set(ids).size, 300);
    assert.equal(docs.get("index.html")!.querySelectorAll("section.cluster").length, 200);
    assert.equal(ids[0], "c-0");
    const expected = report.faces.map((f) => `${f.path} · face ${f.face}`).sort();
    assert.deepEqual(tileTitles(docs).sort(), expected);
    // Every page links to every cluster page.
    for (const [name, d] of docs) {
      const hrefs = new Set([...d.querySelectorAll(".pager a")].map((a) => a.getAttribute("href")));
      for (const other of ["index.html", "clusters-2.html"]) {
        assert.ok(other === name || hrefs.has(other), `${name} → ${other}`);
      }
    }
    let bytes = 0;
    for (const f of files) bytes += Deno.statSync(f).size;
    assert.ok(Deno.statSync(join(dir, "index.html")).size < 600_000, "index.html is small");
    assert.ok(bytes < 4_000_000, `report is ${bytes} bytes`);
  });
});

Deno.test("a cluster whose person a review named is headed by the name (escaped), others by their number", async () => {
  await withDir(async (dir) => {
    const face = (path: string, cluster: number, person?: string) => ({
      path,
      face: 0,
      box: { x: 0, y: 0, w: 10, h: 10 },
      score: 0.9,
      cluster,
      ...(person !== undefined ? { person } : {}),
    });
    const report: RunReport = {
      title: "Named",
      source: "folder /named",
      models: [],
      createdAt: "2025-01-01",
      method: "agglomerative",
      params: {},
      images: 4,
      faces: [
        face("a.jpg", 0, "<b>Ada</b>"),
        face("b.jpg", 0, "<b>Ada</b>"),
        face("c.jpg", 1),
        face("d.jpg", 1),
      ],
      noFace: [],
      errors: [],
    };
    await writeRunReport(dir, report);
    const text = Deno.readTextFileSync(join(dir, "index.html"));
    assert.ok(text.includes(`<h3>&lt;b&gt;Ada&lt;/b&gt; <span class="muted">· cluster 0</span>`), text);
    assert.ok(text.includes("<h3>Cluster 1 "), text);
    assert.ok(!text.includes("<b>Ada</b>"));
  });
});
