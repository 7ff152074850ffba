import assert from "node:assert/strict";
import sharp from "sharp";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { decodeImage, type RgbImage } from "../images/decode.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession } from "../models/session.ts";
import { detectorTiles, FaceDetector, mergeTileDetections, TILE_SHRINK } from "./detector.ts";

Deno.test("detector tiles cover the image, overlap as asked, and are not made for small images", () => {
  assert.deepEqual(detectorTiles(250, 250, 320, 240, 96), []);
  assert.deepEqual(detectorTiles(640, 480, 320, 240, 96), []);
  // A 1280x853 photo (the default reduced decode of 3:2): 3 columns, 2 rows.
  assert.equal(detectorTiles(1280, 853, 320, 240, 96).length, 6);
  for (const [w, h] of [[1280, 853], [641, 480], [4000, 300], [1280, 1280], [2000, 481]]) {
    const tiles = detectorTiles(w, h, 320, 240, 100);
    assert.ok(tiles.length >= 2, `${w}x${h}: ${tiles.length} tiles`);
    const covered = new Uint8Array(w * h);
    for (const t of tiles) {
      assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.w <= w && t.y + t.h <= h, `${w}x${h}: tile inside`);
      assert.equal(t.w, Math.min(w, TILE_SHRINK * 320));
      assert.equal(t.h, Math.min(h, TILE_SHRINK * 240));
      for (let y = t.y; y < t.y + t.h; y++) covered.fill(1, y * w + t.x, y * w + t.x + t.w);
    }
    assert.ok(covered.every((c) => c === 1), `${w}x${h}: every pixel in a tile`);
    // Neighbours overlap by at least a quarter of a tile.
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) {
      assert.ok(xs[i - 1] + tiles[0].w - xs[i] >= 100, `${w}x${h}: x overlap`);
    }
    const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) {
      assert.ok(ys[i - 1] + tiles[0].h - ys[i] >= 100, `${w}x${h}: y overlap`);
    }
  }
});

/** Side of the pasted faces: 14 px in the whole view of the canvas below, 28 px in a tile. */
const S = 56;

/** A face crop from a demo photo, as a square with some context around the detected box. */
async function faceSquare(detector: FaceDetector): Promise<RgbImage> {
  const photo = await decodeImage(await Deno.readFile(`${await ensureDemoPhotos()}/sample1.jpg`));
  const [f] = await detector.detect(photo);
  const side = Math.round(Math.max(f.box.w, f.box.h) * 1.4);
  const left = Math.max(0, Math.round(f.box.x + f.box.w / 2 - side / 2));
  const top = Math.max(0, Math.round(f.box.y + f.box.h / 2 - side / 2));
  const raw = { width: photo.width, height: photo.height, channels: 3 as const };
  const data = await sharp(photo.data, { raw })
    .extract({
      left,
      top,
      width: Math.min(side, photo.width - left),
      height: Math.min(side, photo.height - top),
    })
    .resize(S, S, { fit: "fill" })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data), width: S, height: S };
}

Deno.test("tiling finds small faces that the whole view misses, each exactly once, also across tile edges", async () => {
  const cat = await loadCatalogue();
  const spec = pipelineModels(cat, "default").detector;
  const paths = await ensureModels([spec], { log: () => {} });
  const session = await createSession(paths.get(spec.id)!, {});
  const auto = new FaceDetector(spec, session, { minFaceSize: 0 });
  const off = new FaceDetector(spec, session, { minFaceSize: 0, tiling: "off" });
  const face = await faceSquare(off);
  // A 1280x960 grey-green canvas (tiles at x 0, 320, 640; y 0, 240, 480) with small faces, two of
  // them straddling inner tile edges (x = 640 is the right edge of the first tile column).
  const W = 1280, H = 960;
  const canvas = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) canvas.set([110 + (i % W) / 20, 130, 100 + (i / W) / 20], i * 3);
  const spots = [[100, 100], [610, 150], [1000, 400], [300, 700], [900, 870], [450, 455]];
  for (const [x, y] of spots) {
    for (let r = 0; r < S; r++) {
      canvas.set(face.data.subarray(r * S * 3, (r + 1) * S * 3), ((y + r) * W + x) * 3);
    }
  }
  const img = { data: canvas, width: W, height: H };
  const hits = (dets: { box: { x: number; y: number; w: number; h: number } }[]) =>
    spots.map(([x, y]) =>
      dets.filter((d) =>
        Math.abs(d.box.x + d.box.w / 2 - (x + S / 2)) < S / 4 &&
        Math.abs(d.box.y + d.box.h / 2 - (y + S / 2)) < S / 4
      )
        .length
    );
  const whole = await off.detect(img);
  const tiled = await auto.detect(img);
  assert.ok(
    hits(whole).filter((n) => n > 0).length <= 2,
    `whole view alone found ${JSON.stringify(hits(whole))}`,
  );
  assert.deepEqual(hits(tiled), spots.map(() => 1), `tiles: ${JSON.stringify(tiled.map((d) => d.box))}`);
  assert.equal(tiled.length, spots.length, "no other detections");
});

