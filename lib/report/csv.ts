/**
 * CSV outputs of a run (RFC 4180: comma-separated, CRLF line ends, quoted fields where needed).
 * @module
 */
import { writeFileAtomic } from "./atomic_write.ts";
import { compareText, type ReportError, type RunReport } from "./types.ts";

/** Header of the assignments CSV. */
export const ASSIGNMENTS_HEADER = ["path", "face", "x", "y", "w", "h", "score", "cluster", "person"] as const;

/** Header of the errors CSV. */
export const ERRORS_HEADER = ["path", "stage", "message"] as const;

/** Text that spreadsheets would run as a formula (or that starts with the guard itself). */
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * Escapes one CSV field per RFC 4180: a field holding a comma, a double quote, CR or LF (or
 * leading/trailing spaces, which some readers trim) is wrapped in double quotes, with inner
 * double quotes doubled. Numbers are written with `String()`.
 *
 * Text (never numbers) starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, so that
 * a file named `=HYPERLINK(...)` is shown, not run, by spreadsheet programs (OWASP's advice on
 * CSV injection); text starting with `'` gets one too, so that {@link parseCsv} can undo it
 * exactly.
 */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === "string" && FORMULA_START.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

/** One CSV record: escaped fields joined by commas, ending with CRLF. */
export function csvRecord(fields: readonly (string | number)[]): string {
  return fields.map(csvField).join(",") + "\r\n";
}

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

/**
 * Parses RFC 4180 CSV text (as written by {@link csvRecord}; LF line ends accepted too) into
 * records of fields. A trailing line end does not make an empty record. The `'` that
 * {@link csvField} puts before formula-like text is taken off again.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const unguard = (f: string) =>
    f.length > 1 && f[0] === "'" && FORMULA_START.test(f.slice(1)) ? f.slice(1) : f;
  const endRecord = () => {
    record.push(unguard(field));
    records.push(record);
    record = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ",") {
      record.push(unguard(field));
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      endRecord();
      i += 2;
    } else if (c === "\n") {
      endRecord();
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || record.length > 0) endRecord();
  return records;
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
