import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { type FaceMeta, writeEmbeddingSet } from "../store/embedding_set.ts";
import { cropFace, runFromEmbeddings } from "./run_from_embeddings.ts";
import { loadRun } from "./run_data.ts";

Deno.test("runFromEmbeddings: clusters a set, crops missing thumbnails from the photos, writes a run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { x, truth } = syntheticClusters({
      n: 24,
      dim: 16,
      clusters: 4,
      spread: 0.3,
      sizeSkew: 0,
      seed: 1,
    });
    await Deno.mkdir(join(dir, "photos", "p"), { recursive: true });
    const faces: FaceMeta[] = [];
    for (let i = 0; i < 24; i++) {
      const path = `p/${i}.jpg`;
      // A grey photo with a red square where the face is.
      await sharp({
        create: { width: 120, height: 100, channels: 3, background: { r: 128, g: 128, b: 128 } },
      })
        .composite([{
          input: { create: { width: 40, height: 40, channels: 3, background: { r: 255, g: 0, b: 0 } } },
          left: 50,
          top: 30,
        }])
        .jpeg().toFile(join(dir, "photos", path));
      faces.push({ path, face: 0, imageId: `i${i}`, label: `id${truth[i]}`, box: [50, 30, 40, 40] });
    }
    faces[23].path = "p/missing.jpg";
    await writeEmbeddingSet(join(dir, "emb"), { x, faces });
    const r = await runFromEmbeddings({
      embeddings: join(dir, "emb"),
      out: join(dir, "run"),
      images: join(dir, "photos"),
    });
    assert.equal(r.faces, 24);
    const run = await loadRun(join(dir, "run"));
    assert.equal(run.thumbnails.filter((t) => t).length, 23);
    assert.equal(run.thumbnails[23], undefined);
    const { data, info } = await sharp(run.thumbnails[0]!).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [96, 96]);
    const mid = (48 * 96 + 48) * info.channels;
    assert.ok(data[mid] > 200 && data[mid + 1] < 60, "the face (red) is in the middle of the thumbnail");
    assert.equal(run.meta.method, "agglomerative");
    assert.equal(new Set(run.clusters).size, 4, "four well separated people, four clusters");
    assert.equal(await cropFace(join(dir, "nothing.jpg"), [0, 0, 1, 1]), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
