import assert from "node:assert/strict";
import {
  labelIds,
  readEmbeddingSet,
  readThumbnails,
  samePhotoPairs,
  writeEmbeddingSet,
} from "./embedding_set.ts";

Deno.test("embedding sets round-trip and mismatches are named", async () => {
  const dir = await Deno.makeTempDir();
  const faces = [
    { path: "a/1.jpg", face: 0, imageId: "h1", label: "a" },
    { path: "a/1.jpg", face: 1, imageId: "h1", label: "b" },
  ];
  await writeEmbeddingSet(dir, { x: { data: new Float32Array([1, 0, 0, 1]), rows: 2, cols: 2 }, faces });
  const back = await readEmbeddingSet(dir);
  assert.deepEqual(back.faces, faces);
  assert.deepEqual(Array.from(back.x.data), [1, 0, 0, 1]);
  await Deno.writeTextFile(`${dir}/faces.jsonl`, JSON.stringify(faces[0]) + "\n");
  await assert.rejects(() => readEmbeddingSet(dir), /2 rows but faces\.jsonl has 1 lines/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("labels become ids, and same-photo faces become cannot-link pairs", () => {
  const faces = [
    { path: "p", face: 0, imageId: "x", label: "b" },
    { path: "p", face: 1, imageId: "x", label: "a" },
    { path: "q", face: 0, imageId: "y", label: "b" },
    { path: "p", face: 2, imageId: "x", label: "c" },
    { path: "copy-of-p", face: 0, imageId: "x", label: "b" },
  ];
  assert.deepEqual(Array.from(labelIds(faces)!), [0, 1, 0, 2, 0]);
  assert.equal(labelIds([{ path: "p", face: 0, imageId: "x" }]), undefined);
  assert.deepEqual(Array.from(samePhotoPairs(faces)), [0, 1, 0, 3, 1, 3, 1, 4, 3, 4]);
});

Deno.test("thumbnails travel with the set", async () => {
  const dir = await Deno.makeTempDir();
  const faces = [0, 1, 2].map((i) => ({ path: `p${i}`, face: 0, imageId: `h${i}` }));
  const x = { data: new Float32Array(6), rows: 3, cols: 2 };
  await writeEmbeddingSet(dir, { x, faces }, [new Uint8Array([1, 2]), undefined, new Uint8Array([3])]);
  const back = await readEmbeddingSet(dir);
  const thumbs = await readThumbnails(dir, back.faces);
  assert.deepEqual(thumbs.map((t) => t && Array.from(t)), [[1, 2], undefined, [3]]);
  await Deno.remove(dir, { recursive: true });
});
