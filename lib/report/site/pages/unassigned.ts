/**
 * The unassigned faces of the exploration site, closest to a cluster first, paginated.
 * @module
 */
import { markup } from "../../../util/html.ts";
import { fmtCount, linkOrText, plural, renderPager } from "../../run/render.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { type PlacedSheet, sheetHtml } from "../sheets.ts";
import { clusterId, clusterTitle, fmt, tileInfo, unassignedId } from "./shared.ts";
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
      u.cluster >= 0
        ? markup`<a href="${m.l.href(clusterId(u.cluster))}">${clusterTitle(m, u.cluster, true)}</a>`
        : "–"
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
