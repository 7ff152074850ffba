import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { decodeImage, type RgbImage } from "../images/decode.ts";
import { loadCatalogue, parseCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession, type ModelSession } from "../models/session.ts";
import { FaceAnalyzer } from "./analyzer.ts";
import { detectorTiles, FaceDetector } from "./detector.ts";
import { alignFace, FaceEmbedder } from "./embedder.ts";

/** A 64x32 SCRFD detector spec (strides 8/16/32, 2 anchors, keypoints), through the catalogue. */
const cat = parseCatalogue({
  models: [{
    id: "scrfd-test",
    task: "detector",
    family: "scrfd",
    source: { url: "x" },
    file: "s.onnx",
    sha256: "0".repeat(64),
    input: { width: 64, height: 32 },
  }, {
    id: "emb",
    task: "embedder",
    family: "insightface-arcface",
    source: { url: "x" },
    file: "e.onnx",
    sha256: "0".repeat(64),
  }],
  pipelines: { p: { detector: "scrfd-test", embedder: "emb" } },
}, "inline");
const spec = pipelineModels(cat, "p").detector;

/**
 * An ONNX session stand-in with a batch size fixed at 1 that records its inputs and answers one
 * face per view: stride-8 anchor at cell (col 3, row 2), centre (24, 16), sides 1 stride away
 * (a 16x16 box in input pixels) and keypoints on the box's corners and centre.
 */
function fakeSession(inputs: { dims: readonly number[]; data: Float32Array }[]): ModelSession {
  const names = ["s8", "s16", "s32", "b8", "b16", "b32", "k8", "k16", "k32"];
  const session = {
    inputNames: ["input.1"],
    outputNames: names,
    inputMetadata: [{ shape: [1, 3, "h", "w"] }],
    run(feeds: Record<string, { dims: readonly number[]; data: Float32Array }>) {
      const t = feeds["input.1"];
      inputs.push({ dims: t.dims, data: t.data.slice() });
      const out: Record<string, { data: Float32Array }> = {};
      [8, 16, 32].forEach((s, j) => {
        const n = (64 / s) * (32 / s) * 2;
        out[names[j]] = { data: new Float32Array(n) };
        out[names[3 + j]] = { data: new Float32Array(4 * n) };
        out[names[6 + j]] = { data: new Float32Array(10 * n) };
      });
      const i = 2 * (2 * 8 + 3);
      out.s8.data[i] = 0.9;
      out.b8.data.set([1, 1, 1, 1], 4 * i);
      out.k8.data.set([-1, -1, 1, -1, 0, 0, -1, 1, 1, 1], 10 * i);
      return Promise.resolve(out);
    },
  };
  return { session, provider: "cpu" } as unknown as ModelSession;
}

function grey(width: number, height: number, v: number): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(v), width, height };
}

Deno.test("SCRFD through the detector: letterboxed, zero-padded input; boxes and landmarks in image pixels", async () => {
  const inputs: { dims: readonly number[]; data: Float32Array }[] = [];
  const det = new FaceDetector(spec, fakeSession(inputs), { minFaceSize: 0, tiling: "off" });
  assert.equal(det.landmarks, 5);
  // 100x100 into 64x32: the left 32x32 holds the photo, the rest is black padding.
  const faces = await det.detect(grey(100, 100, 200));
  assert.equal(inputs.length, 1);
  assert.deepEqual(inputs[0].dims, [1, 3, 32, 64]);
  const photo = (200 - 127.5) / 128, pad = (0 - 127.5) * (1 / 128);
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(inputs[0].data[c * 2048 + 5 * 64 + 10] - photo) < 1e-6, "photo pixel");
    assert.equal(inputs[0].data[c * 2048 + 5 * 64 + 40], pad, "padding pixel");
  }
  assert.equal(faces.length, 1);
  // Input (16..32, 8..24) at a scale of 32 / 100.
  const s = 100 / 32;
  const b = faces[0].box;
  assert.ok(Math.abs(b.x - 16 * s) < 1e-9 && Math.abs(b.y - 8 * s) < 1e-9 && Math.abs(b.w - 16 * s) < 1e-9);
  assert.deepEqual(Array.from(faces[0].landmarks!).map((v) => Math.round(v * 1000) / 1000), [
    50,
    25,
    100,
    25,
    75,
    50,
    50,
    75,
    100,
    75,
  ]);
});

Deno.test("SCRFD through the detector: a fixed-batch model runs each tile alone; tile landmarks are shifted into the photo", async () => {
  const inputs: { dims: readonly number[]; data: Float32Array }[] = [];
  const det = new FaceDetector(spec, fakeSession(inputs), { minFaceSize: 0, nmsThreshold: 0.99 });
  const faces = await det.detect(grey(400, 300, 90));
  // The overlap the detector uses: the largest tile face (20 input pixels) plus two 8-pixel margins.
  const tiles = detectorTiles(400, 300, 64, 32, 20 * Math.max(400 / 64, 300 / 32) + 16);
  assert.ok(tiles.length > 1);
  assert.equal(inputs.length, 1 + tiles.length);
  assert.ok(inputs.every((x) => x.dims[0] === 1));
  assert.ok(faces.length > 1, `${faces.length} faces`);
  for (const f of faces) {
    const lm = f.landmarks!;
    // The keypoints are the box's corners and centre, wherever the view was.
    assert.ok(Math.abs(lm[0] - f.box.x) < 1e-3 && Math.abs(lm[1] - f.box.y) < 1e-3, JSON.stringify(f));
    assert.ok(Math.abs(lm[8] - (f.box.x + f.box.w)) < 1e-3 && Math.abs(lm[9] - (f.box.y + f.box.h)) < 1e-3);
  }
});

Deno.test("an SCRFD pipeline skips the landmark model: the detector's landmarks align the crops the embedder sees", async () => {
  const demo = await ensureDemoPhotos();
  const img = await decodeImage(await Deno.readFile(`${demo}/sample4.jpg`));
  const def = pipelineModels(await loadCatalogue());
  const paths = await ensureModels([def.embedder]);
  const session = await createSession(paths.get(def.embedder.id)!);
  const opts = { minFaceSize: 0, tiling: "off" as const, thumbnailSize: 0 };
  const never = {
    session: { run: () => Promise.reject(new Error("the landmark model ran")) },
  } as unknown as ModelSession;
  const analyzer = FaceAnalyzer.fromSessions({
    detector: { spec, session: fakeSession([]) },
    landmarks: { spec: def.landmarks!, session: never },
    embedder: { spec: def.embedder, session },
  }, opts);
  assert.deepEqual(analyzer.modelIds, ["scrfd-test", "faceplugin-feature"]);
  const faces = await analyzer.analyze(img);
  assert.equal(faces.length, 1);
  const [want] = await new FaceDetector(spec, fakeSession([]), opts).detect(img);
  assert.deepEqual(faces[0].landmarks, want.landmarks);
  const direct = await new FaceEmbedder(def.embedder, session).embed([alignFace(img, want.landmarks!, 112)]);
  assert.deepEqual(faces[0].embedding, direct);
  // A detector without landmarks and no landmark model: a clear error.
  assert.throws(
    () =>
      FaceAnalyzer.fromSessions({
        detector: { spec: def.detector, session },
        embedder: { spec: def.embedder, session },
      }),
    /detector faceplugin-detect gives no landmarks; a landmark model is needed/,
  );
  await session.session.release();
});
