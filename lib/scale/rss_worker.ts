/**
 * Worker of lib/scale/peak_rss.ts: reads the process's resident set size from /proc every few
 * milliseconds and keeps the largest seen in a shared slot (in KiB), which the main thread resets.
 * @module
 */
/// <reference lib="deno.worker" />

self.onmessage = (e: MessageEvent<{ slot: Int32Array; everyMs: number }>) => {
  const { slot, everyMs } = e.data;
  const tick = () => {
    try {
      const status = Deno.readTextFileSync("/proc/self/status");
      const kb = Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0);
      if (kb > Atomics.load(slot, 0)) Atomics.store(slot, 0, kb);
    } catch {
      // no /proc: the slot stays 0
    }
  };
  tick();
  setInterval(tick, everyMs);
  self.postMessage("ready");
};
