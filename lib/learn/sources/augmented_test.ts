import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureDemoPhotos } from "../../util/demo_photos.ts";
import { augmentedTrainingSet } from "./augmented.ts";

const cos = (v: Float32Array, a: number, b: number, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += v[a * d + j] * v[b * d + j];
  return s;
};

Deno.test("augmented source: faces of real group photos, views beside each face, same-photo cannot-links", async () => {
  const dir = await ensureDemoPhotos();
  const photos = [{ path: join(dir, "sample1.jpg") }, { path: join(dir, "missing.jpg") }];
  const lines: string[] = [];
  const r = await augmentedTrainingSet(photos, {
    views: 2,
    seed: 3,
    maxFacesPerPhoto: 3,
    progressEvery: 1,
    onProgress: (l) => lines.push(l),
  });
  const { set } = r;
  const faces = r.counts.faces, d = set.dim;
  assert.ok(faces >= 2 && faces <= 3, `${faces} faces`);
  assert.equal(set.labels.length, faces * 3);
  assert.equal(set.vectors.length, faces * 3 * d);
  assert.match(r.warnings[0], /missing\.jpg: .*skipped/);
  assert.equal(lines.length, 2);
  for (let f = 0; f < faces; f++) {
    assert.deepEqual([...set.labels.subarray(f * 3, f * 3 + 3)], [f, f, f]);
    assert.deepEqual([...r.origin.view.subarray(f * 3, f * 3 + 3)], [0, 1, 2]);
    assert.equal(r.recipes[f * 3], undefined);
    assert.ok(r.recipes[f * 3 + 1]);
  }
  // Pairs: every two faces of the photo, as found (view 0 rows).
  assert.equal(set.pairs!.a.length, (faces * (faces - 1)) / 2);
  for (let i = 0; i < set.pairs!.a.length; i++) {
    assert.equal(r.origin.view[set.pairs!.a[i]], 0);
    assert.equal(set.pairs!.same[i], 0);
  }
  // Views are near their own face and farther from the other faces.
  for (let f = 0; f < faces; f++) {
    for (const v of [1, 2]) {
      const own = cos(set.vectors, f * 3, f * 3 + v, d);
      assert.ok(Math.abs(cos(set.vectors, f * 3 + v, f * 3 + v, d) - 1) < 1e-4, "unit rows");
      for (let g = 0; g < faces; g++) {
        if (g !== f) {
          assert.ok(own > cos(set.vectors, g * 3, f * 3 + v, d), `face ${f} view ${v} vs face ${g}`);
        }
      }
    }
  }
  // The same seed gives the same rows.
  const again = await augmentedTrainingSet([photos[0]], { views: 2, seed: 3, maxFacesPerPhoto: 3 });
  assert.deepEqual(again.set.vectors, set.vectors);
});
