/**
 * "Clusters that may be one person": pairs of clusters that look alike (likely wrong splits).
 * @module
 */
import { markup, type SafeHtml } from "../../../util/html.ts";
import { plural } from "../../run/render.ts";
import type { ClusterInfo } from "../../analysis/analysis.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { clusterId, clusterTitle, fmt, ONE, personName, sheetsOf } from "./shared.ts";
/** "Clusters 3 and 5", or with a named person "Ada · cluster 3 and cluster 5". */
function pairTitle(m: SiteModel, a: number, b: number): string {
  return m.run.names[a] || m.run.names[b]
    ? `${clusterTitle(m, a)} and ${clusterTitle(m, b, true)}`
    : `Clusters ${a} and ${b}`;
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
      markup`<div><h4><a href="${m.l.href(clusterId(c.id))}">${clusterTitle(m, c.id)}</a> · ${
        plural(c.rows.length, "face")
      }</h4>${sheetsOf(m, c, 1, false, false, 0.75)}</div>`;
    return markup`<div class="card"><h3>${
      pairTitle(m, s.a, s.b)
    } <span class="tag" title="similarity of the cluster centres">centres ${fmt(s.sim)}</span>${
      s.likely && markup`<span class="tag warn">close</span>`
    }${verdict}</h3><div class="pair">${side(a)}${side(b)}</div></div>`;
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
