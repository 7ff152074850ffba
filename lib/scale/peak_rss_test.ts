import assert from "node:assert/strict";
import { currentKiB, PeakRss } from "./peak_rss.ts";

Deno.test("PeakRss: sees a short-lived allocation made during synchronous work, and resets", async () => {
  if (currentKiB() === 0) return console.log("skipped: no /proc/self/status here");
  const p = await PeakRss.start(5);
  try {
    p.reset();
    const before = p.peakMiB();
    let a: Float64Array | undefined = new Float64Array(40_000_000); // 305 MiB, touched below
    const t0 = performance.now();
    for (let i = 0; i < a.length; i += 512) a[i] = i;
    while (performance.now() - t0 < 150) { /* busy: the main thread does not yield */ }
    a = undefined;
    assert.ok(p.peakMiB() - before > 200, `peak rose by ${p.peakMiB() - before} MiB`);
  } finally {
    p.stop();
  }
});
