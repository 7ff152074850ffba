/**
 * The pages of the exploration report, rendered from a {@link SiteModel}: overview, map,
 * cluster gallery, one page per cluster, possible merges, possible splits, unassigned faces,
 * the sweep, and the files that gave no face. Every string from outside goes through the
 * escaping {@link markup} template; links are only made from http(s) URLs.
 * @module
 */
import { markup, type SafeHtml, trustedHtml } from "../../util/html.ts";
import { MAP_SCRIPT } from "./map_script.ts";
import {
  fmtCount,
  linkOrText,
  paramTable,
  plural,
  renderErrorsTable,
  renderNoFaceList,
  renderPager,
} from "../run/render.ts";
import type { ClusterInfo } from "../analysis/analysis.ts";
import { jsonForScript } from "./doc.ts";
import type { MetricRow, SiteModel, SitePage } from "./model.ts";
import { type PlacedSheet, sheetHtml, type TileInfo } from "./sheets.ts";
import { paramText, varyingParams } from "../../viz/sweep_figures.ts";
import type { RunRow } from "../../sweep/selection.ts";
import { metricLabel, QUALITY_PAGES } from "./words.ts";

const TWO = QUALITY_PAGES.twoPeople, ONE = QUALITY_PAGES.onePerson;

/** Id of gallery page `p` (0-based). */
export function galleryId(p: number): string {
  return p === 0 ? "gallery" : `gallery-${p + 1}`;
}

/** Id of unassigned page `p` (0-based). */
export function unassignedId(p: number): string {
  return p === 0 ? "unassigned" : `unassigned-${p + 1}`;
}

/** Id of the page (or, in a single file, the card) of cluster `id`. */
export function clusterId(id: number): string {
  return `cluster-${id}`;
}

function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "–";
}

/** Hover text of a face: file name, face index, and the person when known. */
export function faceText(m: SiteModel, row: number): string {
  const f = m.run.faces[row];
  const person = m.run.truth && m.run.truthNames ? ` · ${m.run.truthNames[m.run.truth[row]]}` : "";
  return `${f.path} · face ${f.face}${person}`;
}

function tileInfo(m: SiteModel, extra?: (row: number) => Partial<TileInfo>): (row: number) => TileInfo {
  return (row) => ({ label: faceText(m, row), href: m.run.faces[row].webUrl, ...extra?.(row) });
}

function personName(m: SiteModel, label: number): string {
  return m.run.truthNames?.[label] ?? String(label);
}

/** Tags of a cluster: its majority person and how many faces are someone else. */
function majorityTags(m: SiteModel, c: ClusterInfo): SafeHtml {
  if (!c.majority || !c.foreign) return markup``;
  const others = c.rows.length - c.majority.count;
  return markup`<span class="tag" title="majority person">${personName(m, c.majority.label)} · ${
    fmtCount(c.majority.count)
  }/${fmtCount(c.rows.length)}</span>${
    others > 0 && markup`<span class="tag warn">${plural(others, "face")} of other people</span>`
  }`;
}

function foreignSet(c: ClusterInfo): Set<number> {
  const s = new Set<number>();
  c.foreign?.forEach((f, i) => f && s.add(c.rows[i]));
  return s;
}

/**
 * A metric table: the plain name (technical name below it), the value, and what it means in
 * words (the technical definition on hover).
 */
