import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { seededRandom } from "../util/random.ts";
import { groupPhotos, identitySizes, photoPairs, simFigures, synthesize } from "./synthetic.ts";

// A stand-in for the real set: clusters with spread, varying sizes (the bench uses LFW and pins).
const base = (() => {
  const s = syntheticClusters({ n: 1200, dim: 32, clusters: 150, spread: 0.7, jitter: 0.2, seed: 3 });
  return { x: s.x, labels: s.truth };
})();

Deno.test("identitySizes: exact total, most seen once, a heavy tail, capped", () => {
  const sizes = identitySizes(200_000, seededRandom(1), 1.1, 500);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 200_000);
  const ones = sizes.filter((s) => s === 1).length / sizes.length;
  assert.ok(ones > 0.45 && ones < 0.6, `share seen once ${ones}`);
  assert.ok(Math.max(...sizes) >= 300 && Math.max(...sizes) <= 500, `largest ${Math.max(...sizes)}`);
});

Deno.test("synthesize: seeded, normalised, sizes and photos as asked, similarities calibrated to the base", () => {
  const a = synthesize(base, { faces: 6000, seed: 5 });
  const b = synthesize(base, { faces: 6000, seed: 5 });
  assert.deepEqual(a.x.data, b.x.data);
  assert.deepEqual(a.truth, b.truth);
  const c = synthesize(base, { faces: 6000, seed: 6 });
  assert.notDeepEqual(a.x.data.subarray(0, 64), c.x.data.subarray(0, 64));
  assert.equal(a.x.rows, 6000);
  assert.equal(a.x.cols, 32);
  for (let i = 0; i < a.x.rows; i += 97) {
    let s = 0;
    for (let j = 0; j < 32; j++) s += a.x.data[i * 32 + j] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-4);
  }
  const real = simFigures(base.x, base.labels);
  const syn = a.calibration.synthetic;
  assert.ok(
    Math.abs(syn.genuineMean - real.genuineMean) < 0.04,
    `genuine ${syn.genuineMean} vs ${real.genuineMean}`,
  );
  assert.ok(
    Math.abs(syn.genuineSd - real.genuineSd) < 0.06,
    `genuine sd ${syn.genuineSd} vs ${real.genuineSd}`,
  );
  assert.ok(
    Math.abs(syn.impostorMean - real.impostorMean) < 0.06,
    `impostor ${syn.impostorMean} vs ${real.impostorMean}`,
  );
  assert.ok(syn.genuineMean - syn.impostorMean > 0.2);
  // Faces of one photo are distinct people.
  const pairs = photoPairs(a.photoOf);
  assert.ok(pairs.length > 0);
  for (let i = 0; i < pairs.length; i += 2) {
    assert.notEqual(a.truth[pairs[i]], a.truth[pairs[i + 1]]);
    assert.equal(a.photoOf[pairs[i]], a.photoOf[pairs[i + 1]]);
  }
});

Deno.test("groupPhotos: every face in a photo, no person twice in one", () => {
  const truth = Int32Array.from({ length: 3000 }, (_, i) => i % 40);
  const photoOf = groupPhotos(truth, seededRandom(2), 0.5);
  const seen = new Set<string>();
  for (let i = 0; i < truth.length; i++) {
    const key = `${photoOf[i]}:${truth[i]}`;
    assert.ok(!seen.has(key));
    seen.add(key);
  }
  const photos = new Set(photoOf).size;
  assert.ok(photos < 3000 && photos > 1000, `${photos} photos`);
});
