import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { shownClusters } from "../report/run_data.ts";
import { writeEmbeddingSet } from "../store/embedding_set.ts";
import { DecisionLog, faceKey } from "./decisions.ts";
import { joinThreshold, openReview, reviewClustering, reviewRunLabels } from "./run_hook.ts";

/** A run folder of 3 people x 10 faces; returns the faces and true labels. */
async function runFolder(dir: string) {
  const { x, truth } = syntheticClusters({ n: 30, dim: 16, clusters: 3, spread: 0.3, sizeSkew: 0, seed: 2 });
  const faces = Array.from(truth, (_, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `img${i}` }));
  await writeEmbeddingSet(join(dir, "embeddings"), { x, faces });
  return { x, faces, truth };
}

Deno.test("openReview: no log is undefined; skipped and torn lines are said; earlier paths are kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run-hook-" });
  try {
    assert.equal(await openReview(dir, () => {}), undefined);
    const { faces } = await runFolder(dir);
    const log = await DecisionLog.open(dir);
    await log.append({ op: "name", person: "p1", name: "Ada", faces: [faceKey(faces[0]), "gone#0"] });
    await Deno.writeTextFile(join(dir, "decisions.jsonl"), 'not json\n{"op":"hide","fa', { append: true });
    const before = await Deno.readTextFile(join(dir, "decisions.jsonl"));
    const lines: string[] = [];
    const r = await openReview(dir, (l) => lines.push(l));
    assert.ok(r);
    assert.equal(r.state.names.get("p1"), "Ada");
    assert.deepEqual([...r.previousPaths], [[faceKey(faces[0]), "p0.jpg"]]);
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.match(lines[0], /decisions\.jsonl: line 2 skipped: not JSON/);
    assert.match(lines[1], /a torn last line is left out/);
    assert.equal(await Deno.readTextFile(join(dir, "decisions.jsonl")), before, "the log is not changed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reviewClustering without decisions changes nothing; joinThreshold follows the method", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run-hook-" });
  try {
    const { x, faces } = await runFolder(dir);
    const step = reviewClustering(undefined, x, faces);
    assert.equal(step.x, x);
    assert.equal(step.faces.length, faces.length);
    const labels = Int32Array.from(faces, (_, i) => (i < 25 ? i % 3 : 3 + i));
    const r = step.finish(labels, { threshold: 0.5, minClusterSize: 2 });
    assert.deepEqual(r.shown, shownClusters(labels, 2));
    assert.equal(r.labels, labels);
    assert.equal(r.decisions, undefined);
    assert.deepEqual(r.people, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(joinThreshold("agglomerative", { threshold: 0.6 }), 0.6);
  assert.equal(joinThreshold("chinese-whispers", { threshold: 0.4 }), 0.6);
  assert.equal(joinThreshold("kmeans", { k: 3 }), 0.55);
});

Deno.test("reviewRunLabels: a pick's labels get the run folder's decisions (people joined, names, not faces out)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run-hook-" });
  try {
    const { faces, truth } = await runFolder(dir);
    const none = await reviewRunLabels(dir, new Int32Array(30), { threshold: 0.55, minClusterSize: 2 });
    assert.equal(none, undefined, "no decisions: nothing to do");
    const ada = faces.filter((_, i) => truth[i] === 0);
    const log = await DecisionLog.open(dir);
    await log.append({ op: "name", person: "p1", name: "Ada", faces: ada.slice(0, 3).map(faceKey) });
    const bob = faces.findIndex((_, i) => truth[i] === 1);
    await log.append({ op: "reject", faces: [faceKey(faces[bob])], reason: "not-a-face" });
    // A pick that cut Ada in two.
    const picked = Int32Array.from(truth, (t, i) => (t === 0 ? (i % 2 ? 0 : 1) : t + 1));
    const lines: string[] = [];
    const r = await reviewRunLabels(dir, picked, {
      threshold: 0.55,
      minClusterSize: 2,
      log: (l) => lines.push(l),
    });
    assert.ok(r);
    const adaRows = truth.reduce<number[]>((a, t, i) => (t === 0 ? [...a, i] : a), []);
    assert.equal(new Set(adaRows.map((i) => r.shown[i])).size, 1, "Ada is one cluster again");
    for (const i of adaRows) assert.equal(r.names[i], "Ada");
    assert.equal(r.shown[bob], -1);
    assert.deepEqual(r.people.map((p) => [p.name, p.faces, p.decided]), [["Ada", adaRows.length, 3]]);
    assert.equal(r.decisions!.notFaces, 1);
    assert.match(
      lines[0],
      /decisions: 2 applied .* 1 people \(1 named, 3 faces decided\), 1 not faces left out/,
    );
    await assert.rejects(
      reviewRunLabels(dir, new Int32Array(3), { threshold: 0.55, minClusterSize: 2 }),
      /3 labels for 30 faces/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
