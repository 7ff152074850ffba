import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { externalMetrics } from "../metrics/mod.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { chooseClustering } from "./choose.ts";
import { clusterFaces, photoIndex } from "./cluster_faces.ts";
import { estimatedPrecision } from "./estimated_precision.ts";
import { pairStats } from "./pair_stats.ts";

const set = syntheticClusters({ n: 600, dim: 64, clusters: 12, spread: 0.8, seed: 7 });

Deno.test("pairStats: random pairs are different people; the excess above their mirror is one person", () => {
  const s = pairStats(set.x, { pairs: 50_000 });
  assert.ok(Math.abs(s.impostor) < 0.05, `impostor ${s.impostor}`);
  assert.ok(s.genuine > s.impostor + 0.2, `genuine ${s.genuine}`);
  assert.ok(s.genuineShare > 0.02 && s.genuineShare < 0.3, `share ${s.genuineShare}`);
  assert.equal(s.pairs, 50_000);
});

Deno.test("estimatedPrecision: near 1 for the true clusters and for singletons, low when people are merged", () => {
  const s = pairStats(set.x, { pairs: 50_000 });
  const truthP = estimatedPrecision(set.x, set.truth, s);
  assert.ok(truthP > 0.9, `true clusters ${truthP}`);
  assert.equal(estimatedPrecision(set.x, Int32Array.from(set.truth, (_, i) => i), s), 1);
  const merged = estimatedPrecision(set.x, new Int32Array(set.x.rows), s);
  assert.ok(merged < 0.4, `everything merged ${merged}`);
  // Halving the number of clusters by merging pairs of them is seen.
  const halves = estimatedPrecision(set.x, set.truth.map((l) => l >> 1), s);
  assert.ok(halves < truthP - 0.2, `pairs merged ${halves}`);
  assert.throws(() => estimatedPrecision(set.x, new Int32Array(3), s), /labels/);
});

Deno.test("chooseClustering: picks a threshold from the data and states its evidence", async () => {
  const c = await chooseClustering(set.x);
  assert.equal(c.method, "chinese-whispers");
  const f1 = externalMetrics(set.truth, c.labels).bcubedF1;
  assert.ok(f1 > 0.9, `F1 ${f1}`);
  assert.match(c.summary, /threshold [0-9.]+ .*chosen from the data/);
  const at = c.evidence.scanned.find((s) => s.threshold === c.params.threshold)!;
  assert.ok(at.estimatedPrecision >= c.evidence.minPrecision);
  // The evidence lists the thresholds tried, strict to loose; the next one tried below the pick
  // (if any) fell under the bar, and bisection tried fewer than the whole grid.
  const t = c.evidence.scanned.map((s) => s.threshold);
  assert.deepEqual(t, [...t].sort((a, b) => b - a));
  const next = c.evidence.scanned[c.evidence.scanned.indexOf(at) + 1];
  if (next) assert.ok(next.estimatedPrecision < c.evidence.minPrecision);
  assert.ok(c.evidence.scanned.length <= 5, `${c.evidence.scanned.length} runs`);
  // A stricter bar never picks a looser threshold.
  const strict = await chooseClustering(set.x, { minPrecision: 0.999 });
  assert.ok((strict.params.threshold as number) >= (c.params.threshold as number));
});

Deno.test("clusterFaces: automatic without flags; any registered method with given parameters", async () => {
  const faces: FaceMeta[] = Array.from({ length: set.x.rows }, (_, i) => ({
    path: `p${i >> 1}.jpg`,
    face: i & 1,
    imageId: `h${i >> 1}`,
  }));
  assert.deepEqual([...photoIndex(faces.slice(0, 5))], [0, 0, 1, 1, 2]);
  const auto = await clusterFaces(set.x, faces);
  assert.ok(auto.choice && auto.summary.includes("chosen from the data"));
  for (let i = 0; i + 1 < faces.length; i += 2) assert.notEqual(auto.labels[i], auto.labels[i + 1]);
  const agg = await clusterFaces(set.x, faces, undefined, { threshold: 0.6 });
  assert.equal(agg.method, "agglomerative");
  assert.equal(agg.params.threshold, 0.6);
  assert.equal(agg.choice, undefined);
  const lv = await clusterFaces(set.x, faces, "louvain", {});
  assert.equal(lv.method, "louvain");
  assert.equal(lv.labels.length, set.x.rows);
  await assert.rejects(() => clusterFaces(set.x, faces, "nope"), /unknown clustering method/);
});

Deno.test("clusterFaces: a review's cannot-link decision separates two faces the choice would join; must-link joins two", async () => {
  // One face per photo, so that only the decisions constrain the choice.
  const faces: FaceMeta[] = Array.from({ length: set.x.rows }, (_, i) => ({
    path: `p${i}.jpg`,
    face: 0,
    imageId: `h${i}`,
  }));
  const auto = await clusterFaces(set.x, faces);
  // Two faces the choice put together, and two of different clusters.
  let a = -1, b = -1;
  for (let i = 0; i < faces.length && b < 0; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      if (auto.labels[i] >= 0 && auto.labels[i] === auto.labels[j]) {
        a = i, b = j;
        break;
      }
    }
  }
  assert.ok(a >= 0, "the choice joins some faces");
  const apart = await clusterFaces(set.x, faces, undefined, {}, { cannotLink: Int32Array.from([a, b]) });
  assert.ok(apart.summary.includes("chosen from the data"));
  assert.notEqual(apart.labels[a], apart.labels[b], "the cannot-link decision keeps them apart");
  const c = auto.labels.findIndex((l) => l >= 0 && l !== auto.labels[a]);
  assert.ok(c >= 0);
  const together = await clusterFaces(set.x, faces, undefined, {}, { mustLink: Int32Array.from([a, c]) });
  assert.equal(together.labels[a], together.labels[c], "the must-link decision joins them");
  // A given method takes the decisions too.
  const lv0 = await clusterFaces(set.x, faces, "louvain", {});
  assert.equal(lv0.labels[a], lv0.labels[b], "louvain joins them too");
  const lv = await clusterFaces(set.x, faces, "louvain", {}, { cannotLink: Int32Array.from([a, b]) });
  assert.notEqual(lv.labels[a], lv.labels[b]);
});
