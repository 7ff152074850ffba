/**
 * The pages of the exploration site, a file per page (as Observable Plot keeps a file per
 * mark): overview, map, cluster gallery, one page per cluster, the two quality pages,
 * unassigned faces, the sweep and the files; what they share is in `shared.ts`.
 * {@link sitePages} lists them in the order they are written.
 * @module
 */
import { heatmapSpecs, metricByParamFigures, sweepHeatmap } from "../../../viz/sweep_figures.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { clusterPage } from "./cluster.ts";
import { filesPage } from "./files.ts";
import { galleryPage } from "./gallery.ts";
import { mapPage } from "./map.ts";
import { mergesPage } from "./merges.ts";
import { overviewPage } from "./overview.ts";
import { splitsPage } from "./splits.ts";
import { sweepPage } from "./sweep.ts";
import { unassignedPage, unassignedPageCount } from "./unassigned.ts";

export { clusterPage, filesPage, galleryPage, mapPage, mergesPage, overviewPage, splitsPage, sweepPage };
export { unassignedPage, unassignedPageCount };
export {
  assignmentsLine,
  clusterId,
  clusterTitle,
  describeParams,
  faceText,
  galleryId,
  unassignedId,
} from "./shared.ts";

/** Every page of the report of `m`, index first (no cluster pages in a single file). */
export function sitePages(m: SiteModel): SitePage[] {
  const sweep = m.sweep;
  const figures = sweep ? metricByParamFigures(sweep.rows, sweep.metric) : [];
  const heatmaps = sweep
    ? heatmapSpecs(sweep.rows).flatMap((s) => {
      const svg = sweepHeatmap(sweep.rows, { ...s, metric: sweep.metric });
      return svg ? [{ method: s.method, svg }] : [];
    })
    : [];
  const pages: SitePage[] = [overviewPage(m), mapPage(m)];
  m.galleryPages.forEach((_, p) => pages.push(galleryPage(m, p)));
  if (!m.l.single) m.infos.forEach((_, i) => pages.push(clusterPage(m, i)));
  pages.push(mergesPage(m), splitsPage(m));
  for (let p = 0; p < unassignedPageCount(m); p++) pages.push(unassignedPage(m, p));
  pages.push(sweepPage(m, figures, heatmaps), filesPage(m));
  return pages;
}
