/**
 * Photos with no face and unreadable files.
 * @module
 */
import { markup } from "../../../util/html.ts";
import { fmtCount, renderErrorsTable, renderNoFaceList } from "../../run/render.ts";
import type { SiteModel, SitePage } from "../model.ts";
import { assignmentsLine } from "./shared.ts";
/** Photos with no face and unreadable files. */
export function filesPage(m: SiteModel): SitePage {
  const noFace = [...m.run.meta.noFace].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const body = markup`<h1>Files without faces</h1>
<p class="lead">${assignmentsLine(m)}</p>
<h2>Photos with no face (${fmtCount(noFace.length)})</h2>
${renderNoFaceList(noFace)}
<h2>Unreadable files (${fmtCount(m.run.errors.length)})</h2>
${renderErrorsTable(m.run.errors)}`;
  return { id: "files", nav: "files", title: "Files without faces", body };
}
