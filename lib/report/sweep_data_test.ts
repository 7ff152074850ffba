import assert from "node:assert/strict";
import { join } from "node:path";
import { toJson } from "../sweep/output.ts";
import { sampleSweepRows } from "../viz/fixtures.ts";
import { chooseMetric, loadSweep, sweepData } from "./sweep_data.ts";

Deno.test("loadSweep reads runs.json (nulls back to NaN) and the label-free pick of best.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = sampleSweepRows();
    await Deno.writeTextFile(join(dir, "runs.json"), toJson(rows));
    const s0 = await loadSweep(dir);
    assert.equal(s0.rows.length, rows.length);
    assert.ok(Number.isNaN(s0.rows.at(-1)!.timeMs));
    assert.equal(s0.metric, "bcubedF1");
    assert.equal(s0.best!.id, sweepData(rows).best!.id);
    assert.equal(s0.labelFree, undefined);
    await Deno.writeTextFile(
      join(dir, "best.json"),
      toJson({ select: "silhouette", labelFree: { rule: "consensus", score: 0.9, run: rows[2], gap: 0.01 } }),
    );
    const s1 = await loadSweep(dir);
    assert.equal(s1.metric, "silhouette");
    assert.equal(s1.labelFree!.run.id, rows[2].id);
    assert.equal(s1.labelFree!.gap, 0.01);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chooseMetric falls back to a metric the runs have", () => {
  const rows = sampleSweepRows().map((r) => ({ ...r, metrics: { silhouette: r.metrics.silhouette ?? NaN } }));
  assert.equal(chooseMetric(rows, "bcubedF1"), "silhouette");
  assert.equal(chooseMetric(sampleSweepRows(), "bcubedP"), "bcubedP");
});
