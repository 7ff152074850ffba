/**
 * The page of one cluster: its faces from most to least typical, and their files.
 * @module
 */
import { markup } from "../../../util/html.ts";
import { fmtCount, plural } from "../../run/render.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { clusterId, clusterTitle, faceTable, fmt, galleryId, personName, sheetsOf } from "./shared.ts";
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
  const body = markup`<h1>${clusterTitle(m, c.id)} <span class="muted">· ${plural(c.rows.length, "face")}${
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
  return { id: clusterId(c.id), nav: "gallery", title: clusterTitle(m, c.id), body };
}
