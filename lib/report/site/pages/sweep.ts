/**
 * The sweep page of the exploration site: best runs, the metric against each method's
 * settings, heatmaps, every run.
 * @module
 */
import { markup, trustedHtml } from "../../../util/html.ts";
import { fmtCount, plural } from "../../run/render.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { metricLabel } from "../words.ts";
import { clustersColumn, countsLoneFacesAsClusters, type RunRow } from "../../../sweep/selection.ts";
import { CLUSTER_MIN_FACES, CLUSTER_WORDS } from "../../../metrics/clusters.ts";
import { describeParams, fmt } from "./shared.ts";
function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The sweep page: best runs, metric against hyperparameters, heatmaps and the table. */
export function sweepPage(
  m: SiteModel,
  figures: { method: string; svg: string }[],
  heatmaps: { method: string; svg: string }[],
): SitePage {
  const s = m.sweep;
  if (!s) {
    const dir = `${m.run.name}`;
    return {
      id: "sweep",
      nav: "sweep",
      title: "Sweep",
      body: markup`<h1>Sweep</h1><p class="empty">No sweep was given.</p>
<p>To compare methods and parameters on this run's faces:</p>
<pre><code>deno task sweep --embeddings &lt;run&gt;/embeddings --out &lt;run&gt;/sweep
deno task report --run &lt;run&gt; --sweep &lt;run&gt;/sweep</code></pre>
<p class="muted">(&lt;run&gt; is the run folder, here ${dir}.)</p>`,
    };
  }
  const metric = s.metric;
  const ok = s.rows.filter((r) => !r.error);
  const failed = s.rows.length - ok.length;
  const methods = [...new Set(ok.map((r) => r.method))];
  const extra = [
    "bcubedP",
    "bcubedR",
    "pairwiseF1",
    "ari",
    "nmi",
    "silhouette",
    "clusters",
    "seenOnce",
    "noiseShare",
  ]
    .filter((k) => k !== metric && ok.some((r) => Number.isFinite(r.metrics[k])));
  const row = (r: RunRow, best: boolean) =>
    markup`<tr${best && trustedHtml(` class="best"`)}><td>${r.method}</td><td><code>${
      describeParams(r, s.rows)
    }</code></td><td class="num"><b>${fmt(r.metrics[metric], 4)}</b></td>${
      extra.map((k) =>
        markup`<td class="num">${fmt(r.metrics[k], k === "clusters" || k === "seenOnce" ? 0 : 3)}</td>`
      )
    }<td class="num">${Number.isFinite(r.timeMs) ? fmtCount(Math.round(r.timeMs)) : "–"}</td></tr>`;
  // Rows of an older sweep counted faces alone as clusters of one (their own metrics say).
  const older = countsLoneFacesAsClusters(ok);
  const th = (k: string) =>
    markup`<th class="num" title="${k}">${
      k === "clusters" ? upperFirst(clustersColumn(ok)) : metricLabel(k)
    }</th>`;
  const head = markup`<tr><th>method</th><th>parameters</th>${th(metric)}${
    extra.map(th)
  }<th class="num">ms</th></tr>`;
  const bestRows = methods.map((method) => {
    const runs = ok.filter((r) => r.method === method && Number.isFinite(r.metrics[metric]));
    runs.sort((a, b) => b.metrics[metric] - a.metrics[metric]);
    return runs[0];
  }).filter((r): r is RunRow => r !== undefined).sort((a, b) => b.metrics[metric] - a.metrics[metric]);
  const sorted = [...ok].sort((a, b) =>
    (Number.isFinite(b.metrics[metric]) ? b.metrics[metric] : -Infinity) -
    (Number.isFinite(a.metrics[metric]) ? a.metrics[metric] : -Infinity)
  );
  const lf = s.labelFree;
  const body = markup`<h1>Sweep</h1>
<p class="lead">${plural(s.rows.length, "run")} of ${plural(methods.length, "method")}${
    failed ? `, ${failed} failed` : ""
  }, ranked by <b>${metricLabel(metric)}</b> (<code>${metric}</code>).${` ${CLUSTER_WORDS.definition()}${
    m.run.minClusterSize !== CLUSTER_MIN_FACES
      ? ` (This run counts only clusters of at least ${plural(m.run.minClusterSize, "face")}.)`
      : ""
  }${
    older
      ? " This sweep was made before that definition: its cluster counts include faces alone; sweep again for counts that agree with the other pages."
      : ""
  }`}${
    lf
      ? markup` Label-free pick (${lf.rule}): <b>${lf.run.method}</b> <code>${
        describeParams(lf.run, s.rows)
      }</code>${lf.gap !== undefined ? `, ${fmt(lf.gap, 4)} below the best` : ""}.`
      : ""
  }</p>
<h2>Best run of each method</h2>
<div class="scroll"><table class="data">${head}${bestRows.map((r, i) => row(r, i === 0))}</table></div>
<h2>${metricLabel(metric)} against each method's settings</h2>
<p class="muted">The best run of each method is circled.</p>
<div class="figs">${figures.map((f) => markup`<div class="fig">${trustedHtml(f.svg)}</div>`)}</div>
${
    heatmaps.length > 0 &&
    markup`<h2>Two hyperparameters at once</h2><div class="figs">${
      heatmaps.map((f) => markup`<div class="fig">${trustedHtml(f.svg)}</div>`)
    }</div>`
  }
<h2>All runs</h2>
<div class="scroll"><table class="data">${head}${sorted.map((r) => row(r, r === s.best))}</table></div>
${
    failed > 0 &&
    markup`<h2>Failed runs</h2><table class="data"><tr><th>method</th><th>parameters</th><th>error</th></tr>${
      s.rows.filter((r) => r.error).map((r) =>
        markup`<tr><td>${r.method}</td><td><code>${
          describeParams(r, s.rows)
        }</code></td><td>${r.error}</td></tr>`
      )
    }</table>`
  }`;
  return { id: "sweep", nav: "sweep", title: "Sweep", body };
}
