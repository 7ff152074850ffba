import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { writeEmbeddingSet } from "../store/embedding_set.ts";
import { embeddingsFingerprint, FINGERPRINT_FILE, resetStaleSweep } from "./provenance.ts";

/** Writes `run/embeddings/`: `faces` seeded clustered vectors of 3 people, 8 dimensions. */
async function writeEmbeddings(run: string, faces: number, seed = 1): Promise<void> {
  const { x, truth } = syntheticClusters({ n: faces, dim: 8, clusters: 3, spread: 0.3, sizeSkew: 0, seed });
  const meta = Array.from(
    truth,
    (t, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `img${i}`, label: `id${t}` }),
  );
  await writeEmbeddingSet(join(run, "embeddings"), { x, faces: meta });
}

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

/** A fake sweep folder whose one label file fits `faces` faces. */
async function fakeSweep(dir: string, faces: number): Promise<void> {
  await Deno.mkdir(join(dir, "labels"), { recursive: true });
  await Deno.writeFile(join(dir, "labels", "0123456789abcdef.i32"), new Uint8Array(faces * 4));
  for (const f of ["runs.jsonl", "runs.json", "runs.csv", "best.json"]) {
    await Deno.writeTextFile(join(dir, f), "x");
  }
  await Deno.writeTextFile(join(dir, "notes.txt"), "mine");
}

Deno.test("resetStaleSweep: keeps results of the same embeddings, clears those of others", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeEmbeddings(join(dir, "a"), 30);
    await writeEmbeddings(join(dir, "b"), 30, 2);
    const sweep = join(dir, "sweep");
    assert.notEqual(
      await embeddingsFingerprint(join(dir, "a/embeddings")),
      await embeddingsFingerprint(join(dir, "b/embeddings")),
    );

    // A sweep without a record (e.g. from deno task sweep) whose labels fit: adopted.
    await fakeSweep(sweep, 30);
    assert.equal(await resetStaleSweep(sweep, join(dir, "a/embeddings")), false);
    assert.ok(await exists(join(sweep, "runs.jsonl")));
    assert.equal(
      (await Deno.readTextFile(join(sweep, FINGERPRINT_FILE))).trim(),
      await embeddingsFingerprint(join(dir, "a/embeddings")),
    );
    // Same embeddings again: kept.
    assert.equal(await resetStaleSweep(sweep, join(dir, "a/embeddings")), false);
    // Other embeddings of the same size: cleared, except files that are not the sweep's.
    assert.equal(await resetStaleSweep(sweep, join(dir, "b/embeddings")), true);
    for (const f of ["runs.jsonl", "runs.json", "runs.csv", "best.json", "labels"]) {
      assert.ok(!(await exists(join(sweep, f))), f);
    }
    assert.ok(await exists(join(sweep, "notes.txt")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resetStaleSweep: an unrecorded sweep whose labels do not fit is cleared; a missing folder is made", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeEmbeddings(join(dir, "a"), 30);
    const sweep = join(dir, "sweep");
    await fakeSweep(sweep, 31);
    assert.equal(await resetStaleSweep(sweep, join(dir, "a/embeddings")), true);
    assert.ok(!(await exists(join(sweep, "labels"))));
    const fresh = join(dir, "new/sweep");
    assert.equal(await resetStaleSweep(fresh, join(dir, "a/embeddings")), false);
    assert.ok(await exists(join(fresh, FINGERPRINT_FILE)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
