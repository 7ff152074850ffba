import assert from "node:assert/strict";
import sharp from "sharp";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { decodeImage } from "../images/decode.ts";
import { rectToSize, warpAffine } from "../images/warp.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession } from "../models/session.ts";
import { FaceAnalyzer } from "./analyzer.ts";
import { FaceEmbedder } from "./embedder.ts";
import { lfwRoot } from "../util/lfw_data.ts";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

Deno.test("faces of a real group photo are found, landmarked inside their boxes, and recognised in a mirror image", async () => {
  const demo = await ensureDemoPhotos();
  const bytes = await Deno.readFile(`${demo}/sample4.jpg`);
  const analyzer = await FaceAnalyzer.create({ log: () => {} });
  const img = await decodeImage(bytes);
  const faces = await analyzer.analyze(img);
  assert.ok(faces.length >= 3, `found ${faces.length} faces`);
  for (const f of faces) {
    assert.ok(f.score >= 0.65 && f.box.w >= 20);
    for (let i = 0; i < 5; i++) {
      const x = f.landmarks[2 * i], y = f.landmarks[2 * i + 1];
      assert.ok(x >= f.box.x - 0.2 * f.box.w && x <= f.box.x + 1.2 * f.box.w, `landmark ${i} x`);
      assert.ok(y >= f.box.y - 0.2 * f.box.h && y <= f.box.y + 1.2 * f.box.h, `landmark ${i} y`);
    }
    // Eyes above the mouth, left eye left of the right eye.
    assert.ok(f.landmarks[0] < f.landmarks[2] && f.landmarks[1] < f.landmarks[7]);
    assert.ok(Math.abs(Math.hypot(...f.embedding) - 1) < 1e-4);
    assert.ok(f.thumbnail && f.thumbnail[0] === 0xff && f.thumbnail[1] === 0xd8, "JPEG thumbnail");
  }
  const flipped = await decodeImage(
    new Uint8Array(await sharp(bytes).flop().jpeg({ quality: 92 }).toBuffer()),
  );
  const mirror = await analyzer.analyze(flipped);
  for (const f of faces) {
    // The same face in the mirror image is the one at the mirrored position.
    const cx = img.width - (f.box.x + f.box.w / 2);
    const m = mirror.reduce((a, b) =>
      Math.abs(b.box.x + b.box.w / 2 - cx) < Math.abs(a.box.x + a.box.w / 2 - cx) ? b : a
    );
    const same = dot(f.embedding, m.embedding);
    const others = faces.filter((g) => g !== f).map((g) => dot(f.embedding, g.embedding));
    assert.ok(same > 0.6, `mirror similarity ${same}`);
    assert.ok(others.every((o) => o < same - 0.2), `others ${others} vs same ${same}`);
  }
});

const lfw = lfwRoot();
const haveLfw = await Deno.stat(`${lfw}/pairs.txt`).then(() => true, () => false);
if (!haveLfw) console.log(`LFW alignment test skipped: ${lfw} is absent (see ../shared/datasets/README.md)`);

Deno.test({
  name:
    "LFW: 5-point alignment with the catalogue's preprocessing verifies pairs far better than a plain box crop",
  ignore: !haveLfw,
  fn: async () => {
    const lines = (await Deno.readTextFile(`${lfw}/pairs.txt`)).trim().split("\n");
    const chosen = [...lines.slice(1, 101), ...lines.slice(301, 401)];
    const path = (n: string, i: string) => `${lfw}/images_deepfunneled/${n}/${n}_${i.padStart(4, "0")}.jpg`;
    const analyzer = await FaceAnalyzer.create({ thumbnailSize: 0, log: () => {} });
    const cat = await loadCatalogue();
    const spec = pipelineModels(cat).embedder;
    const embedder = new FaceEmbedder(spec, await createSession((await ensureModels([spec])).get(spec.id)!));
    const cache = new Map<string, [Float32Array, Float32Array]>();
    const embed = async (p: string) => {
      if (!cache.has(p)) {
        const img = await decodeImage(await Deno.readFile(p));
        const faces = await analyzer.analyze(img);
        const f = faces.reduce((a, b) =>
          Math.hypot(b.box.x + b.box.w / 2 - 125, b.box.y + b.box.h / 2 - 125) <
              Math.hypot(a.box.x + a.box.w / 2 - 125, a.box.y + a.box.h / 2 - 125)
            ? b
            : a
        );
        const crop = warpAffine(img, rectToSize(f.box.x, f.box.y, f.box.w, f.box.h, 112, 112), 112, 112);
        cache.set(p, [f.embedding, await embedder.embed([crop])]);
      }
      return cache.get(p)!;
    };
    const sims: [number, number, boolean][] = [];
    for (const l of chosen) {
      const f = l.trim().split(/\s+/);
      const [a, b] = f.length === 3
        ? [path(f[0], f[1]), path(f[0], f[2])]
        : [path(f[0], f[1]), path(f[2], f[3])];
      const [ea, pa] = await embed(a), [eb, pb] = await embed(b);
      sims.push([dot(ea, eb), dot(pa, pb), f.length === 3]);
    }
    const best = (k: 0 | 1) =>
      Math.max(
        ...sims.map(([s]) => s).map((_, i) => {
          const t = sims[i][k];
          return sims.filter((p) => (p[k] >= t) === p[2]).length / sims.length;
        }),
      );
    const aligned = best(0), plain = best(1);
    assert.ok(aligned >= 0.97, `aligned accuracy ${aligned}`);
    assert.ok(aligned - plain >= 0.02, `aligned ${aligned} vs plain crop ${plain}`);
  },
});

Deno.test("a reduced decode gives the same faces in original coordinates; small faces come from the full resolution", async () => {
  const demo = await ensureDemoPhotos();
  const bytes = await Deno.readFile(`${demo}/sample1.jpg`);
  const analyzer = await FaceAnalyzer.create({ thumbnailSize: 0, log: () => {} });
  const full = await analyzer.analyze(await decodeImage(bytes));
  for (const maxSide of [1600, 400]) {
    let fullCalls = 0;
    const reduced = await analyzer.analyze(await decodeImage(bytes, { maxSide }), () => {
      fullCalls++;
      return decodeImage(bytes);
    });
    assert.equal(reduced.length, full.length);
    // At 1600 px the faces stay larger than 112 px; at 400 px they do not, and the full photo is used.
    assert.equal(fullCalls, maxSide === 1600 ? 0 : 1);
    reduced.forEach((f, i) => {
      const g = full[i];
      assert.ok(Math.abs(f.box.x - g.box.x) < 0.06 * g.box.w && Math.abs(f.box.w - g.box.w) < 0.1 * g.box.w);
      assert.ok(
        dot(f.embedding, g.embedding) > 0.9,
        `face ${i} at ${maxSide}: ${dot(f.embedding, g.embedding)}`,
      );
    });
  }
});
