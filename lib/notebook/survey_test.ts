import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { LocalFolderSource } from "../sources/local.ts";
import { imageType } from "./display.ts";
import { countBy, extensionOf, surveySource, topFolderOf } from "./survey.ts";

async function jpeg(w: number, h: number): Promise<Uint8Array> {
  const b: Buffer = await sharp({ create: { width: w, height: h, channels: 3, background: "#808080" } })
    .jpeg()
    .toBuffer();
  return new Uint8Array(b);
}

Deno.test("surveySource: counts by type and folder, a sample of thumbnails, unreadable files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/alice`);
    await Deno.mkdir(`${dir}/bob`);
    await Deno.writeFile(`${dir}/alice/a1.jpg`, await jpeg(400, 300));
    await Deno.writeFile(`${dir}/alice/a2.JPG`, await jpeg(300, 400));
    await Deno.writeFile(
      `${dir}/bob/b1.png`,
      new Uint8Array(await sharp(await jpeg(64, 64)).png().toBuffer()),
    );
    await Deno.writeFile(`${dir}/broken.jpg`, new TextEncoder().encode("not a jpeg at all"));
    await Deno.writeFile(`${dir}/empty.jpg`, new Uint8Array(0));
    const s = await surveySource(new LocalFolderSource(dir, { labelsFromFolders: true }), {
      sample: 10,
      thumb: 100,
    });
    assert.equal(s.photos, 5);
    assert.equal(s.probed, 5);
    assert.deepEqual(s.byExtension.map((g) => [g.name, g.photos]), [[".jpg", 4], [".png", 1]]);
    assert.deepEqual(s.byFolder.map((g) => [g.name, g.photos]), [[".", 2], ["alice", 2], ["bob", 1]]);
    assert.equal(s.labelled, 3);
    assert.deepEqual(s.unreadable.map((f) => [f.path, f.stage]), [["broken.jpg", "decode"], [
      "empty.jpg",
      "decode",
    ]]);
    assert.equal(s.sample.length, 5);
    const good = s.sample.filter((p) => p.thumbnail);
    assert.equal(good.length, 3);
    for (const p of good) assert.equal(imageType(p.thumbnail!), "image/jpeg");
    const a1 = s.sample.find((p) => p.ref.path === "alice/a1.jpg")!;
    assert.deepEqual(a1.size, [400, 300]);
    const meta = await sharp(a1.thumbnail!).metadata();
    assert.equal(Math.max(meta.width!, meta.height!), 100);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("surveySource: probe limits the decoding; the sample is among the probed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = await jpeg(32, 32);
    for (let i = 0; i < 8; i++) await Deno.writeFile(`${dir}/p${i}.jpg`, bytes);
    const s = await surveySource(new LocalFolderSource(dir), { probe: 3, sample: 5, seed: 7 });
    assert.equal(s.photos, 8);
    assert.equal(s.probed, 3);
    assert.equal(s.sample.length, 3);
    const again = await surveySource(new LocalFolderSource(dir), { probe: 3, sample: 5, seed: 7 });
    assert.deepEqual(again.sample.map((p) => p.ref.path), s.sample.map((p) => p.ref.path));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("path helpers", () => {
  assert.equal(extensionOf("a/b/C.JPeG"), ".jpeg");
  assert.equal(extensionOf("a.b/noext"), "(none)");
  assert.equal(extensionOf(".hidden"), "(none)");
  assert.equal(topFolderOf("x/y/z.jpg"), "x");
  assert.equal(topFolderOf("z.jpg"), ".");
  const refs = [{ path: "b", size: 1 }, { path: "a", size: 2 }, { path: "a", size: 3 }].map((r) => ({
    ...r,
    id: r.path,
    modified: 0,
  }));
  assert.deepEqual(countBy(refs, (r) => r.path), [{ name: "a", photos: 2, bytes: 5 }, {
    name: "b",
    photos: 1,
    bytes: 1,
  }]);
});
