/**
 * The overview page of the exploration site: counts, figures, the scores in words, where to
 * look for mistakes, and the run (method, models, data, timings).
 * @module
 */
import { CLUSTER_WORDS } from "../../../metrics/clusters.ts";
import { markup, type SafeHtml } from "../../../util/html.ts";
import { fmtCount, paramTable, plural } from "../../run/render.ts";
import type { MetricRow, SiteModel, SitePage } from "../model.ts";
import { metricLabel } from "../words.ts";
import { assignmentsLine, describeParams, fig, fmt, ONE, stat, TWO } from "./shared.ts";
/**
 * A metric table: the plain name (technical name below it), the value, and what it means in
 * words (the technical definition on hover).
 */
export function metricTable(rows: readonly MetricRow[], heading: string): SafeHtml {
  const body = rows.map((r) =>
    markup`<tr><td><b class="metric">${r.label}</b>${
      r.label !== r.name && markup`<br><code class="muted">${r.name}</code>`
    }</td><td class="num">${
      Number.isInteger(r.value) ? fmtCount(r.value) : fmt(r.value, 4)
    }</td><td title="${r.description}">${r.explain}${
      r.name === "clusters" ? "" : r.higherIsBetter ? " Higher is better." : " Lower is better."
    }</td></tr>`
  );
  return markup`<table class="data metrics"><tr><th>${heading}</th><th class="num">value</th><th>what it means</th></tr>${body}</table>`;
}
/** The "what this file contains" introduction of a single-file report. */
function singleFileIntro(m: SiteModel): SafeHtml {
  const per = Number.isFinite(m.facesPerCluster) ? ` (up to ${fmtCount(m.facesPerCluster)} faces each)` : "";
  return markup`<div class="intro"><h2>What this file contains</h2>
<p>This one HTML file is the whole report of the photo run <b>${m.run.meta.title}</b>: it needs no other file and no network, so it can be sent by e-mail and opened anywhere. Move between its parts with the bar above:</p>
<ul>
<li><b>Overview</b> (this part): counts, how good the grouping is, and where to look for mistakes;</li>
<li><b>Map</b>: every face laid out so that look-alike faces sit together;</li>
<li><b>Clusters</b>: each group of faces the toolkit believes to be one person${per}, largest first;</li>
<li><b>${TWO.nav}</b> and <b>${ONE.nav}</b>: the likeliest mistakes, to check by eye;</li>
<li><b>Unassigned</b>: faces put in no group; <b>Sweep</b>: the clustering methods compared; <b>Files</b>: photos with no face and files that could not be read.</li>
</ul>
<p class="muted">${assignmentsLine(m)}</p></div>`;
}

