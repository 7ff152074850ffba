/**
 * Writes the HTML report of a run: `index.html` plus further pages and `assets/` (contact
 * sheets), all in one folder that opens from disk without network access.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic_write.ts";
import { composeContactSheet, CONTACT_SHEET_DEFAULTS, type ContactSheetOptions } from "../contact_sheet.ts";
import { reportCounts } from "./counts.ts";
import { markup, type SafeHtml, safeHttpUrl } from "../../util/html.ts";
import { clusterPageFile, planPages, unassignedPageFile } from "./paginate.ts";
import {
  type ClusterView,
  fmtCount,
  plural,
  renderCluster,
  renderDocument,
  renderErrorsTable,
  renderFaceNames,
  renderNoFaceList,
  renderPager,
  renderSheet,
  renderSummary,
  type SheetView,
} from "./render.ts";
import { compareText, isAssigned, type ReportFace, type RunReport } from "../../run/types.ts";

/** Limits that keep every page quick to open. */
export interface RunReportOptions {
  /** Clusters per page at most (default 200). */
  clustersPerPage?: number;
  /** Faces per page at most (default 4000; a page always holds at least one cluster). */
  facesPerPage?: number;
  /** Unassigned faces shown on `index.html` at most, rounded up to whole sheets (default 256). */
  unassignedOnIndex?: number;
  /** Photos with no face, and errors, listed on `index.html` at most (default 500 each). */
  listOnIndex?: number;
  /** Contact sheet layout. */
  sheet?: ContactSheetOptions;
}

/** What {@link writeRunReport} wrote. */
export interface RunReportFiles {
  /** Every file written (pages and assets), as `outDir`-joined paths. */
  files: string[];
}

/** Faces sorted by path, then face index. */
function byPathThenFace(a: ReportFace, b: ReportFace): number {
  return compareText(a.path, b.path) || a.face - b.face;
}

/**
 * Writes `outDir/index.html` (counts, method, parameters, models, timings, the first page of
 * clusters largest first, unassigned faces, photos with no face, unreadable files), further
 * pages `clusters-2.html`, ... `unassigned.html`, ... `no-face.html`, `errors.html` when the
 * lists are long, and contact sheets under `outDir/assets/`. Files are written atomically,
 * `index.html` last. Files of an earlier report in `outDir` that this one does not need are
 * left in place (and not linked).
 */
