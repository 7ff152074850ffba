import assert from "node:assert/strict";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { externalMetrics } from "../metrics/mod.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { chooseClustering } from "./choose.ts";
import { clusterFaces, photoIndex } from "./cluster_faces.ts";
import { estimatedPrecision } from "./estimated_precision.ts";
import { genuineLevel } from "./genuine_level.ts";
import { memberMeans } from "./member_means.ts";
import { MEMBER_SHARE, MEMBER_SHARE_FROM, memberLevel, memberShare } from "./member_level.ts";
import { pairStats } from "./pair_stats.ts";

const set = syntheticClusters({ n: 600, dim: 64, clusters: 12, spread: 0.8, seed: 7 });

Deno.test("pairStats: random pairs are different people; the excess above their mirror is one person", () => {
  const s = pairStats(set.x, { pairs: 50_000 });
  assert.ok(Math.abs(s.impostor) < 0.05, `impostor ${s.impostor}`);
  assert.ok(s.genuine > s.impostor + 0.2, `genuine ${s.genuine}`);
  assert.ok(s.genuineShare > 0.02 && s.genuineShare < 0.3, `share ${s.genuineShare}`);
  assert.equal(s.pairs, 50_000);
});

/** Mean similarity of a face to the other faces of its true person, over faces whose person has 2+. */
function trueGenuine(x: typeof set.x, truth: Int32Array): number {
  const m = memberMeans(x, truth);
  return genuineLevel(m).genuine;
}

Deno.test("memberMeans: each face's mean similarity to the rest of its cluster, as by pairs", () => {
  const labels = Int32Array.from(set.truth.slice(0, 40), (l) => l % 3);
  labels[5] = -1;
  const x = { rows: 40, cols: set.x.cols, data: set.x.data.subarray(0, 40 * set.x.cols) };
  const m = memberMeans(x, labels);
  const d = x.cols;
  for (let i = 0; i < 40; i++) {
    let sum = 0, count = 0;
    for (let j = 0; j < 40; j++) {
      if (j === i || labels[i] < 0 || labels[j] !== labels[i]) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += x.data[i * d + c] * x.data[j * d + c];
      sum += s, count++;
    }
    assert.equal(m.size[i], labels[i] < 0 ? 1 : count + 1);
    if (count === 0) assert.ok(Number.isNaN(m.mean[i]));
    else assert.ok(Math.abs(m.mean[i] - sum / count) < 1e-9, `face ${i}`);
  }
  assert.throws(() => memberMeans(x, new Int32Array(3)), /3 labels for 40 rows/);
});

Deno.test("genuineLevel: the strictest run's clusters read one person's level where random pairs are nearly all strangers", async () => {
  // 1,000 people of 3 photos: a random pair is one person once in ~1,000, so the random pairs'
  // excess over their mirror is mostly noise, while the strictest run's clusters still hold photos
  // of one person.
  const many = syntheticClusters({ n: 3000, dim: 64, clusters: 1000, spread: 0.8, sizeSkew: 0, seed: 3 });
  const truth = trueGenuine(many.x, many.truth);
  const excess = pairStats(many.x).genuine;
  const c = await chooseClustering(many.x);
  const g = c.evidence.stats;
  assert.equal(g.genuineFrom, "strictest clusters");
  assert.ok(g.genuineFaces > 1000, `${g.genuineFaces} faces in clusters`);
  assert.ok(Math.abs(g.genuine - truth) < 0.06, `strictest clusters ${g.genuine}, truth ${truth}`);
  assert.ok(Math.abs(excess - truth) > 0.1, `the random pairs' excess ${excess} is off the truth ${truth}`);
  assert.equal(g.excessGenuine, excess);
  // The choice on it stays coherent: most faces with their own person.
  const m = externalMetrics(many.truth, c.labels);
  assert.ok(m.bcubedP > 0.85, `precision ${m.bcubedP}`);
  // No cluster of two or more: no level from clusters.
  assert.equal(genuineLevel(memberMeans(many.x, Int32Array.from(many.truth, (_, i) => i))).faces, 0);
});

Deno.test("memberShare: constant up to MEMBER_SHARE_FROM faces, then up with the number of faces", () => {
  assert.equal(memberShare(100), MEMBER_SHARE);
  assert.equal(memberShare(MEMBER_SHARE_FROM), MEMBER_SHARE);
  assert.ok(memberShare(10 * MEMBER_SHARE_FROM) > MEMBER_SHARE + 0.2);
  assert.ok(memberShare(1_000_000) > memberShare(100_000));
  assert.equal(memberLevel(0, 1, 100), MEMBER_SHARE);
  assert.ok(Math.abs(memberLevel(0.1, 0.7, 100) - (0.1 + MEMBER_SHARE * 0.6)) < 1e-12);
});

Deno.test("estimatedPrecision: near 1 for the true clusters and for singletons, low when people are merged", () => {
  const pairs = pairStats(set.x, { pairs: 50_000 });
  const s = {
    impostor: pairs.impostor,
    member: memberLevel(pairs.impostor, trueGenuine(set.x, set.truth), 600),
  };
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
  assert.ok(c.evidence.scanned.every((s) => s.seconds >= 0));
  // Its levels: different people < counted as one person < one person.
  const st = c.evidence.stats;
  assert.ok(st.impostor < st.member && st.member < st.genuine, JSON.stringify(st));
  assert.match(c.summary, /one person ~0\.[0-9]+ mean similarity \(strictest clusters\)/);
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
