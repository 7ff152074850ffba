/**
 * Progress lines for long stages: count, rate and time left, at most a few times a second.
 * @module
 */

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** What is counted, e.g. "photos". */
  unit: string;
  /** Expected total, when known. */
  total?: number;
  /** Where lines go. @default a line on stderr (redrawn in place on a terminal) */
  write?: (line: string, final: boolean) => void;
  /** Smallest interval between lines in ms. @default 1000 */
  intervalMs?: number;
  /** Clock, for tests. @default performance.now */
  now?: () => number;
}

/** Formats a byte count as `999 B`, `1.5 kB`, `2.5 GB` (powers of 1000). */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  s = Math.max(0, Math.round(s));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

function defaultWrite(line: string, final: boolean): void {
  const tty = Deno.stderr.isTerminal();
  const text = tty ? `\r\x1b[2K${line}${final ? "\n" : ""}` : `${line}\n`;
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

/** Counts work done and reports `label: done/total unit, rate/s, elapsed, left`. */
export class Progress {
  readonly #label: string;
  readonly #opts: Required<Omit<ProgressOptions, "total">> & { total?: number };
  readonly #start: number;
  #last = -Infinity;
  /** Items done so far. */
  done = 0;

  /** Starts counting for a stage named `label`. */
  constructor(label: string, opts: ProgressOptions) {
    this.#label = label;
    this.#opts = {
      unit: opts.unit,
      total: opts.total,
      write: opts.write ?? defaultWrite,
      intervalMs: opts.intervalMs ?? 1000,
      now: opts.now ?? (() => performance.now()),
    };
    this.#start = this.#opts.now();
  }

  /** The current line. */
  line(): string {
    const elapsed = (this.#opts.now() - this.#start) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const { total, unit } = this.#opts;
    const count = total !== undefined ? `${this.done}/${total} ${unit}` : `${this.done} ${unit}`;
    const pct = total ? ` (${((100 * this.done) / total).toFixed(1)}%)` : "";
    const left = total !== undefined && rate > 0
      ? `, ${formatDuration((total - this.done) / rate)} left`
      : "";
    return `${this.#label}: ${count}${pct}, ${rate.toFixed(1)} ${unit}/s, ${
      formatDuration(elapsed)
    } elapsed${left}`;
  }

  /** Adds `n` finished items and writes a line if the interval has passed. */
  tick(n = 1): void {
    this.done += n;
    const t = this.#opts.now();
    if (t - this.#last >= this.#opts.intervalMs) {
      this.#last = t;
      this.#opts.write(this.line(), false);
    }
  }

  /** Writes the final line. */
  finish(): void {
    this.#opts.write(this.line(), true);
  }
}
