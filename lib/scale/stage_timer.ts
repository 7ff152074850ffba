/**
 * Times a benchmark's stages: wall seconds, the process's CPU seconds (all threads; on a shared
 * machine wall time overstates) and peak resident memory ({@link PeakRss}), one line printed per
 * stage and one record kept.
 * @module
 */
import process from "node:process";
import type { PeakRss } from "./peak_rss.ts";

/** One measured stage. */
export interface Stage {
  /** What ran. */
  stage: string;
  /** Wall seconds. */
  seconds: number;
  /** CPU seconds of the process (all threads) during the stage. */
  cpuSeconds: number;
  /** Peak resident set size during the stage, MiB. */
  peakMiB: number;
  /** What it found (e.g. a score). */
  note?: string;
}

/** Runs `f` as a stage named `name`, appends its record to `list`, prints it, returns `f`'s result. */
export type StageRunner = <T>(
  list: Stage[],
  name: string,
  f: () => Promise<T> | T,
  note?: (t: T) => string,
) => Promise<T>;

/** A {@link StageRunner} reading `peak`, printing through `print` with the name padded to `width`. */
export function stageRunner(
  peak: PeakRss,
  print: (line: string) => void,
  opts: { width?: number; indent?: string } = {},
): StageRunner {
  const width = opts.width ?? 34, indent = opts.indent ?? "";
  return async (list, name, f, note) => {
    peak.reset();
    const t0 = performance.now(), c0 = process.cpuUsage();
    const out = await f();
    const c1 = process.cpuUsage(c0);
    const s: Stage = {
      stage: name,
      seconds: +((performance.now() - t0) / 1000).toFixed(2),
      cpuSeconds: +((c1.user + c1.system) / 1e6).toFixed(2),
      peakMiB: Math.round(peak.peakMiB()),
    };
    if (note) s.note = note(out);
    list.push(s);
    print(
      `${indent}${name.padEnd(width)} ${s.seconds.toFixed(1).padStart(8)} s (cpu ${
        s.cpuSeconds.toFixed(1).padStart(7)
      } s)  peak ${String(s.peakMiB).padStart(6)} MiB${s.note ? `  ${s.note}` : ""}`,
    );
    return out;
  };
}
