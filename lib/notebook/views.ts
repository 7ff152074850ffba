/**
 * Ready-made views for the notebooks, so that each cell stays one call: the survey of a
 * source, the models, detection statistics, sweep tables and figures, and contact sheets.
 * Every outside string (file names, labels) goes through escaped tables and grids.
 * @module
 */
import * as Plot from "@observablehq/plot";
import { relative } from "node:path";
import { markup, type SafeHtml } from "../util/html.ts";
import type { ClusterInfo } from "../report/analysis/analysis.ts";
import { composeContactSheet, type Rgb } from "../report/contact_sheet.ts";
import { clusterTitleOf, type RunData } from "../report/run_data.ts";
import type { ReportError } from "../run/types.ts";
import { findModel, loadCatalogue } from "../models/catalogue.ts";
import { bestBy, clustersColumn, type RunRow } from "../sweep/selection.ts";
import { CLUSTER_WORDS } from "../metrics/clusters.ts";
import { plotSvg } from "../viz/svg.ts";
import {
  heatmapSpecs,
  metricByParamFigures,
  paramText,
  sweepHeatmap,
  varyingParams,
} from "../viz/sweep_figures.ts";
import { metricWords } from "../report/site/words.ts";
import { type Displayable, figure, html, image, markdown } from "./display.ts";
import { imageGrid } from "./image_grid.ts";
import { NOTEBOOKS_DIR } from "./settings.ts";
import type { SourceSurvey } from "./survey.ts";
import { type Cell, keyValueTable, table } from "./table.ts";
import { formatBytes } from "../util/progress.ts";

/** Bytes as `12.3 MB` (re-exported from lib/util/progress.ts). */
export { formatBytes };

/** A table of failed files (path, stage, reason), or a line saying there are none. */
export function failuresTable(failures: readonly ReportError[], what = "unreadable files"): Displayable {
  if (failures.length === 0) return markdown(`No ${what}.`);
  return table(failures.map((f) => ({ path: f.path, stage: f.stage, reason: f.message })), {
    caption: `${failures.length} ${what}`,
  });
}

/** Notebook 01: counts, file types, folders, the sample grid and the unreadable files. */
export function surveyViews(s: SourceSurvey): Displayable[] {
  const counts: Record<string, Cell> = {
    source: s.description,
    photos: s.photos,
    size: formatBytes(s.bytes),
    "top-level folders": s.byFolder.length,
    ...(s.labelled ? { "photos with a label": s.labelled } : {}),
    "probed (test-decoded)": s.probed,
    unreadable: s.unreadable.length,
  };
  const groups = (g: SourceSurvey["byExtension"], name: string) =>
    g.map((x) => ({ [name]: x.name, photos: x.photos, size: formatBytes(x.bytes) }));
  return [
    keyValueTable(counts, { caption: "Source" }),
    table(groups(s.byExtension, "type"), { caption: "By file type" }),
    table(groups(s.byFolder, "folder"), { caption: "By top-level folder", maxRows: 30 }),
    imageGrid(
      s.sample.map((p) => ({
        image: p.thumbnail,
        caption: p.ref.path.slice(p.ref.path.lastIndexOf("/") + 1),
        title: p.size ? `${p.ref.path} (${p.size[0]}×${p.size[1]})` : `${p.ref.path} (unreadable)`,
        frame: p.thumbnail ? undefined : "#cf222e",
      })),
      { heading: `A sample of ${s.sample.length} photos`, size: 140 },
    ),
    failuresTable(s.unreadable, `unreadable files among the ${s.probed} probed`),
  ];
}

/** The models of a run (ids from run.json) with what the catalogue says of them. */
export async function modelsTable(ids: readonly string[]): Promise<Displayable> {
  const cat = await loadCatalogue();
  return table(
    ids.map((id) => {
      const m = findModel(cat, id);
      return {
        model: id,
        task: m.task,
        family: m.family,
        input: `${m.input.width}×${m.input.height} ${m.input.colorOrder}`,
        weights: m.file,
        description: m.description ?? "",
      };
    }),
    { caption: "Models" },
  );
}

/** Detection statistics of a run. */
export interface DetectionStats {
  /** Photos listed. */
  photos: number;
  /** Photos that could not be read or decoded. */
  unreadable: number;
  /** Photos read with no face. */
  noFace: number;
  /** Faces found. */
  faces: number;
  /** Number of photos per face count (index = faces in the photo). */
  facesPerPhoto: number[];
  /** Detector scores: min, median, max (NaN without faces). */
  score: [number, number, number];
  /** Face box widths in pixels: min, median, max (NaN without faces). */
  width: [number, number, number];
}

function spread(values: number[]): [number, number, number] {
  if (values.length === 0) return [NaN, NaN, NaN];
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return [v[0], mid, v[v.length - 1]];
}

