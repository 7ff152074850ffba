import assert from "node:assert/strict";
import { join } from "node:path";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import { embeddingsFingerprint, FINGERPRINT_FILE, resetStaleSweep } from "./provenance.ts";

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
    await writeSyntheticRun(join(dir, "a"), { faces: 30, people: 3, dim: 8, thumb: 0 });
    await writeSyntheticRun(join(dir, "b"), { faces: 30, people: 3, dim: 8, thumb: 0, seed: 2 });
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
    await writeSyntheticRun(join(dir, "a"), { faces: 30, people: 3, dim: 8, thumb: 0 });
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
