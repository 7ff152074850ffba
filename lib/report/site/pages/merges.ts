/**
 * "Clusters that may hold two people": clusters that fall apart into two groups of look-alike
 * faces (likely wrong merges).
 * @module
 */
import { markup, type SafeHtml } from "../../../util/html.ts";
import { plural } from "../../run/render.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { type PlacedSheet, sheetHtml } from "../sheets.ts";
import { clusterId, clusterTitle, fmt, personName, tileInfo, TWO } from "./shared.ts";
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
        sheetHtml(sheet, tileInfo(m), `${clusterTitle(m, s.cluster)}, sub-group ${k === 0 ? "A" : "B"}`, {
          links: true,
        })
      }</div>`;
    return markup`<div class="card"><h3><a href="${m.l.href(clusterId(s.cluster))}">${
      clusterTitle(m, s.cluster)
    }</a> <span class="muted">${
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