/** Counts faces per photo, scores and sizes from a loaded run. */
export function detectionStats(run: RunData): DetectionStats {
  const perPath = new Map<string, number>();
  for (const f of run.faces) perPath.set(f.path, (perPath.get(f.path) ?? 0) + 1);
  const facesPerPhoto = [run.meta.noFace.length];
  for (const c of perPath.values()) {
    while (facesPerPhoto.length <= c) facesPerPhoto.push(0);
    facesPerPhoto[c]++;
  }
  return {
    photos: run.meta.images,
    unreadable: run.errors.length,
    noFace: run.meta.noFace.length,
    faces: run.faces.length,
    facesPerPhoto,
    score: spread(run.faces.flatMap((f) => (f.score === undefined ? [] : [f.score]))),
    width: spread(run.faces.flatMap((f) => (f.box ? [f.box[2]] : []))),
  };
}

/** Bar chart: photos per number of faces found in them, as SVG. */
export function facesPerPhotoFigure(facesPerPhoto: readonly number[]): string {
  const data = facesPerPhoto.map((photos, faces) => ({ faces: String(faces), photos }));
  return plotSvg({
    width: 560,
    height: 220,
    x: { label: "faces in the photo", type: "band" },
    y: { label: "photos", grid: true },
    marks: [
      Plot.barY(data, { x: "faces", y: "photos", fill: "#4269d0" }),
      Plot.text(data, { x: "faces", y: "photos", text: (d: { photos: number }) => String(d.photos), dy: -6 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Notebook 02: the statistics table, the faces-per-photo figure, photos with most faces. */
export function detectionViews(run: RunData): Displayable[] {
  const s = detectionStats(run);
  const f = (v: number) => (Number.isFinite(v) ? v : NaN);
  const perPath = new Map<string, number>();
  for (const face of run.faces) perPath.set(face.path, (perPath.get(face.path) ?? 0) + 1);
  const most = [...perPath].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return [
    keyValueTable({
      photos: s.photos,
      "photos with faces": s.photos - s.noFace - s.unreadable,
      "photos without a face": s.noFace,
      "unreadable photos": s.unreadable,
      faces: s.faces,
      "faces per readable photo": s.photos - s.unreadable > 0 ? s.faces / (s.photos - s.unreadable) : NaN,
      "detector score (min / median / max)": s.score.map((v) => f(v).toFixed(3)).join(" / "),
      "face width px (min / median / max)": s.width.map((v) => f(v).toFixed(0)).join(" / "),
    }, { caption: "Detection statistics", digits: 2 }),
    figure(facesPerPhotoFigure(s.facesPerPhoto), "photos per number of faces"),
    table(most.map(([path, faces]) => ({ photo: path, faces })), { caption: "Photos with the most faces" }),
  ];
}

/** Parameters of a run that vary in the sweep, as `a=1 b=x`. */
export function shortParams(r: RunRow, varying: readonly string[]): string {
  return varying.filter((p) => p in r.params).map((p) => `${p}=${paramText(r.params[p])}`).join(" ");
}

/**
 * Sweep rows ranked by `metric` (best first; failed runs last): method, the parameters that
 * vary within the method (among `context`, default `rows`), cluster count, time, and the
 * metrics named.
 */
export function sweepTable(
  rows: readonly RunRow[],
  metric: string,
  opts: { metrics?: readonly string[]; top?: number; caption?: string; context?: readonly RunRow[] } = {},
): Displayable {
  const metrics = opts.metrics ?? [metric];
  const context = opts.context ?? rows;
  const varyingOf = new Map<string, string[]>();
  for (const m of new Set(rows.map((r) => r.method))) {
    varyingOf.set(m, varyingParams(context.filter((r) => r.method === m)));
  }
  const ranked = [...rows].sort((a, b) => {
    const va = a.error ? NaN : a.metrics[metric], vb = b.error ? NaN : b.metrics[metric];
    const fa = Number.isFinite(va), fb = Number.isFinite(vb);
    if (fa !== fb) return fa ? -1 : 1;
    const better = bestBy([a, b], metric);
    return fa && va !== vb ? (better === a ? -1 : 1) : 0;
  }).slice(0, opts.top ?? 20);
  // "clusters" by the one definition (groups of 2+ faces; lib/metrics/clusters.ts), as the run
  // folder and the report count them; an older sweep's rows say "any size".
  const clusters = clustersColumn(context);
  return table(
    ranked.map((r) => ({
      method: r.method,
      params: shortParams(r, varyingOf.get(r.method) ?? []),
      [clusters]: r.metrics.clusters ?? NaN,
      ...("seenOnce" in r.metrics ? { [CLUSTER_WORDS.seenOnce]: r.metrics.seenOnce } : {}),
      "ms": Math.round(r.timeMs),
      ...Object.fromEntries(metrics.map((m) => [m, r.metrics[m] ?? NaN])),
      ...(r.error ? { error: r.error } : {}),
    })),
    { caption: opts.caption ?? `Runs by ${metric} (${rows.length} in all)` },
  );
}

/** Metrics worth a column for a sweep ranked by `metric`: quality with labels, else internal ones. */
export function sweepMetricsShown(rows: readonly RunRow[], metric: string): string[] {
  const has = (m: string) => rows.some((r) => Number.isFinite(r.metrics[m]));
  const wanted = has("bcubedF1")
    ? [metric, "bcubedF1", "bcubedP", "bcubedR", "pairwiseF1", "nmi", "silhouette", "singletonShare"]
    : [metric, "silhouette", "daviesBouldin", "singletonShare", "noiseShare"];
  return [...new Set(wanted)].filter(has);
}

/**
 * What the scores named in the tables mean, in the report's words (lib/report/site/words.ts):
 * technical name, plain name, one line.
 */
export function metricGlossary(names: readonly string[], minClusterSize = 2): Displayable {
  return table(
    [...new Set(names)].map((name) => {
      const w = metricWords(name, minClusterSize);
      return { score: name, "plain name": w.label, "what it means": w.explain };
    }),
    { caption: "What the scores mean" },
  );
}

/** The best run of each method by `metric`, as a table. */
export function bestPerMethodTable(
  rows: readonly RunRow[],
  metric: string,
  metrics?: readonly string[],
): Displayable {
  const best = [...new Set(rows.map((r) => r.method))].flatMap((m) => {
    const b = bestBy(rows.filter((r) => r.method === m && !r.error), metric);
    return b ? [b] : [];
  });
  return sweepTable(best, metric, {
    metrics,
    top: best.length,
    context: rows,
    caption: `Best run of each method by ${metric}`,
  });
}

/** Sweep figures: `metric` against the main hyperparameter per method, then the heatmaps. */
export function sweepFigures(rows: readonly RunRow[], metric: string): Displayable[] {
  const lines = metricByParamFigures(rows, metric).map((f) => figure(f.svg, `${f.method}: ${metric}`));
  const maps = heatmapSpecs(rows).flatMap((spec) => {
    const svgText = sweepHeatmap(rows, { ...spec, metric });
    return svgText ? [figure(svgText, `${spec.method}: ${metric} over ${spec.x} × ${spec.y}`)] : [];
  });
  return [...lines, ...maps];
}

const FOREIGN: Rgb = { r: 207, g: 34, b: 46 };

/**
 * A cluster as the reports head it: `Ada · cluster 3` when a review named its person, else
 * `Cluster 3` (plain text; {@link clusterHeading} escapes it).
 */
export function clusterTitle(run: Pick<RunData, "names">, id: number, lower = false): string {
  return clusterTitleOf(run, id, lower);
}

/**
 * A line heading a cluster in a notebook: its title in bold (with the name a review gave its
 * person, escaped: never markdown built from outside strings), then `note`, e.g.
 * `: 12 faces`.
 */
export function clusterHeading(run: Pick<RunData, "names">, id: number, note = ""): Displayable {
  const title = clusterTitle(run, id);
  return html(markup`<p><b>${title}</b>${note}</p>`, `${title}${note}`);
}

/** Two clusters as a heading: `Clusters 3 and 5`, or `Ada · cluster 3 and cluster 5`. */
export function clusterPairTitle(run: Pick<RunData, "names">, a: number, b: number): string {
  return run.names[a] || run.names[b]
    ? `${clusterTitle(run, a)} and ${clusterTitle(run, b, true)}`
    : `Clusters ${a} and ${b}`;
}

/**
 * A contact sheet of one cluster (most typical faces first, at most `max`), faces of another
 * person than the cluster's majority framed in red when labels are known.
 */
export async function clusterSheet(
  run: RunData,
  info: Pick<ClusterInfo, "rows" | "foreign">,
  opts: { max?: number; tile?: number; columns?: number; text?: string } = {},
): Promise<Displayable> {
  const rows = info.rows.subarray(0, opts.max ?? 32);
  const sheet = await composeContactSheet(
    Array.from(rows, (r) => run.thumbnails[r]),
    { tile: opts.tile ?? 72, columns: opts.columns ?? 12, maxTiles: rows.length || 1 },
    info.foreign ? Array.from(rows, (_, i) => (info.foreign![i] ? FOREIGN : undefined)) : undefined,
  );
  return image(sheet.jpeg, opts.text ?? `[contact sheet of ${rows.length} faces]`);
}

/** Face thumbnails with their row numbers as captions (for manual validation). */
export function facesGrid(run: RunData, rows: ArrayLike<number>, heading?: string): Displayable {
  return imageGrid(
    Array.from(rows, (r) => ({
      image: run.thumbnails[r],
      caption: `#${r}`,
      title: `${run.faces[r].path} face ${run.faces[r].face}`,
    })),
    { size: 72, heading },
  );
}

/**
 * Links to report files, relative to the notebooks folder (so that Jupyter's file server
 * opens them when they lie under its root), each with its full path as text.
 */
export function reportLinks(paths: readonly string[], from = NOTEBOOKS_DIR): SafeHtml {
  const items = paths.map((p) => {
    const href = relative(from, p).split("/").map(encodeURIComponent).join("/");
    return markup`<li><a href="${href}" target="_blank" rel="noopener">${p}</a></li>`;
  });
  return markup`<ul>${items}</ul>`;
}
