/**
 * The run folder's CSV files: `assignments.csv` (a face per row, with its cluster) and
 * `errors.csv` (files that failed), written atomically and read back.
 * @module
 */
import { writeFileAtomic } from "../util/atomic_write.ts";
import { csvRecord, parseCsv } from "../util/csv.ts";
import { compareText, type ReportError, type RunReport } from "./types.ts";

/** Header of the assignments CSV. */
export const ASSIGNMENTS_HEADER = ["path", "face", "x", "y", "w", "h", "score", "cluster", "person"] as const;

/** Header of the errors CSV. */
export const ERRORS_HEADER = ["path", "stage", "message"] as const;

/** A number rounded to an integer, or "" when not finite. */
function intOrEmpty(v: number): number | string {
  return Number.isFinite(v) ? Math.round(v) : "";
}

/**
 * The assignments CSV as text: header `path,face,x,y,w,h,score,cluster,person`, one row per
 * detected face (box rounded to integer pixels, score to 4 decimals, `person` the name a review
 * gave the face's person, else empty), and for each photo without a face one row with face -1,
 * empty box and score, cluster -1 and no person. Rows sorted by path then face.
 */
export function assignmentsCsv(report: Pick<RunReport, "faces" | "noFace">): string {
  type Row = { path: string; face: number; fields: (string | number)[] };
  const rows: Row[] = [];
  for (const f of report.faces) {
    rows.push({
      path: f.path,
      face: f.face,
      fields: [
        f.path,
        f.face,
        intOrEmpty(f.box.x),
        intOrEmpty(f.box.y),
        intOrEmpty(f.box.w),
        intOrEmpty(f.box.h),
        Number.isFinite(f.score) ? f.score.toFixed(4) : "",
        f.cluster,
        f.person ?? "",
      ],
    });
  }
  for (const n of report.noFace) {
    rows.push({ path: n.path, face: -1, fields: [n.path, -1, "", "", "", "", "", -1, ""] });
  }
  rows.sort((a, b) => compareText(a.path, b.path) || a.face - b.face);
  return csvRecord(ASSIGNMENTS_HEADER) + rows.map((r) => csvRecord(r.fields)).join("");
}

/** The errors CSV as text: header `path,stage,message`, rows sorted by path then stage. */
export function errorsCsv(errors: readonly ReportError[]): string {
  const rows = [...errors].sort((a, b) => compareText(a.path, b.path) || compareText(a.stage, b.stage));
  return csvRecord(ERRORS_HEADER) + rows.map((e) => csvRecord([e.path, e.stage, e.message])).join("");
}

/** Writes {@link assignmentsCsv} to `file`, atomically (temp file + rename). */
export async function writeAssignmentsCsv(
  file: string,
  report: Pick<RunReport, "faces" | "noFace">,
): Promise<void> {
  await writeFileAtomic(file, assignmentsCsv(report));
}

/** Writes {@link errorsCsv} to `file`, atomically (temp file + rename). */
export async function writeErrorsCsv(file: string, errors: readonly ReportError[]): Promise<void> {
  await writeFileAtomic(file, errorsCsv(errors));
}

/** Reads the rows of an errors CSV written by {@link errorsCsv} (header checked). */
export function parseErrorsCsv(text: string): ReportError[] {
  const [head, ...rows] = parseCsv(text);
  if (!head) return [];
  if (head.join(",") !== ERRORS_HEADER.join(",")) {
    throw new RangeError(
      `errors CSV: header is ${JSON.stringify(head.join(","))}, expected path,stage,message`,
    );
  }
  return rows.filter((r) => r.length >= 3).map(([path, stage, message]) => ({ path, stage, message }));
}
