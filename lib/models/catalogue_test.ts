import assert from "node:assert/strict";
import { loadCatalogue, pipelineModels } from "./catalogue.ts";

Deno.test("the shipped catalogue is valid and its default pipeline resolves", async () => {
  const cat = await loadCatalogue();
  const p = pipelineModels(cat);
  assert.equal(p.detector.task, "detector");
  assert.equal(p.landmarks?.task, "landmarks");
  assert.equal(p.embedder.task, "embedder");
  // Measured facts about the default embedder: 112x112, BGR, (x-127)/128.
  assert.deepEqual([p.embedder.input.width, p.embedder.input.height, p.embedder.input.colorOrder], [
    112,
    112,
    "BGR",
  ]);
  assert.deepEqual([p.detector.input.width, p.detector.input.height], [320, 240]);
});

Deno.test("a catalogue with errors is rejected naming the file and entry", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/cat.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ models: [{ id: "m", task: "detector", sha256: "xyz" }], pipelines: {} }),
  );
  await assert.rejects(() => loadCatalogue(file), /cat\.json: model "m": sha256 must be 64 hex digits/);
  await Deno.writeTextFile(file, "{not json");
  await assert.rejects(() => loadCatalogue(file), /cat\.json: cannot read/);
  await Deno.remove(dir, { recursive: true });
});
