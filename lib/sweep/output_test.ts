import assert from "node:assert/strict";
import { appendLog, cutTornTail, readLog } from "./output.ts";
import type { RunRow } from "./selection.ts";

function row(id: string): RunRow {
  return { id, method: "kmeans", params: { k: 2 }, seed: 1, metrics: { clusters: 2 }, timeMs: 5 } as RunRow;
}

Deno.test("a torn last line of runs.jsonl is cut before the next row is appended", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const log = `${dir}/runs.jsonl`;
    assert.equal(cutTornTail(log), 0, "no log yet");
    appendLog(log, row("a"));
    appendLog(log, row("b"));
    const whole = Deno.readTextFileSync(log);
    assert.equal(cutTornTail(log), 0, "a log ending on a line break is left alone");
    Deno.writeTextFileSync(log, '{"id":"c","method":"km', { append: true }); // killed mid-write
    assert.equal(cutTornTail(log), 22);
    assert.equal(Deno.readTextFileSync(log), whole);
    appendLog(log, row("d"));
    const lines = Deno.readTextFileSync(log).trim().split("\n");
    assert.equal(lines.length, 3);
    for (const l of lines) JSON.parse(l);
    assert.deepEqual([...readLog(log).keys()], ["a", "b", "d"]);
    // A whole row that only lacks its line break is kept and ended.
    Deno.writeTextFileSync(log, JSON.stringify(row("e")), { append: true });
    assert.equal(cutTornTail(log), 0);
    appendLog(log, row("f"));
    assert.deepEqual([...readLog(log).keys()], ["a", "b", "d", "e", "f"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