Deno.test("the smallest face is measured in the original photo's pixels, and bad tiling options are refused", async () => {
  const cat = await loadCatalogue();
  const spec = pipelineModels(cat, "default").detector;
  const paths = await ensureModels([spec], { log: () => {} });
  const session = await createSession(paths.get(spec.id)!, {});
  const photo = await decodeImage(await Deno.readFile(`${await ensureDemoPhotos()}/sample1.jpg`));
  const [f] = await new FaceDetector(spec, session, { minFaceSize: 0 }).detect(photo);
  const side = Math.max(f.box.w, f.box.h);
  // As a reduced decode of a photo 3 times larger, the same face is 3 times larger in the original.
  const reduced = { ...photo, scale: 3 };
  const min = Math.floor(side * 2);
  assert.equal((await new FaceDetector(spec, session, { minFaceSize: min }).detect(photo)).length, 0);
  assert.ok((await new FaceDetector(spec, session, { minFaceSize: min }).detect(reduced)).length >= 1);
  assert.throws(
    () => new FaceDetector(spec, session, { tiling: "sometimes" as "auto" }),
    /tiling must be "auto" or "off"/,
  );
});

Deno.test("on real photos without small faces, tiling adds nothing: no bodies, no parts of faces", async () => {
  const cat = await loadCatalogue();
  const spec = pipelineModels(cat, "default").detector;
  const paths = await ensureModels([spec], { log: () => {} });
  const session = await createSession(paths.get(spec.id)!, {});
  const auto = new FaceDetector(spec, session);
  const off = new FaceDetector(spec, session, { tiling: "off" });
  const demo = await ensureDemoPhotos();
  for (
    const name of ["sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg"]
  ) {
    for (const maxSide of [1280, undefined]) {
      const img = await decodeImage(await Deno.readFile(`${demo}/${name}`), { maxSide });
      const a = await auto.detect(img), o = await off.detect(img);
      const boxes = (ds: typeof a) => ds.map((d) => `${Math.round(d.box.x)},${Math.round(d.box.y)}`).sort();
      assert.equal(a.length, o.length, `${name} at ${img.width}x${img.height}: ${boxes(a)} vs ${boxes(o)}`);
    }
  }
});

Deno.test("tile detections: kept and moved to image pixels, unless too large, cut by an inner edge, or part of a found face", () => {
  const det = (x: number, y: number, w: number, h: number, score = 0.9) => ({ box: { x, y, w, h }, score });
  // A 1280x960 image; tile 0 at the top left corner, tile 1 in the middle.
  const tiles = [{ x: 0, y: 0, w: 640, h: 480 }, { x: 320, y: 240, w: 640, h: 480 }];
  const whole = [det(700, 300, 200, 240, 0.99)];
  const perTile = [
    [
      det(100, 100, 40, 50), // kept: small, well inside
      det(610, 100, 40, 50), // cut: reaches the tile's right edge (x 640), an inner edge
      det(0, 10, 40, 50), // kept: touches the image's own left edge, not an inner one
      det(200, 200, 90, 95), // too large: left to the whole view
    ],
    [
      det(420, 90, 40, 45), // at image (740, 330): inside the whole view's face, a part of it
      det(100, 300, 40, 45), // kept, at image (420, 540)
      det(100, 2, 40, 45), // cut: reaches the tile's top edge (y 240 in the image), an inner edge
    ],
  ];
  const merged = mergeTileDetections(whole, tiles, perTile, 1280, 960, 80);
  const at = merged.map((d) => [d.box.x, d.box.y]);
  assert.deepEqual(at, [[700, 300], [100, 100], [0, 10], [420, 540]]);
});
