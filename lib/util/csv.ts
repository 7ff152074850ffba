/**
 * CSV text (RFC 4180: comma-separated, CRLF line ends, quoted fields where needed), written
 * safely for spreadsheets, and read back.
 * @module
 */

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
