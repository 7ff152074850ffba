import assert from "node:assert/strict";
import sharp from "sharp";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { alignFace } from "../faces/embedder.ts";
import { decodeImage } from "../images/decode.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { DEFAULT_TTA, embedPhotos, storeKeyOptions } from "./embed_photos.ts";
import { TTA_KEY } from "../faces/tta.ts";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

Deno.test("storeKeyOptions: every TTA / aligned combination is its own key; both off is the key of before", () => {
  const eff = { scoreThreshold: 0.65, maxSide: 1280 };
  const keys = [[false, false], [true, false], [false, true], [true, true]].map(([tta, aligned]) =>
    JSON.stringify(storeKeyOptions(eff, { tta, aligned }))
  );
  assert.equal(new Set(keys).size, 4);
  assert.deepEqual(storeKeyOptions(eff, { tta: false, aligned: false }), { ...eff, format: 4 });
  // TTA's key names its views: stores of the mirror-only TTA (`tta: true`) are not reused.
  assert.deepEqual(storeKeyOptions(eff, { tta: true, aligned: false }), { ...eff, format: 4, tta: TTA_KEY });
  assert.equal(TTA_KEY, "mirror+zoom0.92");
  // Aligned crops: TTA is the mirror alone, the key it always had.
  assert.deepEqual(storeKeyOptions(eff, { tta: true, aligned: true }), {
    ...eff,
    format: 4,
    tta: true,
    aligned: true,
  });
});

Deno.test("a generated folder of aligned crops is recognised (auto) and embedded directly; each mode has its own stored vectors", async () => {
  const demo = await ensureDemoPhotos();
  const img = await decodeImage(await Deno.readFile(`${demo}/sample4.jpg`));
  const analyzer = await FaceAnalyzer.create({ thumbnailSize: 0, log: () => {} });
  const faces = await analyzer.analyze(img);
  await analyzer.release();
  const dir = await Deno.makeTempDir({ prefix: "aligned-crops-" });
  const storeDir = `${dir}-store`;
  try {
    for (const [i, f] of faces.entries()) {
      const c = alignFace(img, f.landmarks);
      await Deno.mkdir(`${dir}/p${i}`);
      await sharp(c.data, { raw: { width: 112, height: 112, channels: 3 } }).png().toFile(
        `${dir}/p${i}/crop.png`,
      );
    }
    const src = new LocalFolderSource(dir);
    const run = (opts: { tta?: boolean; aligned?: "auto" | "on" | "off"; workers?: number }) =>
      embedPhotos(src, { storeDir, workers: 0, progress: false, log: () => {}, ...opts });
    const auto = await run({ tta: false });
    assert.equal(auto.options.aligned, "on");
    assert.equal(auto.options.tta, "off");
    assert.equal(
      auto.options.alignedRule,
      `auto: ${faces.length} of ${faces.length} sampled images are 112x112`,
    );
    assert.equal(auto.computed, faces.length);
    assert.equal(auto.timings.detect, 0, "nothing detected");
    for (const p of auto.photos) {
      assert.equal(p.record?.faces.length, 1, p.ref.path);
      assert.deepEqual(p.record!.faces[0].box, [0, 0, 112, 112]);
      const q = p.record!.faces[0].quality!;
      assert.ok(q.size === 112 && q.score === 1 && q.sharpness > 0, JSON.stringify(q));
      // The crop's own vector is the face's vector in the photo (PNG is lossless).
      const i = Number(p.ref.path.slice(1, p.ref.path.indexOf("/")));
      const s = dot(auto.store.embeddings(p.hash!)[0], faces[i].embedding);
      assert.ok(s > 0.9999, `${p.ref.path}: ${s}`);
    }
    // Same mode again: everything from the store. Another mode: nothing reused.
    assert.equal((await run({ aligned: "on", tta: false })).computed, 0);
    // Through a face worker: the detected faces' quality crosses to the store too.
    const off = await run({ aligned: "off", workers: 1, tta: false });
    const found = off.photos.flatMap((p) => p.record?.faces ?? []);
    assert.ok(
      found.length > 0 && found.every((f) => f.quality && f.quality.size >= 20 && f.quality.score > 0.6),
    );
    assert.equal(off.options.aligned, "off");
    assert.equal(off.options.alignedRule, "off (given)");
    assert.equal(off.computed, faces.length);
    const tta = await run({ tta: true });
    assert.equal(tta.options.tta, "on");
    assert.equal(tta.computed, faces.length);
    assert.equal((await run({ tta: true })).computed, 0);
    // TTA is the default (DEFAULT_TTA): a run that does not say reuses the TTA vectors.
    const byDefault = await run({});
    assert.equal(byDefault.options.tta, DEFAULT_TTA ? "on" : "off");
    assert.equal(byDefault.computed, 0);
    for (const p of tta.photos) {
      const a = tta.store.embeddings(p.hash!)[0], b = auto.store.embeddings(p.hash!)[0];
      const s = dot(a, b);
      assert.ok(s > 0.8 && s < 0.99999, `${p.ref.path}: TTA vector vs plain ${s}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
  }
});
