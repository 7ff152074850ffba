import assert from "node:assert/strict";
import sharp from "sharp";
import {
  alignedCrop,
  decideAligned,
  imageFileSize,
  isAlignedMode,
  isCropSize,
  sampleAligned,
  sampleIndices,
  templateLandmarks,
} from "./aligned_input.ts";
import { TEMPLATE_112 } from "./align.ts";

const png = async (w: number, h: number, seed = 0) => {
  const raw = new Uint8Array(w * h * 3).map((_, i) => (i * 7 + seed * 13) % 251);
  return new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
};

async function folder(files: [string, number, number, string?][]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aligned-test-" });
  for (const [i, [name, w, h, fmt]] of files.entries()) {
    await Deno.mkdir(`${dir}/${name.split("/")[0]}`, { recursive: true });
    const bytes = fmt === "webp"
      ? new Uint8Array(await sharp(await png(w, h, i)).webp().toBuffer())
      : fmt === "jpeg"
      ? new Uint8Array(await sharp(await png(w, h, i)).jpeg().toBuffer())
      : await png(w, h, i);
    await Deno.writeFile(`${dir}/${name}`, bytes);
  }
  return dir;
}

/** The files under `dir` (paths relative to it), depth first, each folder's entries sorted by name. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(prefix ? `${dir}/${prefix}` : dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, path));
    else if (e.isFile) out.push(path);
  }
  return out;
}

async function decide(dir: string) {
  const paths = await listFiles(dir);
  return await sampleAligned(paths, (p) => Deno.readFile(`${dir}/${p}`), 112);
}

Deno.test("auto: a generated folder of 112x112 crops (PNG, JPEG, WebP) is recognised, one stray file allowed", async () => {
  const files: [string, number, number, string?][] = [];
  for (let i = 0; i < 20; i++) files.push([`p${i % 4}/c${i}.png`, 112, 112, ["png", "jpeg", "webp"][i % 3]]);
  files.push(["notes/scan.png", 640, 480]);
  const dir = await folder(files);
  try {
    const d = await decide(dir);
    assert.equal(d.aligned, true, d.reason);
    assert.equal(d.readable, 21);
    assert.equal(d.matching, 20);
    assert.equal(d.reason, "auto: 20 of 21 sampled images are 112x112");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auto: a folder of photos, or of 224x224 or not quite square crops, is not taken as aligned", async () => {
  for (const sizes of [[[250, 250], [640, 480], [112, 112], [300, 400]], [[224, 224]], [[112, 113]]]) {
    const dir = await folder(sizes.map(([w, h], i) => [`a/x${i}.jpg`, w, h, "jpeg"]));
    try {
      const d = await decide(dir);
      assert.equal(d.aligned, false, `${JSON.stringify(sizes)}: ${d.reason}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("decideAligned: the 90% rule over readable sizes; nothing readable is not aligned", () => {
  const sq = { width: 112, height: 112 }, other = { width: 200, height: 150 };
  assert.equal(decideAligned([...Array(9).fill(sq), other], 112).aligned, true);
  assert.equal(decideAligned([...Array(8).fill(sq), other, other], 112).aligned, false);
  assert.equal(decideAligned([sq, undefined, undefined], 112).aligned, true);
  assert.equal(decideAligned([undefined], 112).aligned, false);
  assert.equal(decideAligned([], 112).aligned, false);
  assert.equal(decideAligned([{ width: 160, height: 160 }], 160).aligned, true);
});

Deno.test("sampleIndices spreads over the whole listing", () => {
  assert.deepEqual(sampleIndices(3, 5), [0, 1, 2]);
  const s = sampleIndices(1000, 4);
  assert.deepEqual(s, [125, 375, 625, 875]);
  assert.equal(new Set(sampleIndices(10_000)).size, 64);
});

Deno.test("imageFileSize reads PNG and JPEG headers and other formats through sharp; garbage is undefined", async () => {
  assert.deepEqual(await imageFileSize(await png(30, 20)), { width: 30, height: 20 });
  const webp = new Uint8Array(await sharp(await png(17, 9)).webp().toBuffer());
  assert.deepEqual(await imageFileSize(webp), { width: 17, height: 9 });
  assert.equal(await imageFileSize(new Uint8Array([1, 2, 3, 4])), undefined);
});

Deno.test("alignedCrop: 112 squares as they are, other crop sizes resized, photos refused with the file's name", () => {
  const img = (w: number, h: number) => ({ data: new Uint8Array(w * h * 3).fill(90), width: w, height: h });
  const a = img(112, 112);
  assert.equal(alignedCrop(a, 112), a);
  const b = alignedCrop(img(224, 224), 112);
  assert.equal(b.width, 112);
  assert.equal(b.height, 112);
  assert.ok(b.data.every((v) => v === 90), "a flat image stays flat when resized");
  assert.equal(alignedCrop(img(110, 112), 112).width, 112);
  assert.throws(
    () => alignedCrop(img(640, 480), 112, "x/photo.jpg"),
    /x\/photo\.jpg: 640x480 is not an aligned face crop/,
  );
  assert.throws(() => alignedCrop(img(40, 40), 112), /not an aligned face crop/);
  assert.ok(isCropSize(448, 448, 112) && !isCropSize(449, 449, 112) && isCropSize(56, 56, 112));
});

Deno.test("templateLandmarks: the template itself at 112, scaled otherwise", () => {
  assert.deepEqual(Array.from(templateLandmarks(112, 112)), Array.from(Float32Array.from(TEMPLATE_112)));
  const t = templateLandmarks(224, 224);
  assert.ok(Math.abs(t[0] - 2 * TEMPLATE_112[0]) < 1e-4 && Math.abs(t[9] - 2 * TEMPLATE_112[9]) < 1e-4);
  assert.ok(isAlignedMode("auto") && isAlignedMode("on") && isAlignedMode("off") && !isAlignedMode("yes"));
});
