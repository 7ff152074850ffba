import assert from "node:assert/strict";
import { PeakRss } from "./peak_rss.ts";
import { type Stage, stageRunner } from "./stage_timer.ts";

Deno.test("stageRunner: returns the stage's result, keeps its record and prints one line", async () => {
  const peak = await PeakRss.start(5);
  try {
    const lines: string[] = [];
    const list: Stage[] = [];
    const stage = stageRunner(peak, (l) => lines.push(l), { width: 10, indent: "  " });
    const got = await stage(list, "sum", () => {
      let s = 0;
      for (let i = 0; i < 2e6; i++) s += i;
      return s;
    }, (s) => `sum ${s}`);
    assert.equal(got, (2e6 - 1) * 2e6 / 2);
    assert.equal(list.length, 1);
    assert.equal(list[0].stage, "sum");
    assert.ok(list[0].seconds >= 0 && list[0].cpuSeconds >= 0);
    assert.equal(list[0].note, `sum ${got}`);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^ {2}sum {8}\s+\d+\.\d s \(cpu\s+\d+\.\d s\) {2}peak\s+\S+ MiB {2}sum \d+/);
  } finally {
    peak.stop();
  }
});
