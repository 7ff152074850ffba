import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { decodeImage } from "../images/decode.ts";
import { AnalyzePool } from "./analyze_pool.ts";

Deno.test("face workers give the same faces as the in-thread analyser, and report decode failures", async () => {
  const demo = await ensureDemoPhotos();
  const bytes = await Deno.readFile(`${demo}/sample2.jpg`);
  const local = await (await FaceAnalyzer.create({ log: () => {} })).analyze(await decodeImage(bytes));
  const pool = await AnalyzePool.create(2, { thumbnailSize: 96 });
  try {
    assert.equal(pool.size, 2);
    const [a, b, bad] = await Promise.all([
      pool.analyze(bytes.slice(), "sample2.jpg"),
      pool.analyze(bytes.slice(), "sample2-again.jpg"),
      pool.analyze(new TextEncoder().encode("not a photo"), "notes.jpg"),
    ]);
    for (const r of [a, b]) {
      assert.ok(r.ok);
      assert.equal(r.faces.length, local.length);
      r.faces.forEach((f, i) => {
        assert.deepEqual(f.box, local[i].box);
        for (let j = 0; j < 512; j++) assert.ok(Math.abs(f.embedding[j] - local[i].embedding[j]) < 1e-5);
        assert.ok(f.thumbnail && f.thumbnail.length > 500);
      });
    }
    assert.deepEqual(bad, { ok: false, stage: "decode", message: "notes.jpg: not an image" });
    assert.ok(pool.times.embed > 0 && pool.times.detect > 0);
  } finally {
    await pool.close();
  }
});

Deno.test("closing the pool lets every worker free its models first; a closed pool refuses work", async () => {
  const demo = await ensureDemoPhotos();
  const bytes = await Deno.readFile(`${demo}/sample2.jpg`);
  const pool = await AnalyzePool.create(2, {});
  // A photo still queued when close is called is finished first (on the CPU jobs run in order).
  const pending = pool.analyze(bytes.slice(), "sample2.jpg");
  assert.equal(await pool.close(), 2, "both workers confirmed releasing their sessions");
  assert.ok((await pending).ok);
  assert.equal(pool.size, 0);
  assert.deepEqual(await pool.analyze(bytes.slice(), "late.jpg"), {
    ok: false,
    stage: "detect",
    message: "pool closed",
  });
});

Deno.test("a released analyzer's sessions are gone: using it again fails instead of leaking", async () => {
  const demo = await ensureDemoPhotos();
  const img = await decodeImage(await Deno.readFile(`${demo}/sample2.jpg`));
  const analyzer = await FaceAnalyzer.create({ log: () => {} });
  assert.ok((await analyzer.analyze(img)).length > 0);
  await analyzer.release();
  await assert.rejects(() => analyzer.analyze(img));
  await analyzer.release(); // twice is harmless
});
