import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { flipHorizontal } from "../images/augment.ts";
import { decodeImage } from "../images/decode.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession } from "../models/session.ts";
import { FaceAnalyzer } from "./analyzer.ts";
import { alignFace, FaceEmbedder } from "./embedder.ts";
import { combineMirrored, combineViews, TTA_ZOOMS } from "./tta.ts";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

async function setup() {
  const demo = await ensureDemoPhotos();
  const img = await decodeImage(await Deno.readFile(`${demo}/sample4.jpg`));
  const plain = await FaceAnalyzer.create({ thumbnailSize: 0, log: () => {} });
  const faces = await plain.analyze(img);
  const crops = faces.map((f) => alignFace(img, f.landmarks));
  const spec = pipelineModels(await loadCatalogue()).embedder;
  const session = await createSession((await ensureModels([spec])).get(spec.id)!);
  return { img, plain, faces, crops, embedder: new FaceEmbedder(spec, session, 32), session };
}

Deno.test("TTA: crops and mirrors embedded in one batch give the same vectors as single runs, combined", async () => {
  const { img, plain, faces, crops, embedder, session } = await setup();
  try {
    assert.ok(crops.length >= 3, `${crops.length} faces`);
    const before = embedder.stats.batches;
    const tta = await embedder.embedWithMirror(crops);
    assert.equal(embedder.stats.batches - before, 1, "crops and mirrors share one batch");
    const dim = embedder.dim;
    for (let i = 0; i < crops.length; i++) {
      const a = await embedder.embed([crops[i]]);
      const b = await embedder.embed([flipHorizontal(crops[i])]);
      const want = combineMirrored(a, b, dim);
      const got = tta.subarray(i * dim, (i + 1) * dim);
      const maxDiff = got.reduce((m, v, j) => Math.max(m, Math.abs(v - want[j])), 0);
      assert.ok(maxDiff < 1e-5, `face ${i}: batch vs single runs differ by ${maxDiff}`);
      // The mirror is a different input: the combined vector is not the plain one, yet close to it.
      const s = dot(a, got);
      assert.ok(s > 0.8 && s < 0.99999, `face ${i}: similarity to the plain vector ${s}`);
      assert.ok(Math.abs(dot(got, got) - 1) < 1e-4);
    }
    // Several views (the crop, the face zoomed out a little): each view with its mirror in the
    // same batch, combined per view, then across views.
    const zoomed = faces.map((f) => alignFace(img, f.landmarks, 112, TTA_ZOOMS[1]));
    const b0 = embedder.stats.batches;
    const views = await embedder.embedViews([crops, zoomed]);
    assert.equal(embedder.stats.batches - b0, Math.ceil((4 * crops.length) / 32), "views share batches");
    const want = combineViews([tta, await embedder.embedWithMirror(zoomed)], dim);
    const viewDiff = views.reduce((m, v, j) => Math.max(m, Math.abs(v - want[j])), 0);
    assert.ok(viewDiff < 1e-5, `views vs per-view runs differ by ${viewDiff}`);
    for (let i = 0; i < crops.length; i++) {
      const s = dot(views.subarray(i * dim, (i + 1) * dim), tta.subarray(i * dim, (i + 1) * dim));
      assert.ok(s > 0.9 && s < 0.99999, `face ${i}: views vs mirror alone ${s}`);
    }
    await assert.rejects(() => embedder.embedViews([crops, zoomed.slice(1)]), /views of/);
    // The analyzer with tta gives these vectors for the same faces.
    const withTta = await FaceAnalyzer.create({ thumbnailSize: 0, tta: true, log: () => {} });
    try {
      const tf = await withTta.analyze(img);
      assert.equal(tf.length, faces.length);
      tf.forEach((f, i) => assert.ok(dot(f.embedding, views.subarray(i * dim, (i + 1) * dim)) > 0.99999));
    } finally {
      await withTta.release();
    }
  } finally {
    await plain.release();
    await session.session.release();
  }
});

Deno.test("aligned input: an aligned crop is embedded as it is, without detection, close to the photo's face", async () => {
  const { plain, faces, crops, embedder, session } = await setup();
  const aligned = await FaceAnalyzer.create({ thumbnailSize: 64, alignedInput: true, log: () => {} });
  try {
    for (let i = 0; i < crops.length; i++) {
      const [f] = await aligned.analyze(crops[i], undefined, `crop${i}.png`);
      const direct = await embedder.embed([crops[i]]);
      assert.ok(dot(f.embedding, direct) > 0.99999, "the crop itself is the embedder's input");
      assert.ok(dot(f.embedding, faces[i].embedding) > 0.99999, "same as through the photo");
      assert.deepEqual(f.box, { x: 0, y: 0, w: 112, h: 112 });
      assert.equal(f.score, 1);
      const g = faces[i], q = g.quality!;
      assert.ok(Math.abs(q.size - Math.min(g.box.w, g.box.h)) < 0.1 && Math.abs(q.score - g.score) < 1e-3);
      assert.ok(q.sharpness > 0 && Math.abs(q.yaw) < 0.5 && Math.abs(q.pitch) < 0.5, JSON.stringify(q));
      assert.ok(f.thumbnail && f.thumbnail[0] === 0xff && f.thumbnail[1] === 0xd8);
    }
    // With TTA an aligned crop is embedded with its mirror alone (no surroundings to zoom out into).
    const alignedTta = await FaceAnalyzer.create({
      thumbnailSize: 0,
      alignedInput: true,
      tta: true,
      log: () => {},
    });
    try {
      const [f] = await alignedTta.analyze(crops[0], undefined, "crop0.png");
      assert.ok(dot(f.embedding, await embedder.embedWithMirror([crops[0]])) > 0.99999);
    } finally {
      await alignedTta.release();
    }
    await assert.rejects(
      () =>
        aligned.analyze({ data: new Uint8Array(300 * 200 * 3), width: 300, height: 200 }, undefined, "a.jpg"),
      /a\.jpg: 300x200 is not an aligned face crop/,
    );
  } finally {
    await aligned.release();
    await plain.release();
    await session.session.release();
  }
});