export async function writeRunReport(
  outDir: string,
  report: RunReport,
  options: RunReportOptions = {},
): Promise<RunReportFiles> {
  const clustersPerPage = options.clustersPerPage ?? 200;
  const facesPerPage = options.facesPerPage ?? 4000;
  const unassignedOnIndex = options.unassignedOnIndex ?? 256;
  const listOnIndex = options.listOnIndex ?? 500;
  const sheetOpts = { ...CONTACT_SHEET_DEFAULTS, ...options.sheet };
  const files: string[] = [];

  // Group faces: clusters largest first (ties by id), faces by path then index.
  const groups = new Map<number, ReportFace[]>();
  const unassigned: ReportFace[] = [];
  for (const f of [...report.faces].sort(byPathThenFace)) {
    if (!isAssigned(f)) unassigned.push(f);
    else if (groups.has(f.cluster)) groups.get(f.cluster)!.push(f);
    else groups.set(f.cluster, [f]);
  }
  const clusters = [...groups].map(([id, faces]) => ({ id, faces }))
    .sort((a, b) => b.faces.length - a.faces.length || a.id - b.id);

  async function writeSheets(faces: readonly ReportFace[], prefix: string): Promise<SheetView[]> {
    const views: SheetView[] = [];
    for (let start = 0, k = 1; start < faces.length; start += sheetOpts.maxTiles, k++) {
      const chunk = faces.slice(start, start + sheetOpts.maxTiles);
      const sheet = await composeContactSheet(chunk.map((f) => f.thumbnail), sheetOpts);
      const name = `${prefix}-${k}.jpg`;
      const file = join(outDir, "assets", name);
      await writeFileAtomic(file, sheet.jpeg);
      files.push(file);
      views.push({
        src: `assets/${name}`,
        width: sheet.width,
        height: sheet.height,
        tiles: sheet.tiles.map((t) => ({ x: t.x, y: t.y, w: t.w, h: t.h, face: chunk[t.index] })),
      });
    }
    return views;
  }

  const views: ClusterView[] = [];
  for (const c of clusters) {
    const name = c.faces.find((f) => f.person)?.person;
    views.push({ ...c, ...(name ? { name } : {}), sheets: await writeSheets(c.faces, `cluster-${c.id}`) });
  }
  const unassignedSheets = await writeSheets(unassigned, "unassigned");

  const pages: [string, string][] = [];
  const title = report.title;
  const counts = reportCounts(report);

  // Cluster pages.
  const ranges = planPages(clusters.map((c) => c.faces.length), { clustersPerPage, facesPerPage });
  const clusterFiles = ranges.map((_, i) => clusterPageFile(i));
  const hoverHint = "Hover a face for its file name" +
    (report.faces.some((f) => safeHttpUrl(f.webUrl)) ? "; click it to open the photo." : ".");
  const clusterSection = (p: number): SafeHtml => {
    const { start, end } = ranges[p];
    const pager = renderPager(clusterFiles, p, "Cluster pages");
    const where = ranges.length > 1 ? ` (page ${p + 1} of ${ranges.length})` : "";
    const intro = views.length === 0
      ? markup`<p class="empty">No clusters.</p>`
      : markup`<p class="muted">Clusters ${fmtCount(start + 1)}–${fmtCount(end)} of ${
        fmtCount(views.length)
      }, largest first${where}. ${hoverHint}</p>`;
    const cards = views.slice(start, end).map(renderCluster);
    return markup`<h2 id="clusters">Clusters</h2>\n${intro}${pager}<div class="clusters">\n${cards}</div>${
      ranges.length > 1 && pager
    }`;
  };
  const back = markup`<p class="sub"><a href="index.html">← Summary</a></p>`;
  const subPage = (name: string, heading: string, body: SafeHtml) =>
    pages.push([name, renderDocument(`${title} — ${heading}`, markup`<h1>${title}</h1>\n${back}\n${body}`)]);
  for (let p = 1; p < ranges.length; p++) {
    subPage(clusterFiles[p], `clusters page ${p + 1}`, clusterSection(p));
  }

  // Unassigned faces: on the index when few, else the first sheets there and all of them on own pages.
  const sheetsPerPage = Math.max(1, Math.floor(facesPerPage / sheetOpts.maxTiles));
  const sheetsOnIndex = Math.max(1, Math.ceil(unassignedOnIndex / sheetOpts.maxTiles));
  const unassignedPaged = unassigned.length > unassignedOnIndex;
  const unassignedFiles: string[] = [];
  if (unassignedPaged) {
    for (let s = 0; s < unassignedSheets.length; s += sheetsPerPage) {
      unassignedFiles.push(unassignedPageFile(unassignedFiles.length));
    }
  }
  const sheetsBlock = (sheets: SheetView[]) => {
    const faces = sheets.flatMap((s) => s.tiles.map((t) => t.face));
    const imgs = sheets.map((s) => renderSheet(s, `Unassigned faces: ${plural(s.tiles.length, "face")}`));
    return markup`<div class="clusters">${imgs}</div>${renderFaceNames(faces)}`;
  };
  for (let p = 0; p < unassignedFiles.length; p++) {
    const pager = renderPager(unassignedFiles, p, "Unassigned pages");
    const sheets = unassignedSheets.slice(p * sheetsPerPage, (p + 1) * sheetsPerPage);
    subPage(
      unassignedFiles[p],
      `unassigned faces page ${p + 1}`,
      markup`<h2 id="unassigned">Unassigned faces</h2><p class="muted">${
        plural(unassigned.length, "face")
      } in no cluster. Page ${p + 1} of ${unassignedFiles.length}. ${hoverHint}</p>${pager}${
        sheetsBlock(sheets)
      }${pager}`,
    );
  }
  let unassignedSection: SafeHtml;
  if (unassigned.length === 0) unassignedSection = markup`<p class="empty">None.</p>`;
  else if (!unassignedPaged) {
    unassignedSection = markup`<p class="muted">${
      plural(unassigned.length, "face")
    } in no cluster. ${hoverHint}</p>${sheetsBlock(unassignedSheets)}`;
  } else {
    const shown = unassignedSheets.slice(0, sheetsOnIndex);
    const n = shown.reduce((s, v) => s + v.tiles.length, 0);
    unassignedSection = markup`<p class="muted">${
      plural(unassigned.length, "face")
    } in no cluster; the first ${fmtCount(n)} shown here. ${hoverHint}</p>${
      sheetsBlock(shown)
    }<p class="more"><a href="${unassignedFiles[0]}">All ${
      plural(unassigned.length, "unassigned face")
    } →</a></p>${renderPager(unassignedFiles, -1, "Unassigned pages")}`;
  }

  // Photos with no face and unreadable files: capped on the index, in full on own pages.
  const noFace = [...report.noFace].sort((a, b) => compareText(a.path, b.path));
  const errors = [...report.errors].sort((a, b) =>
    compareText(a.path, b.path) || compareText(a.stage, b.stage)
  );
  const noFaceHeading = `Photos with no face (${fmtCount(noFace.length)})`;
  const errorsHeading = `Unreadable files (${fmtCount(counts.unreadable)})`;
  const noFacePaged = noFace.length > listOnIndex;
  const errorsPaged = errors.length > listOnIndex;
  if (noFacePaged) {
    subPage(
      "no-face.html",
      "photos with no face",
      markup`<h2 id="no-face">${noFaceHeading}</h2>${renderNoFaceList(noFace)}`,
    );
  }
  if (errorsPaged) {
    subPage(
      "errors.html",
      "unreadable files",
      markup`<h2 id="errors">${errorsHeading}</h2>${renderErrorsTable(errors)}`,
    );
  }
  const capNote = (n: number, file: string, what: string) =>
    markup`<p class="more">The first ${fmtCount(listOnIndex)} of ${
      fmtCount(n)
    } shown. <a href="${file}">All ${what} →</a></p>`;

  const index = renderDocument(
    title,
    markup`${renderSummary(report, counts)}
${clusterSection(0)}
<h2 id="unassigned">Unassigned faces</h2>
${unassignedSection}
<h2 id="no-face">${noFaceHeading}</h2>
${renderNoFaceList(noFacePaged ? noFace.slice(0, listOnIndex) : noFace)}${
      noFacePaged && capNote(noFace.length, "no-face.html", "photos with no face")
    }
<h2 id="errors">${errorsHeading}</h2>
${renderErrorsTable(errorsPaged ? errors.slice(0, listOnIndex) : errors)}${
      errorsPaged && capNote(errors.length, "errors.html", "errors")
    }`,
  );
  pages.push(["index.html", index]);

  for (const [name, text] of pages) {
    const file = join(outDir, name);
    await writeFileAtomic(file, text);
    files.push(file);
  }
  return { files };
}
