/**
 * Process memory figures from /proc (Linux): current and peak resident set size.
 * @module
 */

/** Resident set size now and its peak so far, in MiB (NaN where /proc is unavailable). */
export function memoryMiB(): { rss: number; peak: number } {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}
