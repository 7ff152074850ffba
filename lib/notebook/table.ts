/**
 * Tables for notebooks: rows of values as an escaped HTML table (with a plain-text form that
 * lines up in a terminal), numbers right-aligned and rounded.
 * @module
 */
import { markup, SafeHtml } from "../util/html.ts";
import { type Displayable, displayable } from "./display.ts";

/** A table cell: text is escaped; {@link SafeHtml} (e.g. an image) is inserted as is. */
export type Cell = string | number | boolean | null | undefined | SafeHtml;

/** Options of {@link table}. */
export interface TableOptions {
  /** Columns in order (default: the keys of all rows, first seen first). */
  columns?: readonly string[];
  /** Header text per column (default: the column key). */
  headers?: Readonly<Record<string, string>>;
  /** Caption above the table. */
  caption?: string;
  /** Significant decimals of non-integer numbers (default 4). */
  digits?: number;
  /** Rows shown at most; the rest are counted in a last line (default 200). */
  maxRows?: number;
  /** Show the header row (default true). */
  header?: boolean;
}

const TEXT_OF: Record<string, string> = { lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" };

/**
 * Text of a cell: integers with thousands separators, other numbers rounded, NaN as "–",
 * markup as its text.
 */
export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return "";
  if (v instanceof SafeHtml) {
    return v.value.replace(/<[^>]*>/g, "").replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => TEXT_OF[e]);
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "–";
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    return v.toFixed(digits);
  }
  return String(v);
}

function columnsOf(rows: readonly Record<string, Cell>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** Pads `s` to `w` characters (left-aligned, or right-aligned for numbers). */
function pad(s: string, w: number, right: boolean): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

const STYLE = "border-collapse:collapse;font:13px/1.35 system-ui,sans-serif";
const TH = "text-align:left;border-bottom:1px solid #888;padding:2px 8px";
const TD = "text-align:left;padding:2px 8px;border-bottom:1px solid #e4e4e4;vertical-align:top";

/** Rows as a table; every string is HTML-escaped. */
export function table(rows: readonly Record<string, Cell>[], opts: TableOptions = {}): Displayable {
  const columns = [...(opts.columns ?? columnsOf(rows))];
  const digits = opts.digits ?? 4;
  const shown = rows.slice(0, opts.maxRows ?? 200);
  const more = rows.length - shown.length;
  const header = (c: string) => opts.headers?.[c] ?? c;
  const numeric = columns.map((c) => shown.length > 0 && shown.every((r) => typeof r[c] === "number"));

  const head = columns.map((c, j) =>
    markup`<th style="${TH}${numeric[j] ? ";text-align:right" : ""}">${header(c)}</th>`
  );
  const body = shown.map((r) =>
    markup`<tr>${
      columns.map((c, j) => {
        const v = r[c];
        const content = v instanceof SafeHtml ? v : formatCell(v, digits);
        return markup`<td style="${TD}${numeric[j] ? ";text-align:right" : ""}">${content}</td>`;
      })
    }</tr>`
  );
  const caption = opts.caption
    ? markup`<caption style="text-align:left;font-weight:600">${opts.caption}</caption>`
    : "";
  const tail = more > 0
    ? markup`<p style="font-size:12px">… ${more.toLocaleString("en-US")} more rows</p>`
    : "";
  const thead = opts.header === false ? "" : markup`<thead><tr>${head}</tr></thead>`;
  const htmlText = markup`<table style="${STYLE}">${caption}${thead}<tbody>${body}</tbody></table>${tail}`;

  const cells = shown.map((r) => columns.map((c) => formatCell(r[c], digits).replace(/\s+/g, " ")));
  const widths = columns.map((c, j) => Math.max(header(c).length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => pad(v, widths[j], numeric[j])).join("  ").trimEnd();
  const textLines = [
    ...(opts.caption ? [opts.caption] : []),
    ...(opts.header === false ? [] : [line(columns.map(header)), line(widths.map((w) => "-".repeat(w)))]),
    ...cells.map(line),
    ...(more > 0 ? [`… ${more} more rows`] : []),
  ];
  return displayable({ "text/html": htmlText.value, "text/plain": textLines.join("\n") });
}

/** A two-column table of names and values (e.g. settings, counts). */
export function keyValueTable(
  values: Readonly<Record<string, Cell>>,
  opts: Omit<TableOptions, "columns"> = {},
): Displayable {
  const rows = Object.entries(values).map(([name, value]) => ({ name, value }));
  return table(rows, { header: false, ...opts, columns: ["name", "value"] });
}