function metricTable(rows: readonly MetricRow[], heading: string): SafeHtml {
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

function stat(n: number | string, label: string, href?: string): SafeHtml {
  const value = typeof n === "number" ? fmtCount(n) : n;
  return href
    ? markup`<a class="stat" href="${href}"><b>${value}</b><span>${label}</span></a>`
    : markup`<div class="stat"><b>${value}</b><span>${label}</span></div>`;
}

function fig(caption: string, svg: string | undefined): SafeHtml {
  return svg
    ? markup`<figure class="fig"><figcaption>${caption}</figcaption>${trustedHtml(svg)}</figure>`
    : markup``;
}

const CSV_COLUMNS =
  "one row per face: file, face number, box, detector score and cluster (-1: unassigned); a photo with no face has one row with face -1";

/** Where the run's assignments.csv is: a link beside a report folder, or its place in the run folder. */
export function assignmentsLine(m: SiteModel): SafeHtml {
  const a = m.assignments;
  if (a?.href) {
    return markup`<a href="${a.href}" download>assignments.csv</a>: ${CSV_COLUMNS}. It opens in any spreadsheet.`;
  }
  return markup`<code>assignments.csv</code> (${CSV_COLUMNS}) is in the run folder${
    m.run.name && markup`, <code>${m.run.name}/assignments.csv</code>`
  }, not in this file.`;
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
  const assigned = run.clusters.reduce((s, c) => s + (c >= 0 ? 1 : 0), 0);
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
    stat(m.infos.length, "clusters", l.href("gallery"))
  }${stat(assigned, "faces in clusters")}${stat(faces - assigned, "unassigned faces", l.href("unassigned"))}${
    stat(largest, "largest cluster")
  }${people !== undefined && stat(people, "people (labels)")}${
    stat(run.meta.noFace.length, "photos with no face", l.href("files"))
  }${stat(new Set(run.errors.map((e) => e.path)).size, "unreadable files", l.href("files"))}</div>
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

/** The map page: the face atlas (faces on their UMAP places; zoom, pan, box selection). */
export function mapPage(m: SiteModel): SitePage {
  const title = "Map of the faces";
  if (!m.map) {
    return {
      id: "map",
      nav: "map",
      title,
      body: markup`<h1>${title}</h1><p class="empty">Too few faces for a map.</p>`,
    };
  }
  const hasPeople = m.run.truth !== undefined;
  const toggles = hasPeople
    ? markup`<span class="switch"><span><input type="radio" name="colour" id="colour-cluster" checked><label for="colour-cluster"> colour by cluster</label></span>
<span><input type="radio" name="colour" id="colour-person"><label for="colour-person"> colour by person (true labels)</label></span></span>`
    : markup``;
  const pinned = m.map.data.pinned.length;
  const body = markup`<h1>${title}</h1>
<p class="lead">Every one of the ${
    plural(m.run.faces.length, "face")
  } at its place on a map where look-alike faces sit close together (UMAP, ${m.map.neighbours} neighbours, seed ${m.map.seed}). <b>Scroll</b> to zoom in until the faces themselves appear, <b>drag</b> to move, <b>shift-drag</b> a box to list the faces inside it. Hover a face for its file name; click it to open its cluster. Colours show the clusters (20 colours, repeating); grey faces are unassigned.${
    pinned > 0 &&
    ` ${plural(pinned, "face")} far from all others ${
      pinned === 1 ? "is" : "are"
    } drawn on the edge of the map with a dark ring, so that the rest keeps its room.`
  }</p>
<div class="atlas-tools">${toggles}<button type="button" id="atlas-reset">Reset view</button> <span class="muted" id="atlas-status"></span></div>
<div class="maprow"><div class="mapbox" id="atlas-box"><canvas id="atlas" width="${m.map.data.w}" height="${m.map.data.h}" role="img" aria-label="Map of the faces: each face at its place, look-alike faces together"></canvas><div class="selbox" id="atlas-sel" hidden></div><div class="tip" id="map-tip" hidden><div class="face"></div><div class="name"></div><div class="meta muted"></div></div></div>
<aside class="atlas-list" id="atlas-list"><h2>Selected faces</h2><p class="count muted">Shift-drag a box on the map to list the faces in it here.</p><ol></ol></aside></div>
<script type="application/json" id="map-data">${jsonForScript(m.map.data)}</script>`;
  return { id: "map", nav: "map", title, body, scripts: [MAP_SCRIPT] };
}

function sheetsOf(
  m: SiteModel,
  c: ClusterInfo,
  count: number,
  home: boolean,
  links: boolean,
  scale = 1,
): SafeHtml[] {
  const foreign = foreignSet(c);
  const sheets = m.clusterSheets.get(c.id) ?? [];
  return sheets.slice(0, count).map((s, i) =>
    sheetHtml(
      s,
      tileInfo(m, (row) => ({ foreign: foreign.has(row) })),
      `Cluster ${c.id}, faces ${
        i === 0 ? 1 : sheets.slice(0, i).reduce((n, x) => n + x.tiles.length, 0) + 1
      }–${sheets.slice(0, i + 1).reduce((n, x) => n + x.tiles.length, 0)}`,
      { home, links, scale },
    )
  );
}

function clusterCard(m: SiteModel, c: ClusterInfo): SafeHtml {
  const href = m.l.href(clusterId(c.id));
  const photos = new Set(Array.from(c.rows, (r) => m.run.faces[r].imageId)).size;
  const size = plural(c.rows.length, "face") +
    (photos !== c.rows.length ? ` in ${plural(photos, "photo")}` : "");
  if (m.l.single) {
    // In one file the card is the cluster's only place: all its shown sheets and its names.
    const shown = (m.clusterSheets.get(c.id) ?? []).reduce((n, s) => n + s.tiles.length, 0);
    return markup`<div class="card" id="${
      clusterId(c.id)
    }"><h3>Cluster ${c.id} <span class="muted">${size}</span>${majorityTags(m, c)}</h3>${
      sheetsOf(m, c, Infinity, true, true)
    }${
      shown < c.rows.length &&
      markup`<p class="muted">Only the ${
        fmtCount(shown)
      } most typical faces are shown here; the report folder has them all.</p>`
    }${faceTable(m, c, true)}</div>`;
  }
  return markup`<div class="card"><h3><a href="${href}">Cluster ${c.id}</a> <span class="muted">${size}</span>${
    majorityTags(m, c)
  }</h3><a class="preview" href="${href}" aria-label="${`Cluster ${c.id}`}">${
    sheetsOf(m, c, 1, true, false, 0.75)
  }</a>${
    c.rows.length > (m.clusterSheets.get(c.id)?.[0]?.tiles.length ?? 0) &&
    markup`<p class="more"><a href="${href}">All ${plural(c.rows.length, "face")} →</a></p>`
  }</div>`;
}

/** Gallery page `p`: cluster cards, largest first. */
export function galleryPage(m: SiteModel, p: number): SitePage {
  const { start, end } = m.galleryPages[p];
  const ids = m.galleryPages.map((_, i) => m.l.href(galleryId(i)));
  const pager = renderPager(ids, p, "Cluster pages");
  const where = m.galleryPages.length > 1 ? ` Page ${p + 1} of ${m.galleryPages.length}.` : "";
  const legend = m.run.truth
    ? " A red frame marks a face of someone other than the cluster's majority person."
    : "";
  const intro = m.infos.length === 0
    ? markup`<p class="empty">No clusters.</p>`
    : markup`<p class="lead">Clusters ${fmtCount(start + 1)}–${fmtCount(end)} of ${
      fmtCount(m.infos.length)
    }, largest first; each shows its most typical faces first. Hover a face for its file name.${legend}${where}</p>`;
  const cards = m.infos.slice(start, end).map((c) => clusterCard(m, c));
  return {
    id: galleryId(p),
    nav: "gallery",
    title: `Clusters${p > 0 ? ` (page ${p + 1})` : ""}`,
    body: markup`<h1>Clusters</h1>${intro}${pager}<div class="cards">${cards}</div>${
      m.galleryPages.length > 1 && pager
    }`,
  };
}

function faceTable(m: SiteModel, c: ClusterInfo, collapsed: boolean): SafeHtml {
  const people = m.run.truth && m.run.truthNames;
  const foreign = foreignSet(c);
  const rows = Array.from(c.rows, (r, i) => {
    const f = m.run.faces[r];
    return markup`<tr${foreign.has(r) && trustedHtml(` class="foreign"`)}><td class="num">${i + 1}</td><td>${
      linkOrText(markup`<code>${f.path}</code>`, f.webUrl)
    }</td><td class="num">${f.face}</td><td class="num">${fmt(c.sims[i])}</td>${
      people &&
      markup`<td>${people[m.run.truth![r]]}${
        foreign.has(r) && markup` <span class="tag warn">other</span>`
      }</td>`
    }</tr>`;
  });
  const table =
    markup`<table class="data"><tr><th class="num">#</th><th>file</th><th class="num">face</th><th class="num">similarity to centre</th>${
      people && markup`<th>person (label)</th>`
    }</tr>${rows}</table>`;
  return collapsed
    ? markup`<details><summary>File names (${fmtCount(c.rows.length)})</summary>${table}</details>`
    : table;
}

/** The page of one cluster: all its faces from most to least typical, and their files. */
export function clusterPage(m: SiteModel, index: number): SitePage {
  const c = m.infos[index];
  const photos = new Set(Array.from(c.rows, (r) => m.run.faces[r].imageId)).size;
  const nav = (i: number, label: string) =>
    i >= 0 && i < m.infos.length
      ? markup`<a href="${m.l.href(clusterId(m.infos[i].id))}">${label}</a>`
      : markup`<span class="muted">${label}</span>`;
  const galleryPage = m.galleryPages.findIndex((r) => index >= r.start && index < r.end);
  const mean = c.sims.reduce((s, v) => s + v, 0) / Math.max(1, c.sims.length);
  const majority = !c.majority
    ? ""
    : c.majority.count === c.rows.length
    ? markup` All its faces are labelled <b>${personName(m, c.majority.label)}</b>.`
    : markup` A red frame marks a face of someone other than the majority person, <b>${
      personName(m, c.majority.label)
    }</b> (${fmtCount(c.majority.count)} of ${fmtCount(c.rows.length)} faces).`;
  const body = markup`<h1>Cluster ${c.id} <span class="muted">· ${plural(c.rows.length, "face")}${
    photos !== c.rows.length ? ` in ${plural(photos, "photo")}` : ""
  }</span></h1>
<p class="sub">${nav(index - 1, "← larger cluster")} · <a href="${
    m.l.href(galleryId(Math.max(0, galleryPage)))
  }">all clusters</a> · ${nav(index + 1, "smaller cluster →")}</p>
<p class="lead">Faces from most to least typical (similarity to the cluster's centre: mean ${
    fmt(mean)
  }, lowest ${
    fmt(c.sims[c.sims.length - 1] ?? NaN)
  }). The last faces are the first place to look for mistakes.${majority}</p>
<div class="split"><div class="sheets">${sheetsOf(m, c, Infinity, true, true)}</div>
<div><h2>Faces</h2>${faceTable(m, c, false)}</div></div>`;
  return { id: clusterId(c.id), nav: "gallery", title: `Cluster ${c.id}`, body };
}

/** Clusters that may hold two people (likely wrong merges: they should be split). */
export function mergesPage(m: SiteModel): SitePage {
  const cards = m.merges.map(({ suspect: s, sheets }) => {
    const c = m.byId.get(s.cluster)!;
    let verdict: SafeHtml = markup``;
    if (m.run.truth) {
      const maj = (rows: Int32Array) => {
        const counts = new Map<number, number>();
        for (const r of rows) counts.set(m.run.truth![r], (counts.get(m.run.truth![r]) ?? 0) + 1);
        return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
      };
      const [a, b] = [maj(s.groups[0]), maj(s.groups[1])];
      verdict = a === b
        ? markup`<span class="tag ok">labels: one person (${personName(m, a)})</span>`
        : markup`<span class="tag warn">labels: ${personName(m, a)} / ${personName(m, b)}</span>`;
    }
    const group = (k: 0 | 1, sheet: PlacedSheet) =>
      markup`<div><h4>Sub-group ${k === 0 ? "A" : "B"} · ${plural(s.groups[k].length, "face")}</h4>${
        sheetHtml(sheet, tileInfo(m), `Cluster ${s.cluster}, sub-group ${k === 0 ? "A" : "B"}`, {
          links: true,
        })
      }</div>`;
    return markup`<div class="card"><h3><a href="${
      m.l.href(clusterId(s.cluster))
    }">Cluster ${s.cluster}</a> <span class="muted">${
      plural(c.rows.length, "face")
    }</span><span class="tag" title="mean similarity to own sub-group centre minus to the other">gap ${
      fmt(s.gap)
    }</span><span class="tag" title="similarity of the two sub-group centres">centres ${
      fmt(s.centreSim)
    }</span>${s.likely && markup`<span class="tag warn">stands out</span>`}${verdict}</h3><div class="pair">${
      group(0, sheets[0])
    }${group(1, sheets[1])}</div></div>`;
  });
  const body = markup`<h1>${TWO.title}</h1>
<p class="lead">Each cluster below (of six or more faces) falls apart into two groups of look-alike faces, shown side by side: if the two groups are different people, the clustering wrongly put them together and the cluster should be split. The clearest cases come first. "Gap" is how much more the faces resemble their own group than the other one; "stands out" marks a gap far above the typical cluster's. (Technically: 2-means inside each cluster, the smaller group holding at least a fifth of its faces.)</p>
${
    cards.length
      ? markup`<div class="cards">${cards}</div>`
      : markup`<p class="empty">No cluster large enough to examine.</p>`
  }`;
  return { id: TWO.id, nav: TWO.id, title: TWO.title, body };
}

/** Pairs of clusters that may be one person (likely wrong splits: they should be merged). */
export function splitsPage(m: SiteModel): SitePage {
  const cards = m.splits.map((s) => {
    const a = m.byId.get(s.a)!, b = m.byId.get(s.b)!;
    let verdict: SafeHtml = markup``;
    if (a.majority && b.majority) {
      verdict = a.majority.label === b.majority.label
        ? markup`<span class="tag warn">labels: same person (${personName(m, a.majority.label)})</span>`
        : markup`<span class="tag ok">labels: different people</span>`;
    }
    const side = (c: ClusterInfo) =>
      markup`<div><h4><a href="${m.l.href(clusterId(c.id))}">Cluster ${c.id}</a> · ${
        plural(c.rows.length, "face")
      }</h4>${sheetsOf(m, c, 1, false, false, 0.75)}</div>`;
    return markup`<div class="card"><h3>Clusters ${s.a} and ${s.b} <span class="tag" title="similarity of the cluster centres">centres ${
      fmt(s.sim)
    }</span>${s.likely && markup`<span class="tag warn">close</span>`}${verdict}</h3><div class="pair">${
      side(a)
    }${side(b)}</div></div>`;
  });
  const body = markup`<h1>${ONE.title}</h1>
<p class="lead">Pairs of clusters that look most alike, most alike first: if both clusters show the same person, the clustering wrongly kept that person apart and the two should be one. "Close" marks pairs as alike as a typical face is to its own cluster. (Technically: the similarity of the clusters' centres.)</p>
${
    cards.length
      ? markup`<div class="cards">${cards}</div>`
      : markup`<p class="empty">Fewer than two clusters.</p>`
  }`;
  return { id: ONE.id, nav: ONE.id, title: ONE.title, body };
}

/** Number of unassigned pages. */
export function unassignedPageCount(m: SiteModel): number {
  const shown = m.unassignedSheets.reduce((n, s) => n + s.tiles.length, 0);
  return Math.max(1, Math.ceil(shown / m.unassignedPerPage));
}

/** Unassigned page `p`: faces in no cluster, closest to a cluster first. */
export function unassignedPage(m: SiteModel, p: number): SitePage {
  const pages = unassignedPageCount(m);
  const ids = Array.from({ length: pages }, (_, i) => m.l.href(unassignedId(i)));
  const pager = renderPager(ids, p, "Unassigned pages");
  const first = p * m.unassignedPerPage;
  const sheets: PlacedSheet[] = [];
  let at = 0;
  for (const s of m.unassignedSheets) {
    if (at >= first && at < first + m.unassignedPerPage) sheets.push(s);
    at += s.tiles.length;
  }
  const items = m.unassigned.slice(first, first + m.unassignedPerPage);
  const shown = m.unassignedSheets.reduce((n, s) => n + s.tiles.length, 0);
  const rows = items.map((u, i) => {
    const f = m.run.faces[u.row];
    return markup`<tr><td class="num">${first + i + 1}</td><td>${
      linkOrText(markup`<code>${f.path}</code>`, f.webUrl)
    }</td><td class="num">${f.face}</td><td>${
      u.cluster >= 0 ? markup`<a href="${m.l.href(clusterId(u.cluster))}">cluster ${u.cluster}</a>` : "–"
    }</td><td class="num">${fmt(u.sim)}</td>${
      m.run.truthNames && markup`<td>${m.run.truthNames[m.run.truth![u.row]]}</td>`
    }</tr>`;
  });
  const body = markup`<h1>Unassigned faces</h1>
<p class="lead">${plural(m.unassigned.length, "face")} in no cluster (a cluster needs at least ${
    plural(m.run.minClusterSize, "face")
  }), those most similar to a face of some cluster first: the likeliest misses.${
    shown < m.unassigned.length ? ` The first ${fmtCount(shown)} are shown.` : ""
  }${pages > 1 ? ` Page ${p + 1} of ${pages}.` : ""}</p>
${pager}
${
    items.length
      ? markup`<div class="split"><div class="sheets">${
        sheets.map((s) => sheetHtml(s, tileInfo(m), "Unassigned faces", { home: true, links: true }))
      }</div>
<div><h2>Nearest cluster</h2>
<table class="data"><tr><th class="num">#</th><th>file</th><th class="num">face</th><th>nearest cluster</th><th class="num">similarity</th>${
        m.run.truthNames && markup`<th>person (label)</th>`
      }</tr>${rows}</table></div></div>${pages > 1 && pager}`
      : markup`<p class="empty">None.</p>`
  }`;
  return { id: unassignedId(p), nav: "unassigned", title: "Unassigned faces", body };
}

