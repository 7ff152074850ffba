/**
 * The exploration report of a run ("site"): overview with metrics and figures, a UMAP map of
 * the faces with hover thumbnails, the sweep, a gallery of clusters (largest first,
 * paginated), one page per cluster, likely wrong merges, likely splits and unassigned faces.
 * Written as a folder of static pages (`index.html`, ..., `assets/`) or as one self-contained
 * HTML file; either opens from disk or any static server with no network access.
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import sharp from "sharp";
import type { KnnGraph } from "../../graph/knn.ts";
import { defaultRadius, robustScaleLayout, scatterSvg } from "../../viz/scatter.ts";
import { type Layout, umapLayout } from "../../viz/umap.ts";
import {
  clusterInfos,
  mergeSuspects,
  nearestClusters,
  splitSuspects,
  type UnassignedFace,
} from "../analysis/analysis.ts";
import { writeFileAtomic } from "../../util/atomic_write.ts";
import type { Rgb } from "../contact_sheet.ts";
import { markup } from "../../util/html.ts";
import { planPages } from "../run/paginate.ts";
import type { RunData } from "../run_data.ts";
import { dataUri, linker, siteDocument, siteNav } from "./doc.ts";
import type { SiteModel, SitePage } from "./model.ts";
import { sitePages } from "./pages/mod.ts";
import { siteFigures, siteScores } from "./scores.ts";
import { atlasData } from "./pages/map.ts";
import { type PlacedSheet, SheetSink } from "./sheets.ts";
import { siteGraph } from "./site_graph.ts";
import type { SweepData } from "../sweep_data.ts";

/** Options of {@link buildSite} and {@link writeSite}. */
export interface SiteOptions {
  /** Title (default: the run's title). */
  title?: string;
  /** A sweep to show (see lib/report/sweep_data.ts). */
  sweep?: SweepData;
  /** Everything in one HTML file (data: URIs, smaller thumbnails, fewer faces). */
  singleFile?: boolean;
  /** Seed of UMAP and of the sampling (default 1). */
  seed?: number;
  /** UMAP neighbours (default 15). */
  neighbours?: number;
  /**
   * The run's k-NN graph, when it has one (`<run>/knn/`, saved by `deno task run` and read by makeReport): used for the map,
   * the unassigned faces and the internal metrics instead of computing one. Without it the graph
   * follows lib/scale/policy.ts (exact up to EXACT_KNN_MAX_ROWS faces, the IVF graph past it).
   */
  graph?: KnnGraph;
  /** A precomputed 2-D layout of the faces (skips UMAP). */
  layout?: Layout;
  /** Thumbnail edge on the sheets in pixels (default 80; 48 in a single file). */
  tile?: number;
  /** JPEG quality of the sheets (default 78; 65 in a single file). */
  quality?: number;
  /** Most faces shown per cluster (default all; 16 in a single file). */
  facesPerCluster?: number;
  /** Most unassigned faces shown (default all; 128 in a single file). */
  unassignedMax?: number;
  /** Clusters per gallery page (default 60). */
  clustersPerPage?: number;
  /** Unassigned faces per page (default 512). */
  unassignedPerPage?: number;
  /** Likely merges and likely splits listed (default 40 each; 20 in a single file). */
  suspects?: number;
  /** Face pairs sampled per similarity histogram (default 20,000). */
  pairs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * The run folder (where `assignments.csv` is): a report folder gets a copy of it, linked
   * from its pages; a single file names it.
   */
  runDir?: string;
}

/** The built report, ready to write. */
export interface BuiltSite {
  /** The computed model. */
  model: SiteModel;
  /** Every page. */
  pages: SitePage[];
  /** Sheet images (folder mode). */
  assets: Map<string, Uint8Array>;
}

const FOREIGN: Rgb = { r: 207, g: 34, b: 46 };
const PREVIEW = 16;
const PER_SHEET = 64;

