import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunLabels, writeRunLabels } from "./labels.ts";
import { pipelineClustering, pipelineLabels, writePick } from "./pick.ts";
import { readRunJson, writeRunJson } from "./run_json.ts";

Deno.test("a pick replaces labels.npy and run.json's clustering; the pipeline's own are kept and stay the start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const own = Int32Array.from([0, 0, 1, -1]);
    await writeRunLabels(dir, own);
    await writeRunJson(dir, {
      title: "t",
      source: "s",
      models: [],
      createdAt: "",
      method: "agglomerative",
      params: { threshold: 0.5 },
      images: 2,
      noFace: [],
      provider: "cpu",
      counts: { faces: 4, clusters: 2 },
    });
    const meta = await readRunJson(dir);
    const pipeline = await pipelineClustering(dir, meta);
    assert.deepEqual(pipeline, { method: "agglomerative", params: { threshold: 0.5 } });
    assert.deepEqual(await pipelineLabels(dir), own);
    const picked = Int32Array.from([1, 1, 1, 0]);
    await writePick(dir, meta, {
      labels: picked,
      method: "hdbscan",
      params: { minClusterSize: 2 },
      pipeline,
      pick: { rule: "id", id: "hdbscan-1", sweep: join(dir, "sweep") },
      clusters: 1,
    });
    assert.deepEqual(await readRunLabels(dir), picked);
    const after = await readRunJson(dir);
    assert.equal(after.method, "hdbscan");
    assert.equal(after.provider, "cpu", "other fields kept");
    assert.deepEqual(after.counts, { faces: 4, clusters: 1 });
    assert.deepEqual(after.pick, { rule: "id", id: "hdbscan-1", sweep: join(dir, "sweep") });
    // Picking again starts from the pipeline's clustering, not from the last pick.
    await writeRunLabels(dir, Int32Array.from([5, 5, 5, 5])); // labels.npy changes; the kept ones do not
    assert.deepEqual(await pipelineClustering(dir, after), pipeline);
    assert.deepEqual(await pipelineLabels(dir), own);
    await writePick(dir, after, { labels: own, ...pipeline, pipeline, clusters: 2 });
    const back = await readRunJson(dir);
    assert.equal(back.pick, undefined);
    assert.equal(back.method, "agglomerative");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
