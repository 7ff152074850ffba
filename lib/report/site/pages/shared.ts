/**
 * What the pages of the exploration site share: page ids, number formats, face hover texts,
 * cluster titles (a named person's cluster is "Ada · cluster 3"), tags, stat boxes, figures,
 * contact sheets of a cluster, its face table and the assignments.csv line. Every string from
 * outside goes through the escaping {@link markup} template.
 * @module
 */
import { markup, type SafeHtml, trustedHtml } from "../../../util/html.ts";
import { clusterTitleOf } from "../../run_data.ts";
import { fmtCount, linkOrText, plural } from "../../run/render.ts";
import type { ClusterInfo } from "../../analysis/analysis.ts";
import type { SiteModel } from "../model.ts";
import { sheetHtml, type TileInfo } from "../sheets.ts";
import { paramText, varyingParams } from "../../../viz/sweep_figures.ts";
import type { RunRow } from "../../../sweep/selection.ts";
import { QUALITY_PAGES } from "../words.ts";

/** The two quality pages' words (lib/report/site/words.ts). */
export const TWO = QUALITY_PAGES.twoPeople, ONE = QUALITY_PAGES.onePerson;

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

/** A number with `digits` decimals, or a dash when not finite. */
export function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "–";
}

/**
 * Hover text of a face: file name, face index, the person when known (labels), and its
 * cluster's name when a review named it.
 */
export function faceText(m: SiteModel, row: number): string {
  const f = m.run.faces[row];
  const person = m.run.truth && m.run.truthNames ? ` · ${m.run.truthNames[m.run.truth[row]]}` : "";
  const named = clusterPersonName(m, m.run.clusters[row]);
  return `${f.path} · face ${f.face}${person}${named ? ` · ${clusterTitle(m, m.run.clusters[row])}` : ""}`;
}

/** Tile info (hover label, link) of each face of a sheet. */
export function tileInfo(
  m: SiteModel,
  extra?: (row: number) => Partial<TileInfo>,
): (row: number) => TileInfo {
  return (row) => ({ label: faceText(m, row), href: m.run.faces[row].webUrl, ...extra?.(row) });
}

/** The name a review gave the person of shown cluster `id`, or "" (see RunData.names). */
export function clusterPersonName(m: SiteModel, id: number): string {
  return id >= 0 ? m.run.names[id] ?? "" : "";
}

/**
 * A cluster as text, as the run report heads it: `Ada · cluster 3` for a named person's
 * cluster, `Cluster 3` otherwise (`cluster 3` with `lower`; see {@link clusterTitleOf}).
 */
export function clusterTitle(m: SiteModel, id: number, lower = false): string {
  return clusterTitleOf(m.run, id, lower);
}

/** The true identity `label` by name (labels), or its number. */
export function personName(m: SiteModel, label: number): string {
  return m.run.truthNames?.[label] ?? String(label);
}

/** Tags of a cluster: its majority person and how many faces are someone else. */
export function majorityTags(m: SiteModel, c: ClusterInfo): SafeHtml {
  if (!c.majority || !c.foreign) return markup``;
  const others = c.rows.length - c.majority.count;
  return markup`<span class="tag" title="majority person">${personName(m, c.majority.label)} · ${
    fmtCount(c.majority.count)
  }/${fmtCount(c.rows.length)}</span>${
    others > 0 && markup`<span class="tag warn">${plural(others, "face")} of other people</span>`
  }`;
}

/** Rows of a cluster's faces that are someone other than its majority person (labels). */
export function foreignSet(c: ClusterInfo): Set<number> {
  const s = new Set<number>();
  c.foreign?.forEach((f, i) => f && s.add(c.rows[i]));
  return s;
}
/** A stat box: a count and its label, linked when `href` is given. */
export function stat(n: number | string, label: string, href?: string): SafeHtml {
  const value = typeof n === "number" ? fmtCount(n) : n;
  return href
    ? markup`<a class="stat" href="${href}"><b>${value}</b><span>${label}</span></a>`
    : markup`<div class="stat"><b>${value}</b><span>${label}</span></div>`;
}

/** A figure with its caption (nothing without an SVG). */
export function fig(caption: string, svg: string | undefined): SafeHtml {
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
/** The first `count` contact sheets of a cluster, captioned with its title. */
export function sheetsOf(
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
      `${clusterTitle(m, c.id)}, faces ${
        i === 0 ? 1 : sheets.slice(0, i).reduce((n, x) => n + x.tiles.length, 0) + 1
      }–${sheets.slice(0, i + 1).reduce((n, x) => n + x.tiles.length, 0)}`,
      { home, links, scale },
    )
  );
}
/** The faces of a cluster as a table (file, face, similarity, label), optionally collapsed. */
export function faceTable(m: SiteModel, c: ClusterInfo, collapsed: boolean): SafeHtml {
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
/** Varying parameters of a run as `k=v, ...` (all parameters when none vary). */
export function describeParams(r: RunRow, rows: readonly RunRow[]): string {
  const v = varyingParams(rows.filter((x) => x.method === r.method));
  const keys = v.length ? v : Object.keys(r.params);
  return keys.map((k) => `${k}=${paramText(r.params[k])}`).join(", ");
}
