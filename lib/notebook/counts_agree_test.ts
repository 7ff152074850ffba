import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCsv } from "../util/csv.ts";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import { runSweep } from "../sweep/runner.ts";
import { applyPick } from "./pick.ts";
import { loadRun } from "../report/run_data.ts";
import { buildSite } from "../report/site/site.ts";
import { CLUSTER_WORDS, clusterCounts } from "../metrics/clusters.ts";

/** The number in the stat box labelled `label` of a page (`<b>12</b><span>clusters</span>`). */
function statOf(html: string, label: string): number {
  const m = html.match(new RegExp(`<b>([\\d,]+)</b><span>${label}</span>`));
  assert.ok(m, `no "${label}" stat`);
  return Number(m[1].replaceAll(",", ""));
}

Deno.test("one definition of a cluster: the sweep, the run (pick, run.json, assignments.csv, run report) and the site count alike", async () => {
  const dir = await Deno.makeTempDir({ prefix: "counts-agree-" });
  try {
    const run = join(dir, "run"), sweep = join(run, "sweep");
    await writeSyntheticRun(run, { faces: 90, people: 12, dim: 16, thumb: 32, seed: 4 });
    await Deno.writeTextFile(
      join(dir, "config.json"),
      JSON.stringify({
        select: "bcubedF1",
        methods: [{ method: "agglomerative", grid: { linkage: ["average"], threshold: [0.3, 0.6] } }],
      }),
    );
    const summary = await runSweep({
      embeddings: join(run, "embeddings"),
      config: join(dir, "config.json"),
      out: sweep,
      workers: 1,
      log: () => {},
    });
    const rows = summary.rows.filter((r) => !r.error);
    assert.equal(rows.length, 2);
    // The strict threshold leaves faces alone: the case where the sweep used to count them as clusters.
    assert.ok(rows.some((r) => r.metrics.seenOnce > 0), "some run has faces seen once");
    for (const row of rows) {
      const applied = await applyPick(run, sweep, row.id);
      const meta = JSON.parse(await Deno.readTextFile(join(run, "run.json")));
      const csv = parseCsv(await Deno.readTextFile(join(run, "assignments.csv"))).slice(1);
      const csvClusters = new Set(csv.filter((r) => r[1] !== "-1" && r[7] !== "-1").map((r) => r[7])).size;
      const report = await Deno.readTextFile(join(run, "index.html"));
      const data = await loadRun(run);
      const site = await buildSite(data, { seed: 1 });
      const index = site.pages.find((p) => p.id === "index")!.body.value;
      const counts = clusterCounts(data.raw, { minSize: data.minClusterSize, keep: data.peopleLabels });
      const expected = row.metrics.clusters;
      assert.deepEqual(
        {
          pick: applied.clusters,
          runJson: meta.counts.clusters,
          assignments: csvClusters,
          runReport: statOf(report, CLUSTER_WORDS.clusters),
          site: site.model.counts.clusters,
          siteGallery: site.model.infos.length,
          siteStat: statOf(index, CLUSTER_WORDS.clusters),
          siteMetric: site.model.internal.find((r) => r.name === "clusters")!.value,
          notebook: counts.clusters,
        },
        {
          pick: expected,
          runJson: expected,
          assignments: expected,
          runReport: expected,
          site: expected,
          siteGallery: expected,
          siteStat: expected,
          siteMetric: expected,
          notebook: expected,
        },
        row.id,
      );
      assert.equal(statOf(index, CLUSTER_WORDS.seenOnce), row.metrics.seenOnce, row.id);
      assert.equal(statOf(index, CLUSTER_WORDS.unassigned), applied.unassigned, row.id);
      const definition = CLUSTER_WORDS.definition(2).replaceAll('"', "&quot;");
      assert.ok(index.includes(definition), "the site says what a cluster is");
      assert.ok(
        report.includes(definition),
        "so does the run report",
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
