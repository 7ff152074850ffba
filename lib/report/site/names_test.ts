import assert from "node:assert/strict";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { clusterTitleOf, loadRun, shownClusters } from "../run_data.ts";
import { readRunLabels, writeRunLabels } from "../../run/labels.ts";
import { readRunJson, type RunPerson, writeRunJson } from "../../run/run_json.ts";
import { writeSyntheticRun } from "../_testing/synthetic_run.ts";
import { writeSite } from "./site.ts";
import type { MapData } from "./map_script.ts";
import { findChromium, withBrowser } from "../_testing/browser.ts";

const chromium = await findChromium();
if (!chromium) {
  console.log("names browser test skipped: chromium not found (Debian: apt-get install chromium)");
}

/** Names a review could give: markup, an event handler, a script end, bidi controls. */
const ADA = "<img src=x onerror=alert(1)>\u202Eevil\u2066";
const BOB = "</script><script>alert(5)</script>Bob";
/** How they read on a page (bidi controls by name). */
const ADA_SHOWN = "<img src=x onerror=alert(1)><U+202E>evil<U+2066>";

interface El {
  textContent: string;
  getAttribute(name: string): string | null;
  getAttributeNames(): string[];
  getElementById(id: string): El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & ArrayLike<El>;
}

function domOf(text: string): El {
  return (parseHTML(text) as unknown as { document: El }).document;
}

/** No raw hostile markup, script end or bidi control anywhere in `text`; no `on*` attribute. */
function assertSafe(name: string, text: string): void {
  assert.ok(!text.toLowerCase().includes("<img src=x"), `${name}: raw <img> name`);
  assert.ok(!text.includes("</script><script>alert(5)"), `${name}: raw </script> name`);
  assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(text), `${name}: raw bidi control`);
  for (const el of domOf(text).querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) assert.ok(!attr.startsWith("on"), `${name}: ${attr}`);
  }
}

/**
 * A synthetic run whose two largest clusters are people of a review named {@link ADA} and
 * {@link BOB} (raw labels 0 and 1, as lib/review/run_hook.ts numbers them), and a third entry
 * that no longer matches the labels (it must get no name).
 */
async function namedRun(dir: string): Promise<{ a: number; b: number }> {
  await writeSyntheticRun(dir, { faces: 160, people: 12, hostile: true, seed: 5 });
  const raw = await readRunLabels(dir);
  const sizes = new Map<number, number>();
  for (const l of raw) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const [l0, l1] = [...sizes].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map(([l]) => l);
  const labels = Int32Array.from(raw, (l) => (l < 0 ? l : l === l0 ? 0 : l === l1 ? 1 : l + 2));
  await writeRunLabels(dir, labels);
  const shown = shownClusters(labels, 2, 2);
  const entry = (label: number, name: string, person: string): RunPerson => {
    const rows = [...labels.keys()].filter((i) => labels[i] === label);
    return { cluster: shown[rows[0]], person, name, faces: rows.length, decided: rows.length, added: 0 };
  };
  const people = [entry(0, ADA, "p1"), entry(1, BOB, "p2")];
  const stale = { ...entry(5, "Stale", "p3"), faces: 999 };
  const meta = (await readRunJson(dir))!;
  await writeRunJson(dir, { ...meta, people: [...people, stale] } as Parameters<typeof writeRunJson>[1]);
  return { a: people[0].cluster, b: people[1].cluster };
}