/** Photos with no face and unreadable files. */
export function filesPage(m: SiteModel): SitePage {
  const noFace = [...m.run.meta.noFace].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const body = markup`<h1>Files without faces</h1>
<p class="lead">${assignmentsLine(m)}</p>
<h2>Photos with no face (${fmtCount(noFace.length)})</h2>
${renderNoFaceList(noFace)}
<h2>Unreadable files (${fmtCount(m.run.errors.length)})</h2>
${renderErrorsTable(m.run.errors)}`;
  return { id: "files", nav: "files", title: "Files without faces", body };
}

/** Varying parameters of a run as `k=v, ...` (all parameters when none vary). */
export function describeParams(r: RunRow, rows: readonly RunRow[]): string {
  const v = varyingParams(rows.filter((x) => x.method === r.method));
  const keys = v.length ? v : Object.keys(r.params);
  return keys.map((k) => `${k}=${paramText(r.params[k])}`).join(", ");
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
  const extra = ["bcubedP", "bcubedR", "pairwiseF1", "ari", "nmi", "silhouette", "clusters", "noiseShare"]
    .filter((k) => k !== metric && ok.some((r) => Number.isFinite(r.metrics[k])));
  const row = (r: RunRow, best: boolean) =>
    markup`<tr${best && trustedHtml(` class="best"`)}><td>${r.method}</td><td><code>${
      describeParams(r, s.rows)
    }</code></td><td class="num"><b>${fmt(r.metrics[metric], 4)}</b></td>${
      extra.map((k) => markup`<td class="num">${fmt(r.metrics[k], k === "clusters" ? 0 : 3)}</td>`)
    }<td class="num">${Number.isFinite(r.timeMs) ? fmtCount(Math.round(r.timeMs)) : "–"}</td></tr>`;
  // Whether this sweep's scores counted faces alone as clusters of one (its own runs say).
  const singletons = ok.some((r) => (r.metrics.singletonShare ?? 0) > 0);
  const th = (k: string) =>
    markup`<th class="num" title="${k}">${
      k === "clusters" && singletons ? "Clusters (any size)" : metricLabel(k)
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
  }, ranked by <b>${metricLabel(metric)}</b> (<code>${metric}</code>).${
    singletons &&
    ` In this sweep a face alone counts as a cluster of one, as the method returned it; the other pages count only clusters of at least ${
      plural(m.run.minClusterSize, "face")
    }.`
  }${
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
