import assert from "node:assert/strict";
import {
  formatBytes,
  formatDuration,
  formatProgress,
  type ProgressSnapshot,
  ProgressTracker,
} from "./progress.ts";

Deno.test("ProgressTracker counts files and bytes, and computes rate and time left on its clock", () => {
  let t = 0;
  const seen: ProgressSnapshot[] = [];
  const p = new ProgressTracker((s) => seen.push(s), { now: () => t, minIntervalMs: 100 });
  p.listed(1000);
  p.listed(3000);
  p.plan(2, 4000);
  t = 2000;
  p.bytes(1500);
  p.bytes(-500); // a failed attempt taken back
  p.bytes(1000);
  const s = p.snapshot();
  assert.equal(s.filesListed, 2);
  assert.equal(s.bytesListed, 4000);
  assert.equal(s.bytesDone, 2000);
  assert.equal(s.bytesPerSecond, 1000);
  assert.equal(s.etaSeconds, 2);
  p.fileDone();
  p.fileDone();
  p.done();
  const last = seen.at(-1)!;
  assert.equal(last.phase, "done");
  assert.equal(last.filesDone, 2);
  assert.equal(last.etaSeconds, 0);
  // throttled: first listed(), plan() (forced), first bytes() at t=2000, done() (forced)
  assert.equal(seen.length, 1 + 1 + 1 + 1);
});

Deno.test("time left is unknown before any byte arrives", () => {
  const p = new ProgressTracker(undefined, { now: () => 0 });
  p.plan(1, 100);
  assert.equal(p.snapshot().etaSeconds, undefined);
  assert.equal(p.snapshot().bytesPerSecond, 0);
});

Deno.test("formatting of sizes, durations and progress lines", () => {
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(1500), "1.5 kB");
  assert.equal(formatBytes(2_500_000_000), "2.5 GB");
  assert.equal(formatDuration(12.4), "12s");
  assert.equal(formatDuration(187), "3m07s");
  assert.equal(formatDuration(3720), "1h02m");
  const line = formatProgress({
    phase: "download",
    filesListed: 800,
    bytesListed: 0,
    filesToDownload: 800,
    filesDone: 120,
    bytesToDownload: 210e6,
    bytesDone: 35.2e6,
    bytesPerSecond: 4.1e6,
    etaSeconds: 43,
    elapsedMs: 0,
  });
  assert.equal(line, "download: 120/800 files, 35.2 MB/210.0 MB, 4.1 MB/s, 43s left (800 images listed)");
});
