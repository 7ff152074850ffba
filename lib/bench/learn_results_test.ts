import assert from "node:assert/strict";
import { join } from "node:path";
import { writeLearnResults } from "./learn_results.ts";

Deno.test("writeLearnResults: creates the folder, writes date, args and results, names the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "a", "b", "results.json");
    const lines: string[] = [];
    await writeLearnResults(out, ["--seed", "2"], [{ f1: 0.5 }], { err: (l) => lines.push(l) });
    const text = await Deno.readTextFile(out);
    assert.ok(text.endsWith("}\n"));
    const json = JSON.parse(text);
    assert.deepEqual(json.args, ["--seed", "2"]);
    assert.deepEqual(json.results, [{ f1: 0.5 }]);
    assert.ok(!Number.isNaN(Date.parse(json.date)));
    assert.deepEqual(lines, [`written: ${out}`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