/** The overview page. */
export function overviewPage(m: SiteModel): SitePage {
  const { run, l } = m;
  const faces = run.faces.length;
  const photosWithFace = new Set(run.faces.map((f) => f.imageId)).size;
  const largest = m.infos[0]?.rows.length ?? 0;
  const people = run.truthNames?.length;
  const timings = Object.entries(run.meta.timings).filter(([, v]) => Number.isFinite(v));
  const mapFig = m.mapPreview
    ? markup`<figure class="fig"><figcaption>Map of the faces (UMAP)</figcaption><a href="${
      l.href("map")
    }"><img class="preview-img" src="${m.mapPreview}" width="400" height="280" alt="Map of the faces: each dot a face, coloured by cluster"></a><div class="muted">Open the <a href="${
      l.href("map")
    }">map</a> to zoom in on the faces themselves.</div></figure>`
    : markup``;
  const sweepNote = m.sweep?.best
    ? markup`<p>Best run of the <a href="${l.href("sweep")}">sweep</a> by ${
      metricLabel(m.sweep.metric)
    } (<code>${m.sweep.metric}</code>): <b>${m.sweep.best.method}</b> <code>${
      describeParams(m.sweep.best, m.sweep.rows)
    }</code> (${fmt(m.sweep.best.metrics[m.sweep.metric], 4)}).</p>`
    : markup``;
  const body = markup`<h1>${run.meta.title}</h1>
<p class="sub">${run.meta.source}${run.meta.createdAt && ` · ${run.meta.createdAt}`}</p>
${l.single && singleFileIntro(m)}
<div class="stats">${stat(run.meta.images, "photos")}${stat(faces, "faces")}${
    stat(m.counts.clusters, CLUSTER_WORDS.clusters, l.href("gallery"))
  }${stat(m.counts.inClusters, "faces in clusters")}${
    stat(m.counts.unassigned, CLUSTER_WORDS.unassigned, l.href("unassigned"))
  }${stat(m.counts.seenOnce, CLUSTER_WORDS.seenOnce)}${stat(largest, "largest cluster")}${
    people !== undefined && stat(people, "people (labels)")
  }${stat(run.meta.noFace.length, "photos with no face", l.href("files"))}${
    stat(new Set(run.errors.map((e) => e.path)).size, "unreadable files", l.href("files"))
  }</div>
<p class="muted" id="cluster-definition">${CLUSTER_WORDS.definition(m.counts.minSize)}</p>
<div class="figs">${mapFig}${
    fig("Faces by the size of their cluster (label: clusters per bar)", m.figures.sizes)
  }${fig("Similarity of face pairs: same cluster against different clusters", m.figures.simClusters)}${
    fig("Similarity of face pairs: same person against different people (labels)", m.figures.simPeople)
  }</div>
<h2>Quality</h2>
<p class="muted">${
    m.external.length
      ? "The first table compares the clusters with the true people (known from the folder names); in it, each unassigned face counts as a cluster of its own. "
      : "No true labels in this run, so the grouping cannot be compared with the true people: only the scores computed from the faces themselves are shown. "
  }The technical name of each score is under its plain name; hover a meaning for its exact definition.</p>
<div class="meta">${m.external.length > 0 && metricTable(m.external, "against true identities")}${
    metricTable(m.internal, "from the embeddings alone")
  }</div>
<h2>Where to look</h2>
<ul>
<li><a href="${l.href("gallery")}">${
    plural(m.infos.length, "cluster")
  }</a>, largest first, each with its faces from most to least typical.</li>
<li><a href="${l.href(TWO.id)}">${TWO.title}</a>: ${
    plural(m.merges.filter((s) => s.suspect.likely).length, "cluster")
  } clearly made of two groups of look-alike faces (perhaps two people put together).</li>
<li><a href="${l.href(ONE.id)}">${ONE.title}</a>: ${
    plural(m.splits.filter((s) => s.likely).length, "pair")
  } of clusters as alike as faces of one cluster are (perhaps one person kept apart).</li>
<li><a href="${l.href("unassigned")}">${
    plural(m.unassigned.length, "unassigned face")
  }</a>, those closest to a cluster first.</li>
<li>${assignmentsLine(m)}</li>
</ul>
<h2>Run</h2>
${sweepNote}
<div class="meta">
${paramTable(`Method: ${run.meta.method}`, run.meta.params, "no parameters")}${
    paramTable("Face detection", run.meta.faceOptions ?? {})
  }<table><tr><th>Models</th></tr>${
    run.meta.models.length
      ? run.meta.models.map((x) => markup`<tr><td><code>${x}</code></td></tr>`)
      : markup`<tr><td class="empty">none listed</td></tr>`
  }</table>
<table><tr><th colspan="2">Data</th></tr><tr><td>photos with a face</td><td class="num">${
    fmtCount(photosWithFace)
  }</td></tr><tr><td>embedding size</td><td class="num">${run.x.cols}</td></tr><tr><td>true labels</td><td>${
    people !== undefined ? `yes (${fmtCount(people)} people)` : "no"
  }</td></tr></table>
${
    timings.length > 0 &&
    markup`<table><tr><th>Stage</th><th class="num">Seconds</th></tr>${
      timings.map(([k, v]) => markup`<tr><td>${k}</td><td class="num">${v.toFixed(2)}</td></tr>`)
    }</table>`
  }
</div>`;
  return { id: "index", nav: "index", title: run.meta.title, body };
}
