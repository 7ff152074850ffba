import assert from "node:assert/strict";
import { ToolkitError } from "../errors.ts";
import { writeEmbeddingSet } from "./embedding_set.ts";
import { writeMatrixNpy } from "./npy.ts";

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("the store's writers write atomically: a failed write leaves no temporary file and names the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The rename cannot replace a folder that holds something: the write fails after the
    // temporary file was written in full.
    await Deno.mkdir(`${dir}/vectors.npy/inner`, { recursive: true });
    await assert.rejects(
      () => writeMatrixNpy(`${dir}/vectors.npy`, { data: new Float32Array(6), rows: 2, cols: 3 }),
      (e) => e instanceof ToolkitError && e.message.startsWith(`could not write ${dir}/vectors.npy: `),
    );
    await Deno.mkdir(`${dir}/set/faces.jsonl/inner`, { recursive: true });
    await assert.rejects(() =>
      writeEmbeddingSet(`${dir}/set`, {
        x: { data: new Float32Array(2), rows: 1, cols: 2 },
        faces: [{ path: "p.jpg", face: 0, imageId: "i" }],
      }, [new Uint8Array([1, 2])])
    );
    assert.deepEqual(names(dir), ["set", "vectors.npy"], "no temporary file left");
    assert.deepEqual(names(`${dir}/set`), ["faces.jsonl", "thumbs.bin", "vectors.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