const ASSIGNMENTS = "assignments.csv";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Computes everything the pages show, composing the contact sheets on the way. */
export async function buildSite(run: RunData, opts: SiteOptions = {}): Promise<BuiltSite> {
  const log = opts.log ?? (() => {});
  const single = opts.singleFile ?? false;
  const seed = opts.seed ?? 1;
  const l = linker(single);
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t0) / 1000;
    log(`report: ${name} ${timings[name].toFixed(1)} s`);
    t0 = now;
  };
  const n = run.faces.length;
  const sink = new SheetSink(run.thumbnails, single, {
    tile: opts.tile ?? (single ? 48 : 80),
    columns: 8,
    gap: 2,
    quality: opts.quality ?? (single ? 65 : 78),
  });

  // Clusters, most typical faces first; neighbours; the layout.
  const infos = clusterInfos(run.x, run.clusters, run.truth);
  const byId = new Map(infos.map((c) => [c.id, c]));
  const neighbours = Math.max(2, Math.min(opts.neighbours ?? 15, n - 2));
  let knn: KnnGraph | undefined;
  // The run's graph when given; else small sets in plain JavaScript, then exact, then IVF (policy).
  if (n >= 4) {
    const got = await siteGraph(run.x, neighbours, { given: opts.graph, log });
    knn = got.graph;
    log(`report: k-NN graph (k=${neighbours}) from ${got.source === "run" ? "the run" : got.source}`);
  }
  lap("clusters and neighbours");
  const layout = opts.layout ??
    (n >= 4 ? await umapLayout(run.x, { knn, nNeighbors: neighbours, seed }) : undefined);
  lap("umap");

  // Metrics (in words) and the counts by the one definition of a cluster; figures.
  const { external, internal, counts } = siteScores(run, seed, knn);
  lap("metrics");
  const figures = siteFigures(run, seed, opts.pairs ?? 20000);
  lap("figures");

  // Contact sheets: every cluster (most typical first, other people framed), unassigned faces.
  const facesPerCluster = opts.facesPerCluster ?? (single ? PREVIEW : Infinity);
  const clusterSheets = new Map<number, PlacedSheet[]>();
  for (const c of infos) {
    const count = Math.min(c.rows.length, facesPerCluster);
    const frames = c.foreign
      ? Array.from(c.foreign.subarray(0, count), (f) => (f ? FOREIGN : undefined))
      : undefined;
    clusterSheets.set(
      c.id,
      await sink.sheets(`cluster-${c.id}`, c.rows.subarray(0, count), PREVIEW, PER_SHEET, frames),
    );
  }
  const unassigned: UnassignedFace[] = knn
    ? nearestClusters(knn, run.clusters)
    : Array.from(run.clusters.entries()).filter(([, c]) => c < 0).map(([row]) => ({
      row,
      cluster: -1,
      sim: NaN,
    }));
  const unassignedMax = Math.min(unassigned.length, opts.unassignedMax ?? (single ? 128 : Infinity));
  const unassignedSheets = await sink.sheets(
    "unassigned",
    Int32Array.from(unassigned.slice(0, unassignedMax), (u) => u.row),
    PER_SHEET,
    PER_SHEET,
  );
  lap("contact sheets");

  // Quality pages.
  const top = opts.suspects ?? (single ? 20 : 40);
  const merges = [];
  for (const s of mergeSuspects(run.x, infos, { top })) {
    const a = await sink.sheet(`merge-${s.cluster}-a`, s.groups[0].subarray(0, PREVIEW));
    const b = await sink.sheet(`merge-${s.cluster}-b`, s.groups[1].subarray(0, PREVIEW));
    merges.push({ suspect: s, sheets: [a, b] as [PlacedSheet, PlacedSheet] });
  }
  const splits = await splitSuspects(infos, { top });
  lap("merges and splits");

  // The map: the face atlas's data, and a small preview picture for the overview.
  let map: SiteModel["map"];
  let mapPreview: string | undefined;
  if (layout) {
    const w = 1000, h = 700;
    // Fitted to the bulk of the faces: a few far outliers are pinned to the border.
    const { points, pinned } = robustScaleLayout(layout, { width: w, height: h });
    const homes: PlacedSheet[] = [...[...clusterSheets.values()].flat(), ...unassignedSheets];
    const data = atlasData(run, {
      w,
      h,
      points,
      pinned,
      homes,
      tile: sink.layout.tile,
      clusterHref: l.href("cluster-{id}"),
    });
    map = { data, neighbours, seed };
    // Drawn at full size and halved: twice the radius keeps the dots visible.
    const previewSvg = scatterSvg(points, [{ className: "by-cluster", groups: run.clusters }], {
      width: w,
      height: h,
      radius: Math.min(5, 2 * defaultRadius(n)),
    });
    const png = await sharp(Buffer.from(previewSvg)).resize(400).png({ compressionLevel: 9 }).toBuffer();
    const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
    if (single) mapPreview = dataUri(bytes, "image/png");
    else {
      sink.files.set("map-preview.png", bytes);
      mapPreview = "assets/map-preview.png";
    }
  }
  lap("map");

  const gallerySizes = infos.map((c) => clusterSheets.get(c.id)![0]?.tiles.length ?? 0);
  const model: SiteModel = {
    run,
    l,
    title: opts.title ?? run.meta.title,
    infos,
    counts,
    byId,
    clusterSheets,
    unassigned,
    unassignedSheets,
    unassignedPerPage: opts.unassignedPerPage ?? 512,
    merges,
    splits,
    external,
    internal,
    figures,
    mapPreview,
    map,
    sweep: opts.sweep,
    galleryPages: planPages(
      single ? infos.map((c) => Math.min(c.rows.length, facesPerCluster)) : gallerySizes,
      { clustersPerPage: opts.clustersPerPage ?? 60, facesPerPage: 1500 },
    ),
    facesPerCluster,
    timings,
    assignments: opts.runDir && await isFile(join(opts.runDir, ASSIGNMENTS))
      ? { path: join(opts.runDir, ASSIGNMENTS), href: single ? undefined : ASSIGNMENTS }
      : undefined,
  };

  const pages = sitePages(model);
  lap("pages");
  return { model, pages, assets: sink.files };
}

