import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { seededRandom } from "../util/random.ts";
import { clusterSizeFigure, sizeBins } from "./cluster_sizes.ts";
import { sampleSweepRows } from "./fixtures.ts";
import { GROUP_COLOURS, groupColour, NO_GROUP_COLOUR } from "./palette.ts";
import { defaultRadius, layoutScatter, robustScaleLayout, scaleLayout, scatterSvg } from "./scatter.ts";
import { histogram, samplePairs, similarityFigure } from "./similarity.ts";
import { assertSnapshot } from "./snapshot.ts";
import { roundSvgNumbers } from "./svg.ts";
import {
  heatmapSpecs,
  metricByParamFigure,
  metricByParamFigures,
  sweepHeatmap,
  varyingParams,
} from "./sweep_figures.ts";

/** Seeded labels: 12 clusters of falling size, some unassigned. */
function seededLabels(n = 120): Int32Array {
  const random = seededRandom(3);
  return Int32Array.from({ length: n }, () => {
    const r = random();
    return r < 0.15 ? -1 : Math.floor((r - 0.15) ** 2 * 16);
  });
}

Deno.test("sizeBins counts clusters and faces per doubling size bin", () => {
  const labels = Int32Array.from([-1, -1, 0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 3]);
  const bins = sizeBins(labels);
  assert.deepEqual(bins.map((b) => [b.bin, b.clusters, b.faces]), [
    ["unassigned", 0, 2],
    ["1", 1, 1],
    ["2", 1, 2],
    ["3–4", 1, 3],
    ["5–8", 1, 5],
  ]);
  const many = seededLabels(500);
  const all = sizeBins(many);
  assert.equal(all.reduce((s, b) => s + b.faces, 0), 500);
  assert.equal(all.reduce((s, b) => s + b.clusters, 0), new Set([...many].filter((l) => l >= 0)).size);
});

Deno.test("histogram gives shares per bin and clamps values outside the range", () => {
  const h = histogram(Float32Array.from([0.05, 0.15, 0.15, 2, -3]), 0, 0.4, 0.1);
  assert.deepEqual(Array.from(h), [0.4, 0.4, 0, 0.2]);
  assert.deepEqual(Array.from(histogram(new Float32Array(0), 0, 1, 0.5)), [0, 0]);
});

Deno.test("samplePairs draws same-label pairs within groups and different-label pairs across", () => {
  const { x, truth } = syntheticClusters({ n: 200, dim: 16, clusters: 5, spread: 0.3, seed: 2 });
  const s = samplePairs(x, truth, 2000, 5);
  assert.equal(s.same.length, 2000);
  assert.equal(s.different.length, 2000);
  const mean = (a: Float32Array) => a.reduce((t, v) => t + v, 0) / a.length;
  assert.ok(mean(s.same) > 0.8, `same ${mean(s.same)}`);
  assert.ok(mean(s.different) < 0.5, `different ${mean(s.different)}`);
  // Seeded: the same call gives the same sample; no groups of two give no same pairs.
  assert.deepEqual(samplePairs(x, truth, 50, 5).same, samplePairs(x, truth, 50, 5).same);
  assert.equal(samplePairs(x, Int32Array.from(truth, (_, i) => i), 50).same.length, 0);
});

Deno.test("palette: negative ids are grey, ids spread over all colours", () => {
  assert.equal(groupColour(-1), NO_GROUP_COLOUR);
  const used = new Set(Array.from({ length: 200 }, (_, i) => groupColour(i)));
  assert.equal(used.size, GROUP_COLOURS.length);
  assert.notEqual(groupColour(0), groupColour(1));
});

Deno.test("roundSvgNumbers rounds attribute numbers only", () => {
  assert.equal(
    roundSvgNumbers(`<path d="M1.23456,-0.0001L2,3.999" x="0.125"><text y="0.71em">0.123456</text></path>`),
    `<path d="M1.23,0L2,4" x="0.13"><text y="0.71em">0.123456</text></path>`,
  );
});

Deno.test("scatter SVG: one path per colour, unassigned grey, points inside the box (snapshot)", async () => {
  const random = seededRandom(11);
  const n = 60;
  const xy = Float32Array.from({ length: 2 * n }, () => random() * 10 - 5);
  const groups = Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 4));
  const pts = scaleLayout({ xy, n }, { width: 200, height: 150, margin: 10 });
  for (let i = 0; i < n; i++) {
    assert.ok(pts[2 * i] >= 10 - 0.05 && pts[2 * i] <= 190 + 0.05);
    assert.ok(pts[2 * i + 1] >= 10 - 0.05 && pts[2 * i + 1] <= 140 + 0.05);
  }
  const svg = layoutScatter({ xy, n }, groups, { width: 200, height: 150, margin: 10, title: "<b>map</b>" });
  assert.equal((svg.match(/<path /g) ?? []).length, new Set(Array.from(groups, groupColour)).size);
  assert.equal((svg.match(/h0/g) ?? []).length, n);
  assert.ok(svg.includes(`stroke="${NO_GROUP_COLOUR}"`));
  assert.ok(svg.includes("<title>&lt;b&gt;map&lt;/b&gt;</title>"));
  assert.throws(() => scatterSvg(pts, [{ className: "a", groups: new Int32Array(3) }]), RangeError);
  assert.equal(defaultRadius(25000), 1.2);
  await assertSnapshot("scatter.snap", svg);
});