Deno.test("names of a review: shown by name, escaped, in every site page and the map data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "site-names-" });
  try {
    const runDir = join(dir, "run");
    const { a, b } = await namedRun(runDir);
    const run = await loadRun(runDir);
    assert.equal(run.names[a], ADA);
    assert.equal(run.names[b], BOB);
    assert.equal(run.names.filter((n) => n !== "").length, 2, "a stale entry gets no name");
    const titleA = `${ADA_SHOWN} · cluster ${a}`, titleB = `${BOB} · cluster ${b}`;
    assert.equal(clusterTitleOf(run, a), titleA);

    const out = join(dir, "site");
    await writeSite(out, run, { seed: 2, clustersPerPage: 100 });
    const pages = [...Deno.readDirSync(out)].filter((e) => e.name.endsWith(".html")).map((e) => e.name);
    for (const p of pages) assertSafe(p, await Deno.readTextFile(join(out, p)));

    const text = (p: string) => domOf(Deno.readTextFileSync(join(out, p)));
    // The gallery card and the cluster page are headed by the name.
    const gallery = text("gallery.html");
    const heads = [...gallery.querySelectorAll(".card h3")].map((h) => h.textContent);
    assert.ok(heads.some((h) => h.startsWith(titleA)), heads.join("\n"));
    assert.ok(heads.some((h) => h.startsWith(titleB)), heads.join("\n"));
    assert.ok(text(`cluster-${a}.html`).querySelector("h1")!.textContent.startsWith(titleA));
    assert.ok(text(`cluster-${b}.html`).querySelector("title")!.textContent.startsWith(titleB));
    // Contact sheets: the hover text of each face of the cluster names it.
    const tiles = [...text(`cluster-${a}.html`).querySelectorAll(".sheets [title]")];
    assert.ok(tiles.length > 0);
    for (const t of tiles) assert.ok(t.getAttribute("title")!.includes(titleA), t.getAttribute("title")!);
    // The quality pages name the clusters they list.
    const splits = text("splits.html");
    const cards = [...splits.querySelectorAll(".card")].filter((c) =>
      [...c.querySelectorAll("a")].some((l) => l.getAttribute("href") === `cluster-${a}.html`)
    );
    assert.ok(cards.length > 0, "the named cluster is among the likely splits");
    for (const c of cards) assert.ok(c.textContent.includes(titleA), c.textContent);
    // The map data: names by cluster, shown by name, and no </script> inside the data.
    const mapText = Deno.readTextFileSync(join(out, "map.html"));
    const holder = domOf(mapText).getElementById("map-data")!;
    const data = JSON.parse(holder.textContent) as MapData;
    assert.equal(data.clusterNames![a], ADA_SHOWN);
    assert.equal(data.clusterNames![b], BOB);
    const block = mapText.slice(mapText.indexOf('id="map-data">'));
    assert.ok(!block.slice(0, block.indexOf("</script>")).includes("<"), "no < inside the map data");

    // The single file: the same names, as safely.
    const single = join(dir, "one.html");
    await writeSite(single, run, { seed: 2, singleFile: true });
    const one = await Deno.readTextFile(single);
    assertSafe("single file", one);
    assert.ok(domOf(one).getElementById(`cluster-${a}`)!.textContent.includes(titleA));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "browser: the map's tooltip and box selection name a named person's cluster, as text",
  ignore: !chromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "site-names-browser-" });
    try {
      const runDir = join(dir, "run");
      const { a } = await namedRun(runDir);
      const run = await loadRun(runDir);
      // Faces on a grid, well apart, so that the pointer finds the face it is put on.
      const n = run.faces.length, xy = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) xy.set([i % 16, Math.floor(i / 16)], 2 * i);
      const out = join(dir, "site");
      await writeSite(out, run, { seed: 2, layout: { xy, n } });
      const row = run.clusters.indexOf(a);
      await withBrowser(async (b) => {
        const r = await b.open(`file://${out}/map.html`, {}, async (s) => {
          await b.evaluate(s, "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
          const [x, y] = await b.evaluate<[number, number]>(
            s,
            `(() => { const d = JSON.parse(document.getElementById("map-data").textContent);
              const r = document.getElementById("atlas").getBoundingClientRect(); const f = r.width / d.w;
              return [r.left + d.xy[${2 * row}] * f, r.top + d.xy[${2 * row + 1}] * f]; })()`,
          );
          await b.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y }, s);
          const tip = await b.evaluate<string>(s, `document.querySelector("#map-tip .meta").textContent`);
          const press = { button: "left", clickCount: 1, modifiers: 8 };
          await b.send("Input.dispatchMouseEvent", {
            type: "mousePressed",
            x: x - 3,
            y: y - 3,
            buttons: 1,
            ...press,
          }, s);
          await b.send("Input.dispatchMouseEvent", {
            type: "mouseMoved",
            x: x + 3,
            y: y + 3,
            buttons: 1,
            ...press,
          }, s);
          await b.send("Input.dispatchMouseEvent", {
            type: "mouseReleased",
            x: x + 3,
            y: y + 3,
            buttons: 0,
            ...press,
          }, s);
          const listed = await b.evaluate<{ where: string[]; imgs: number }>(
            s,
            `(() => { const l = document.getElementById("atlas-list");
              return { where: [...l.querySelectorAll("li .where")].map((e) => e.textContent),
                       imgs: l.querySelectorAll("img").length }; })()`,
          );
          return { tip, listed };
        });
        assert.deepEqual(r.errors, []);
        const { tip, listed } = r.inspected!;
        assert.ok(tip.startsWith(`${ADA_SHOWN} · cluster ${a}`), tip);
        assert.deepEqual(listed.where, [`${ADA_SHOWN} · cluster ${a}`]);
        assert.equal(listed.imgs, 0, "no element made of a name");
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("namedClusters: people are always shown and named where the pipeline put them, stale entries unnamed", async () => {
  const { namedClusters } = await import("../run_data.ts");
  // Raw labels: person 0 (one face, under --min-cluster 2), person 1 left with no face, person 2,
  // then clusters 3 (3 faces) and 4 (alone).
  const raw = new Int32Array([0, 2, 2, 3, 3, 3, 4]);
  const people: RunPerson[] = [
    { cluster: 2, person: "p1", name: "Ada", faces: 1, decided: 1, added: 0 },
    { cluster: 1, person: "p3", name: "Cy", faces: 2, decided: 2, added: 0 },
  ];
  const r = namedClusters(raw, 2, people);
  assert.equal(r.peopleLabels, 3);
  assert.deepEqual([...r.clusters], [2, 1, 1, 0, 0, 0, -1]);
  assert.deepEqual(r.names, ["", "Cy", "Ada"]);
  // An entry that no longer matches the labels gets no name.
  const stale = namedClusters(raw, 2, [{ ...people[0], faces: 5 }, people[1]]);
  assert.deepEqual(stale.names.filter((n) => n), ["Cy"]);
  // Without people: clusters of 2 or more, largest first.
  assert.deepEqual([...namedClusters(raw, 2, undefined).clusters], [-1, 1, 1, 0, 0, 0, -1]);
});
