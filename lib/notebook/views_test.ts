import assert from "node:assert/strict";
import sharp from "sharp";
import { clusterInfos } from "../report/analysis/analysis.ts";
import { loadRun } from "../report/run_data.ts";
import { HOSTILE_NAMES, writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import type { RunRow } from "../sweep/selection.ts";
import { bundleOf } from "./display.ts";
import { clusterHeading, clusterPairTitle, clusterTitle } from "./views.ts";
import { parseHTML } from "linkedom";
import { NOTEBOOKS_DIR, REPO_ROOT } from "./settings.ts";
import type { SourceSurvey } from "./survey.ts";
import {
  bestPerMethodTable,
  clusterSheet,
  detectionStats,
  detectionViews,
  facesGrid,
  facesPerPhotoFigure,
  failuresTable,
  formatBytes,
  metricGlossary,
  modelsTable,
  reportLinks,
  surveyViews,
  sweepMetricsShown,
  sweepTable,
} from "./views.ts";

const htmlOf = (d: Parameters<typeof bundleOf>[0]) => bundleOf(d)["text/html"] ?? "";

function row(
  method: string,
  params: Record<string, unknown>,
  metrics: Record<string, number>,
  error?: string,
): RunRow {
  return { id: `${method} ${JSON.stringify(params)}`, method, params, seed: 1, timeMs: 3.4, metrics, error };
}

const ROWS: RunRow[] = [
  row("dbscan", { eps: 0.5, minSamples: 2 }, { silhouette: 0.2, daviesBouldin: 0.9, clusters: 4 }),
  row("dbscan", { eps: 0.6, minSamples: 2 }, { silhouette: 0.4, daviesBouldin: 1.2, clusters: 3 }),
  row("louvain", { threshold: 0.3, resolution: 1 }, { silhouette: NaN, daviesBouldin: 0.5, clusters: 2 }),
  row("louvain", { threshold: 0.4, resolution: 1 }, {}, "out of memory"),
];

Deno.test("sweepTable: ranked by the metric (lower is better where it should be), failures last", () => {
  const bySil = bundleOf(sweepTable(ROWS, "silhouette"))["text/plain"];
  const order = (text: string) =>
    text.split("\n").slice(3).map((l) => l.split(/\s{2,}/).slice(0, 2).join(" "));
  assert.deepEqual(order(bySil), [
    "dbscan eps=0.6",
    "dbscan eps=0.5",
    "louvain threshold=0.3",
    "louvain threshold=0.4",
  ]);
  const byDb = bundleOf(sweepTable(ROWS, "daviesBouldin"))["text/plain"];
  assert.deepEqual(order(byDb), [
    "louvain threshold=0.3",
    "dbscan eps=0.5",
    "dbscan eps=0.6",
    "louvain threshold=0.4",
  ]);
  assert.ok(htmlOf(sweepTable(ROWS, "silhouette")).includes("out of memory"));
  assert.ok(bySil.startsWith("Runs by silhouette (4 in all)"));
});

Deno.test("bestPerMethodTable: one row per method, with the parameters that vary in the sweep", () => {
  const t = bundleOf(bestPerMethodTable(ROWS, "silhouette"))["text/plain"];
  const lines = t.split("\n");
  assert.equal(lines[0], "Best run of each method by silhouette");
  assert.equal(lines.length, 4, "caption, header, rule, and only dbscan (louvain has no finite silhouette)");
  assert.match(lines[3], /^dbscan\s+eps=0\.6\s+3/);
  assert.deepEqual(sweepMetricsShown(ROWS, "silhouette"), ["silhouette", "daviesBouldin"]);
  const labelled = [row("x", {}, { bcubedF1: 0.9, nmi: 0.8, silhouette: 0.1 })];
  assert.deepEqual(sweepMetricsShown(labelled, "bcubedF1"), ["bcubedF1", "nmi", "silhouette"]);
});

Deno.test("views of a run: detection statistics, escaped names, contact sheets, face grids", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSyntheticRun(dir, { faces: 40, people: 4, dim: 16, thumb: 48, hostile: true });
    const run = await loadRun(dir);
    const s = detectionStats(run);
    assert.equal(s.faces, 40);
    assert.equal(s.noFace, 2);
    assert.equal(s.unreadable, 1);
    // Every synthetic photo has one face; two photos have none.
    assert.deepEqual(s.facesPerPhoto, [2, 40]);
    assert.deepEqual(s.width, [80, 80, 80]);
    assert.ok(s.score[0] >= 0.9 && s.score[0] <= s.score[1] && s.score[1] <= s.score[2] && s.score[2] <= 1);
    const views = detectionViews(run);
    assert.ok("image/svg+xml" in bundleOf(views[1]));
    const all = views.map(htmlOf).join("") + htmlOf(failuresTable(run.errors));
    assert.ok(!all.includes("<img src=x") && !all.includes("<script"), "names escaped");
    assert.ok(all.includes("&lt;img src=x onerror=alert(1)&gt;.jpg"));

    const infos = clusterInfos(run.x, run.clusters, run.truth);
    const sheet = bundleOf(await clusterSheet(run, infos[0], { max: 5, tile: 40, columns: 5 }));
    const meta = await sharp(Uint8Array.from(atob(sheet["image/jpeg"]), (c) => c.charCodeAt(0))).metadata();
    assert.equal(meta.format, "jpeg");
    assert.ok(meta.width! >= 5 * 40 && meta.height! >= 40 && meta.height! < 2 * 40, "one row of five tiles");
    const grid = htmlOf(facesGrid(run, [0, 1], "rows"));
    assert.ok(grid.includes(">#0<") && grid.includes(">#1<"));
    assert.ok(grid.includes(`title="&quot;quotes&quot;`), "face paths escaped in tooltips");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("surveyViews: counts, groups, sample grid and unreadable files, names escaped", () => {
  const ref = { id: "1", path: `${HOSTILE_NAMES.folder}/${HOSTILE_NAMES.file}`, size: 2048, modified: 0 };
  const survey: SourceSurvey = {
    description: `folder ${HOSTILE_NAMES.folder}`,
    photos: 1,
    bytes: 2048,
    byExtension: [{ name: ".jpg", photos: 1, bytes: 2048 }],
    byFolder: [{ name: HOSTILE_NAMES.folder, photos: 1, bytes: 2048 }],
    labelled: 0,
    sample: [{ ref }],
    probed: 1,
    unreadable: [{ path: ref.path, stage: "decode", message: "<b>bad</b>" }],
  };
  const v = surveyViews(survey);
  assert.equal(v.length, 5);
  const all = v.map(htmlOf).join("");
  assert.ok(!all.includes("<img src=x") && !all.includes("<b>"));
  assert.ok(all.includes("outline:3px solid #cf222e"), "an unreadable sample photo is framed");
  assert.ok(bundleOf(v[0])["text/plain"].includes("2.0 kB"));
  assert.equal(bundleOf(failuresTable([]))["text/markdown"], "No unreadable files.");
});

Deno.test("small views: bytes, faces-per-photo figure, report links, models", async () => {
  assert.deepEqual([formatBytes(999), formatBytes(1500), formatBytes(2.5e9)], ["999 B", "1.5 kB", "2.5 GB"]);
  const fig = facesPerPhotoFigure([3, 10, 2]);
  assert.match(fig, /^<svg/);
  assert.ok(fig.includes(">10<") && fig.includes(">3<"));
  const links = reportLinks([`${REPO_ROOT}/reports/a b/<x>.html`]).value;
  assert.ok(links.includes('href="../reports/a%20b/%3Cx%3E.html"'));
  assert.ok(links.includes(">" + `${REPO_ROOT}/reports/a b/&lt;x&gt;.html<`));
  assert.ok(NOTEBOOKS_DIR.endsWith("/notebooks"));
  const models = bundleOf(await modelsTable(["faceplugin-detect"]))["text/plain"];
  assert.match(models, /faceplugin-detect\s+detector/);
  await assert.rejects(() => modelsTable(["no-such-model"]), /unknown model no-such-model/);
});

Deno.test("metricGlossary: the report's plain words for each score, the registry's definition otherwise", () => {
  const html = htmlOf(metricGlossary(["bcubedP", "noiseShare", "vMeasure", "bcubedP"], 3));
  assert.ok(html.includes("Clusters hold one person"));
  assert.ok(html.includes("fewer than 3 faces"), "the run's smallest cluster size is filled in");
  assert.ok(
    html.includes("harmonic mean of homogeneity and completeness"),
    "no words written: the definition",
  );
  assert.equal(html.split("bcubedP").length - 1, 1, "each score once");
});

Deno.test("clusterHeading: a named person's cluster by name, as escaped HTML; pairs as the report says them", () => {
  const names = ["", "<img src=x onerror=alert(1)>\u202Eevil", "</script><script>alert(5)</script>Bob"];
  const run = { names };
  const shown = "<img src=x onerror=alert(1)><U+202E>evil · cluster 1";
  assert.equal(clusterTitle(run, 1), shown);
  assert.equal(clusterTitle(run, 0), "Cluster 0");
  assert.equal(clusterTitle(run, 0, true), "cluster 0");
  const b = bundleOf(clusterHeading(run, 1, ": 12 faces"));
  const html = b["text/html"];
  assert.ok(!html.toLowerCase().includes("<img"), html);
  assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(html), "no raw bidi control");
  const doc = (parseHTML(`<body>${html}</body>`) as unknown as {
    document: { querySelector(s: string): { textContent: string } };
  })
    .document;
  assert.equal(doc.querySelector("b").textContent, shown);
  assert.equal(b["text/plain"], `${shown}: 12 faces`);
  const bob = bundleOf(clusterHeading(run, 2))["text/html"];
  assert.ok(!bob.includes("</script><script>"), bob);
  assert.equal(clusterPairTitle(run, 1, 7), `${shown} and cluster 7`);
  assert.equal(clusterPairTitle(run, 0, 7), "Clusters 0 and 7");
});
