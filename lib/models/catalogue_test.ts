import assert from "node:assert/strict";
import { loadCatalogue, parseCatalogue, pipelineModels } from "./catalogue.ts";

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

Deno.test("the shipped catalogue's entries are typed by family, defaults and fields as in the JSON", async () => {
  const cat = await loadCatalogue();
  const p = pipelineModels(cat);
  assert.equal(p.detector.family, "decoded-boxes");
  if (p.detector.family === "decoded-boxes") {
    assert.deepEqual(p.detector.output, { scores: "scores", boxes: "boxes", anchors: 4420 });
  }
  assert.equal(p.landmarks?.family, "landmarks68");
  assert.equal(p.embedder.family, "arcface-112");
  assert.deepEqual(p.embedder.output, { dim: 512 });
  assert.deepEqual(p.embedder.input.mean, [127, 127, 127]);
});

Deno.test("an SCRFD + ArcFace catalogue (test fixture) loads: defaults filled, no landmark model", async () => {
  const cat = await loadCatalogue(new URL("./families/testdata/scrfd_arcface.json", import.meta.url));
  const p = pipelineModels(cat, "insightface");
  assert.equal(p.landmarks, undefined);
  assert.equal(p.detector.family, "scrfd");
  if (p.detector.family !== "scrfd") throw new Error("unreachable");
  assert.deepEqual(p.detector.output, { strides: [8, 16, 32], anchorsPerCell: 2, keypoints: true });
  assert.deepEqual([p.detector.input.width, p.detector.input.colorOrder, p.detector.input.std[0]], [
    640,
    "RGB",
    128,
  ]);
  assert.equal(p.embedder.family, "insightface-arcface");
  assert.deepEqual([p.embedder.input.width, p.embedder.input.mean[0], p.embedder.input.std[0]], [
    112,
    127.5,
    127.5,
  ]);
  assert.deepEqual(p.embedder.output, { dim: 512 });
});

Deno.test("catalogue entries are checked by their family; errors name the file, the entry and the field", () => {
  const entry = (extra: Record<string, unknown>) => ({
    id: "m",
    task: "detector",
    family: "decoded-boxes",
    source: { url: "x" },
    file: "m.onnx",
    sha256: "0".repeat(64),
    input: { width: 320, height: 240, colorOrder: "RGB", mean: [0, 0, 0], std: [1, 1, 1] },
    output: { scores: "scores", boxes: "boxes" },
    ...extra,
  });
  const one = (extra: Record<string, unknown>, pipelines = {}) => () =>
    parseCatalogue({ models: [entry(extra)], pipelines }, "c.json");
  assert.throws(
    one({ family: "retinaface" }),
    /c\.json: model "m": unknown family "retinaface" \(known: decoded-boxes, scrfd/,
  );
  assert.throws(
    one({ family: "arcface-112" }),
    /family arcface-112 is for embedder models, the entry says task detector/,
  );
  assert.throws(
    one({ output: { scores: 3, boxes: "b" } }),
    /c\.json: model "m": field "output\.scores" must be a non-empty string/,
  );
  assert.throws(
    one({ input: { width: 320, height: 240, colorOrder: "RGB", mean: [0, 0], std: [1, 1, 1] } }),
    /field "input\.mean" must be a list of 3 numbers/,
  );
  assert.throws(
    one({ input: { width: 320, height: 240, colorOrder: "RGB", mean: [0, 0, 0], std: [1, 0, 1] } }),
    /field "input\.std" must be a list of 3 non-zero numbers/,
  );
  assert.throws(one({ input: { width: -1 } }), /field "input\.width" must be a positive integer/);
  // A detector without landmarks needs a landmark model; one with them must not name one.
  assert.throws(
    one({}, { p: { detector: "m", embedder: "m" } }),
    /pipeline p: embedder m is a model of task detector/,
  );
  const emb = { ...entry({}), id: "e", task: "embedder", family: "insightface-arcface" };
  const lm = {
    ...entry({}),
    id: "l",
    task: "landmarks",
    family: "landmarks68",
    input: { width: 64, height: 64, colorOrder: "GREY", mean: [0], std: [256] },
  };
  const scr = { ...entry({}), id: "s", family: "scrfd", output: undefined, input: undefined };
  assert.throws(
    () =>
      parseCatalogue(
        { models: [entry({}), emb], pipelines: { p: { detector: "m", embedder: "e" } } },
        "c.json",
      ),
    /c\.json: pipeline p: detector m \(family decoded-boxes\) gives no landmarks; name a "landmarks" model/,
  );
  assert.throws(
    () =>
      parseCatalogue({
        models: [scr, lm, emb],
        pipelines: { p: { detector: "s", landmarks: "l", embedder: "e" } },
      }, "c.json"),
    /pipeline p: detector s \(family scrfd\) gives the 5 landmarks itself; remove "landmarks" l/,
  );
  const ok = parseCatalogue({
    models: [entry({}), lm, emb, scr],
    pipelines: { p: { detector: "m", landmarks: "l", embedder: "e" }, q: { detector: "s", embedder: "e" } },
  }, "c.json");
  assert.deepEqual(ok.models.map((m) => m.family), [
    "decoded-boxes",
    "landmarks68",
    "insightface-arcface",
    "scrfd",
  ]);
});
