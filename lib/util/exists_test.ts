import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "./exists.ts";

Deno.test("exists: true for a file and a folder, false for a missing path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.txt"), "x");
    assert.equal(await exists(dir), true);
    assert.equal(await exists(join(dir, "a.txt")), true);
    assert.equal(await exists(join(dir, "missing")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
