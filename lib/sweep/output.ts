/**
 * Sweep output files: the append-only run log (`runs.jsonl`, what makes a sweep resumable),
 * one label file per run, and the final tables (`runs.csv`, `runs.json`).
 * @module
 */
import { csvField } from "../util/csv.ts";
import type { RunRow } from "./selection.ts";

/** A short stable file name for a run id (two 32-bit FNV-1a hashes). */
export function idHash(id: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

/** Reads the rows already logged in `runs.jsonl` (missing file: none; torn lines skipped). */
export function readLog(path: string): Map<string, RunRow> {
  const rows = new Map<string, RunRow>();
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return rows;
    throw e;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as RunRow;
      row.metrics = Object.fromEntries(
        Object.entries(row.metrics ?? {}).map(([k, v]) => [k, v === null ? NaN : v as number]),
      );
      if (row.timeMs === null) row.timeMs = NaN;
      rows.set(row.id, row);
    } catch {
      // A line torn by a kill: that run is simply done again.
    }
  }
  return rows;
}

/**
 * Makes the log end on a line break before more rows are appended: a last line torn by a kill
 * (no line break) is cut off, or ended when it is a whole row. Returns the bytes cut.
 */
export function cutTornTail(path: string): number {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return 0;
  const start = bytes.lastIndexOf(0x0a) + 1;
  try {
    JSON.parse(new TextDecoder().decode(bytes.subarray(start)));
    Deno.writeTextFileSync(path, "\n", { append: true });
    return 0;
  } catch {
    Deno.truncateSync(path, start);
    return bytes.length - start;
  }
}

/** Appends one row to the log (one line, written at once). */
export function appendLog(path: string, row: RunRow): void {
  Deno.writeTextFileSync(path, JSON.stringify(row) + "\n", { append: true });
}

/** Writes a run's labels as raw little-endian int32. */
export function writeLabels(dir: string, id: string, labels: Int32Array): void {
  Deno.writeFileSync(
    `${dir}/${idHash(id)}.i32`,
    new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength),
  );
}

/** Reads a run's labels, or undefined when absent. */
export function readLabels(dir: string, id: string): Int32Array | undefined {
  try {
    const b = Deno.readFileSync(`${dir}/${idHash(id)}.i32`);
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  } catch {
    return undefined;
  }
}

function cell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? csvField(v) : "";
  return csvField(String(v ?? ""));
}

/** Rows as CSV: id, method, seed, timeMs, error, params (JSON), then one column per metric. */
export function toCsv(rows: readonly RunRow[]): string {
  const metricKeys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const head = ["id", "method", "seed", "timeMs", "error", "params", ...metricKeys];
  const lines = [head.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.method,
        r.seed,
        r.timeMs,
        r.error ?? "",
        JSON.stringify(r.params),
        ...metricKeys.map((k) => r.metrics[k]),
      ]
        .map(cell).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** JSON with non-finite numbers as null. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2);
}
