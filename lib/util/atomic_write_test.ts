import assert from "node:assert/strict";
import { ToolkitError } from "../errors.ts";
import { writeFileAtomic } from "./atomic_write.ts";

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("a write that fails removes its temporary file, keeps the old file, and names the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFileAtomic(`${dir}/a.txt`, "old");
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
    // The rename cannot replace a folder that holds something: the write fails after the
    // temporary file was written in full.
    await Deno.mkdir(`${dir}/b.bin/inner`, { recursive: true });
    await assert.rejects(
      () => writeFileAtomic(`${dir}/b.bin`, new Uint8Array([1, 2, 3])),
      (e) => e instanceof ToolkitError && e.message.startsWith(`could not write ${dir}/b.bin: `),
    );
    assert.deepEqual(names(dir), ["a.txt", "b.bin"], "no temporary file left");
    await assert.rejects(() => writeFileAtomic(`${dir}/a.txt/x`, "new"));
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
