/**
 * The cluster gallery of the exploration site: cluster cards, largest first, paginated (in a
 * single file each card holds its cluster's sheets and names).
 * @module
 */
import { markup, type SafeHtml } from "../../../util/html.ts";
import { fmtCount, plural, renderPager } from "../../run/render.ts";
import type { ClusterInfo } from "../../analysis/analysis.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { clusterId, clusterTitle, faceTable, galleryId, majorityTags, sheetsOf } from "./shared.ts";
function clusterCard(m: SiteModel, c: ClusterInfo): SafeHtml {
  const href = m.l.href(clusterId(c.id));
  const photos = new Set(Array.from(c.rows, (r) => m.run.faces[r].imageId)).size;
  const size = plural(c.rows.length, "face") +
    (photos !== c.rows.length ? ` in ${plural(photos, "photo")}` : "");
  if (m.l.single) {
    // In one file the card is the cluster's only place: all its shown sheets and its names.
    const shown = (m.clusterSheets.get(c.id) ?? []).reduce((n, s) => n + s.tiles.length, 0);
    return markup`<div class="card" id="${clusterId(c.id)}"><h3>${
      clusterTitle(m, c.id)
    } <span class="muted">${size}</span>${majorityTags(m, c)}</h3>${sheetsOf(m, c, Infinity, true, true)}${
      shown < c.rows.length &&
      markup`<p class="muted">Only the ${
        fmtCount(shown)
      } most typical faces are shown here; the report folder has them all.</p>`
    }${faceTable(m, c, true)}</div>`;
  }
  return markup`<div class="card"><h3><a href="${href}">${
    clusterTitle(m, c.id)
  }</a> <span class="muted">${size}</span>${
    majorityTags(m, c)
  }</h3><a class="preview" href="${href}" aria-label="${clusterTitle(m, c.id)}">${
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
