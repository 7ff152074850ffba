import assert from "node:assert/strict";
import { writeEmbeddingSet } from "../store/embedding_set.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { runSweep } from "./runner.ts";

Deno.test("runSweep runs in workers, resumes after a stop, and picks the best run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { x, truth } = syntheticClusters({
      n: 150,
      dim: 24,
      clusters: 6,
      spread: 0.5,
      sizeSkew: 0,
      seed: 9,
    });
    // Rows 0 and 1 come from one photo.
    const faces = Array.from(
      truth,
      (t, i) => ({
        path: `p${i}.jpg`,
        face: i === 1 ? 1 : 0,
        imageId: i <= 1 ? "img0" : `img${i}`,
        label: `id${t}`,
      }),
    );
    await writeEmbeddingSet(`${dir}/emb`, { x, faces });
    await Deno.writeTextFile(
      `${dir}/cfg.json`,
      JSON.stringify({
        seeds: [1],
        methods: [
          { method: "dbscan", grid: { eps: [0.2, 0.4, 0.9], minSamples: [2] }, params: { neighbours: 8 } },
          { method: "chinese-whispers", grid: { threshold: [0.5, 0.95] } },
          { method: "kmeans", list: [{ k: 6 }, { k: 2 }] },
        ],
      }),
    );
    const opts = {
      embeddings: `${dir}/emb`,
      config: `${dir}/cfg.json`,
      out: `${dir}/out`,
      workers: 2,
      log: () => {},
    };
    const first = await runSweep({ ...opts, limit: 3 });
    assert.equal(first.ran, 3);
    assert.equal(first.remaining, 4);
    const second = await runSweep(opts);
    assert.equal(second.ran, 4, "only the missing runs are done");
    const third = await runSweep(opts);
    assert.equal(third.ran, 0);
    assert.equal(third.rows.length, 7);
    for (const r of third.rows) {
      assert.equal(r.error, undefined);
      assert.equal(r.metrics.violationsFixed >= 0, true);
      assert.ok(r.metrics.bcubedF1 <= third.best!.metrics.bcubedF1);
    }
    assert.ok(third.best!.metrics.bcubedF1 > 0.95);
    assert.ok(third.labelFree!.row.metrics.bcubedF1 > 0.9, "label-free pick is a good run here");
    assert.deepEqual(Object.keys(third.bestPerMethod).sort(), ["chinese-whispers", "dbscan", "kmeans"]);
    const csv = (await Deno.readTextFile(`${dir}/out/runs.csv`)).trim().split("\n");
    assert.equal(csv.length, 8);
    assert.ok(csv[0].includes("bcubedF1") && csv[0].includes("silhouette"));
    const best = JSON.parse(await Deno.readTextFile(`${dir}/out/best.json`));
    assert.equal(best.best.id, third.best!.id);
    assert.equal(best.select, "bcubedF1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSweep refuses a folder holding results of other embeddings, unless asked to restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, seed] of [["a", 1], ["b", 2]] as const) {
      const { x, truth } = syntheticClusters({ n: 40, dim: 8, clusters: 3, spread: 0.4, sizeSkew: 0, seed });
      const faces = Array.from(
        truth,
        (t, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `i${i}`, label: `${t}` }),
      );
      await writeEmbeddingSet(`${dir}/${name}`, { x, faces });
    }
    await Deno.writeTextFile(
      `${dir}/cfg.json`,
      JSON.stringify({ seeds: [1], methods: [{ method: "kmeans", list: [{ k: 3 }, { k: 2 }] }] }),
    );
    const opts = { config: `${dir}/cfg.json`, out: `${dir}/out`, workers: 1, log: () => {} };
    assert.equal((await runSweep({ ...opts, embeddings: `${dir}/a` })).ran, 2);
    assert.equal((await runSweep({ ...opts, embeddings: `${dir}/a` })).ran, 0, "same embeddings: resumed");
    await assert.rejects(
      () => runSweep({ ...opts, embeddings: `${dir}/b` }),
      /holds sweep results of other embeddings.*--restart/,
    );
    const again = await runSweep({ ...opts, embeddings: `${dir}/b`, restart: true });
    assert.equal(again.ran, 2, "restarted: every run made again on the new embeddings");
    assert.equal((await runSweep({ ...opts, embeddings: `${dir}/b` })).ran, 0);
    await assert.rejects(() => runSweep({ ...opts, embeddings: `${dir}/a` }), /other embeddings/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