Deno.test("robustScaleLayout: far outliers are pinned to the border instead of squeezing the rest", () => {
  const random = seededRandom(5);
  const n = 1003;
  const xy = Float32Array.from({ length: 2 * n }, () => random() * 2 - 1);
  // Three far outliers (UMAP puts a few faces far away), one per direction.
  xy.set([1000, 0], 2000);
  xy.set([-800, 5], 2002);
  xy.set([0.5, -600], 2004);
  const box = { width: 400, height: 300, margin: 10 };
  const { points, pinned } = robustScaleLayout({ xy, n }, box);
  assert.deepEqual([pinned[1000], pinned[1001], pinned[1002]], [1, 1, 1]);
  assert.equal(pinned.reduce((a, b) => a + b, 0), 3, "only the outliers are pinned");
  let x0 = Infinity, x1 = -Infinity;
  for (let i = 0; i < 1000; i++) [x0, x1] = [Math.min(x0, points[2 * i]), Math.max(x1, points[2 * i])];
  // The bulk spans most of the view (with all points fitted it would be a dot of under 1 px).
  assert.ok(x1 - x0 > 150, `bulk spans ${x1 - x0} px`);
  const plain = scaleLayout({ xy, n }, box);
  let p0 = Infinity, p1 = -Infinity;
  for (let i = 0; i < 1000; i++) [p0, p1] = [Math.min(p0, plain[2 * i]), Math.max(p1, plain[2 * i])];
  assert.ok(p1 - p0 < 2, `fitted to all points, the bulk spans ${p1 - p0} px`);
  for (let i = 0; i < n; i++) {
    assert.ok(points[2 * i] >= 10 - 0.05 && points[2 * i] <= 390 + 0.05, `x ${i}`);
    assert.ok(points[2 * i + 1] >= 10 - 0.05 && points[2 * i + 1] <= 290 + 0.05, `y ${i}`);
  }
  // Pinned on the border they went off: right, left, bottom (y grows downwards on screen).
  assert.equal(points[2000], Math.max(...Array.from({ length: n }, (_, i) => points[2 * i])));
  assert.equal(points[2002], Math.min(...Array.from({ length: n }, (_, i) => points[2 * i])));
  assert.equal(points[2005], Math.max(...Array.from({ length: n }, (_, i) => points[2 * i + 1])));
  // Without outliers it is the plain scaling.
  const tame = Float32Array.from(xy.subarray(0, 2000));
  assert.deepEqual(
    robustScaleLayout({ xy: tame, n: 1000 }, box).points,
    scaleLayout({ xy: tame, n: 1000 }, box),
  );
  assert.equal(robustScaleLayout({ xy: new Float32Array(0), n: 0 }).points.length, 0);
});

Deno.test("cluster size figure (snapshot)", async () => {
  const svg = clusterSizeFigure(seededLabels());
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes("unassigned"));
  await assertSnapshot("cluster_sizes.snap", svg);
});

Deno.test("similarity figure with a threshold rule (snapshot)", async () => {
  const { x, truth } = syntheticClusters({ n: 150, dim: 16, clusters: 6, spread: 0.6, seed: 4 });
  const svg = similarityFigure(samplePairs(x, truth, 3000, 1), {
    names: ["same person", "different people"],
    threshold: 0.45,
    width: 400,
    height: 200,
  });
  assert.ok(svg.includes("same person") && svg.includes("threshold"));
  await assertSnapshot("similarity.snap", svg);
});

Deno.test("sweep figures: metric against the varying parameter per method (snapshot)", async () => {
  const rows = sampleSweepRows();
  assert.deepEqual(varyingParams(rows.filter((r) => r.method === "agglomerative")), ["threshold", "linkage"]);
  const figs = metricByParamFigures(rows, "bcubedF1");
  assert.deepEqual(figs.map((f) => f.method), ["agglomerative", "dbscan", "kmeans"]);
  assert.equal(metricByParamFigure(rows, { method: "nothing", metric: "bcubedF1" }), undefined);
  assert.ok(figs[0].svg.includes("linkage=average") && figs[0].svg.includes("threshold"));
  await assertSnapshot("sweep_agglomerative.snap", figs[0].svg);
  await assertSnapshot("sweep_kmeans.snap", figs[2].svg);
});

Deno.test("sweep heatmap over two hyperparameters, labelled cells (snapshot)", async () => {
  const rows = sampleSweepRows();
  assert.deepEqual(heatmapSpecs(rows), [
    { method: "agglomerative", x: "threshold", y: "linkage" },
    { method: "dbscan", x: "eps", y: "minSamples" },
  ]);
  const svg = sweepHeatmap(rows, {
    method: "agglomerative",
    x: "threshold",
    y: "linkage",
    metric: "bcubedF1",
  })!;
  assert.equal((svg.match(/<rect /g) ?? []).length, 12);
  const best = rows.filter((r) => r.method === "agglomerative").reduce((a, b) =>
    a.metrics.bcubedF1 > b.metrics.bcubedF1 ? a : b
  );
  assert.ok(svg.includes(`>${best.metrics.bcubedF1.toFixed(3)}<`));
  await assertSnapshot("sweep_heatmap.snap", svg);
});

Deno.test("sweep figures escape method and parameter text", () => {
  const rows = sampleSweepRows().filter((r) => r.method === "kmeans" && !r.error).map((r, i) => ({
    ...r,
    method: "<img src=x onerror=alert(1)>",
    params: { ...r.params, mode: i % 2 ? `"a"&<b>` : "plain" },
  }));
  const svg = metricByParamFigure(rows, { method: rows[0].method, metric: "bcubedF1" })!;
  assert.ok(!svg.includes("<img"), svg);
  assert.ok(svg.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(!svg.includes("<b>"));
  const heat = sweepHeatmap(rows, { method: rows[0].method, x: "k", y: "mode", metric: "bcubedF1" })!;
  assert.ok(!heat.includes("<img") && !heat.includes("<b>"));
});
