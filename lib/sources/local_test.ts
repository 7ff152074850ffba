import assert from "node:assert/strict";
import { LocalFolderSource } from "./local.ts";

Deno.test("local folders are listed recursively, sorted, images only, labels from the first level", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/Ann/sub`, { recursive: true });
  await Deno.mkdir(`${root}/Bob`);
  await Deno.writeFile(`${root}/Ann/b.JPG`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/Ann/sub/a.png`, new Uint8Array([1, 2]));
  await Deno.writeFile(`${root}/Bob/notes.txt`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/Bob/.hidden.jpg`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/top.webp`, new Uint8Array([1]));
  await Deno.symlink(`${root}/Ann`, `${root}/Ann/sub/loop`);
  const src = new LocalFolderSource(root, { labelsFromFolders: true });
  const refs = [];
  for await (const r of src.list()) refs.push(r);
  assert.deepEqual(refs.map((r) => [r.path, r.label]), [
    ["Ann/b.JPG", "Ann"],
    ["Ann/sub/a.png", "Ann"],
    ["top.webp", undefined],
  ]);
  assert.equal(refs[1].size, 2);
  assert.deepEqual(Array.from(await src.read(refs[1])), [1, 2]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("a missing input folder is a clear error naming it", async () => {
  const src = new LocalFolderSource("/nonexistent/photos");
  await assert.rejects(async () => {
    for await (const _ of src.list()) { /* nothing */ }
  }, /\/nonexistent\/photos: cannot open the input folder/);
});
