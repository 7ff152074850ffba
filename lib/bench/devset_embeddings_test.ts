import assert from "node:assert/strict";
import { matrix } from "../matrix.ts";
import { writeEmbeddingSet } from "../store/embedding_set.ts";
import { readDevsetEmbeddings } from "./devset_embeddings.ts";

Deno.test("readDevsetEmbeddings reads the sets bench:devsets wrote and says which are missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-devsets-" });
  try {
    const faces = [{ path: "a/1.jpg", face: 0, imageId: "h1", label: "a" }, {
      path: "b/1.jpg",
      face: 0,
      imageId: "h2",
      label: "b",
    }];
    await writeEmbeddingSet(`${dir}/pins/run/embeddings`, {
      x: matrix(Float32Array.from([1, 0, 0, 1]), 2, 2),
      faces,
    });
    const said: string[] = [];
    const got = await readDevsetEmbeddings(dir, (l) => said.push(l));
    assert.deepEqual(Object.keys(got), ["pins"]);
    assert.deepEqual(Array.from(got.pins!.x.data), [1, 0, 0, 1]);
    assert.deepEqual(got.pins!.faces.map((f) => f.label), ["a", "b"]);
    assert.equal(said.length, 1);
    assert.match(said[0], /skipped lfw: no embedding set at .*\/lfw\/run\/embeddings/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
