import assert from "node:assert/strict";
import { formatDuration, Progress } from "./progress.ts";

Deno.test("progress lines give count, rate and time left, throttled", () => {
  let t = 0;
  const lines: string[] = [];
  const p = new Progress("embed", { unit: "photos", total: 100, now: () => t, write: (l) => lines.push(l) });
  t = 1000;
  p.tick(10);
  t = 1500;
  p.tick(10); // within the interval: no line
  t = 2000;
  p.tick(20);
  p.finish();
  assert.equal(lines.length, 3);
  assert.equal(lines[0], "embed: 10/100 photos (10.0%), 10.0 photos/s, 1s elapsed, 9s left");
  assert.equal(lines[1], "embed: 40/100 photos (40.0%), 20.0 photos/s, 2s elapsed, 3s left");
});

Deno.test("durations format as h/m/s", () => {
  assert.equal(formatDuration(42), "42s");
  assert.equal(formatDuration(185), "3m05s");
  assert.equal(formatDuration(3720), "1h02m");
  assert.equal(formatDuration(Infinity), "?");
});