/** What {@link writeSite} wrote. */
export interface SiteFiles {
  /** The page to open (`index.html`, or the single file). */
  entry: string;
  /** Every file written. */
  files: string[];
  /** Bytes written in all. */
  bytes: number;
  /** Seconds per build step. */
  timings: Record<string, number>;
}

const OWN_FILE = /^(index|map|merges|splits|sweep|files|gallery(-\d+)?|unassigned(-\d+)?|cluster-\d+)\.html$/;
const OWN_ASSET = /^(cluster-\d+-\d+|unassigned-\d+|merge-\d+-[ab])\.jpg$|^map-preview\.png$/;

/** Removes report files of an earlier build in `dir` that this build did not write. */
async function removeStale(dir: string, pattern: RegExp, keep: Set<string>): Promise<void> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && pattern.test(e.name) && !keep.has(e.name)) await Deno.remove(join(dir, e.name));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Builds and writes the report of `run`: into the folder `out` (pages, `assets/`; earlier
 * report files that are no longer part of it are removed, anything else is left alone), or,
 * with `singleFile`, as the one HTML file `out`.
 */
export async function writeSite(out: string, run: RunData, opts: SiteOptions = {}): Promise<SiteFiles> {
  const built = await buildSite(run, opts);
  const { model, pages } = built;
  const encoder = new TextEncoder();
  if (opts.singleFile) {
    const scripts = [...new Set(pages.flatMap((p) => p.scripts ?? []))];
    const sections = pages.map((p) =>
      markup`<section class="page" id="${p.id}">${
        siteNav(model.l, p.nav, model.title)
      }<main>${p.body}</main></section>\n`
    );
    const text = siteDocument(model.title, markup`${sections}`, scripts);
    await writeFileAtomic(out, text);
    return { entry: out, files: [out], bytes: encoder.encode(text).length, timings: model.timings };
  }
  const files: string[] = [];
  let bytes = 0;
  const assetNames = new Set<string>();
  for (const [name, data] of built.assets) {
    const file = name.includes(".") ? name : `${name}.jpg`;
    assetNames.add(file);
    await writeFileAtomic(join(out, "assets", file), data);
    files.push(join(out, "assets", file));
    bytes += data.length;
  }
  if (model.assignments?.href) {
    // A copy beside the pages, so that the folder can be sent on its own.
    const data = await Deno.readFile(model.assignments.path);
    await writeFileAtomic(join(out, ASSIGNMENTS), data);
    files.push(join(out, ASSIGNMENTS));
    bytes += data.length;
  }
  const pageNames = new Set<string>();
  // index.html last, so that a reader never opens a half-written report.
  for (const p of [...pages.filter((p) => p.id !== "index"), ...pages.filter((p) => p.id === "index")]) {
    const text = siteDocument(
      `${p.title}${p.id === "index" ? "" : ` — ${model.title}`}`,
      markup`${siteNav(model.l, p.nav, model.title)}<main>${p.body}</main>`,
      p.scripts,
    );
    const name = `${p.id}.html`;
    pageNames.add(name);
    await writeFileAtomic(join(out, name), text);
    files.push(join(out, name));
    bytes += encoder.encode(text).length;
  }
  await removeStale(out, OWN_FILE, pageNames);
  await removeStale(join(out, "assets"), OWN_ASSET, assetNames);
  return { entry: join(out, "index.html"), files, bytes, timings: model.timings };
}
