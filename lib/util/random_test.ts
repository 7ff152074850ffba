import assert from "node:assert/strict";
import { sampleIndices } from "./random.ts";

Deno.test("sampleIndices: distinct, in range, seeded", () => {
  const a = sampleIndices(100, 10, 3);
  assert.equal(new Set(a).size, 10);
  assert.ok(a.every((i) => i >= 0 && i < 100));
  assert.deepEqual(sampleIndices(100, 10, 3), a);
  assert.notDeepEqual(sampleIndices(100, 10, 4), a);
  assert.deepEqual([...sampleIndices(3, 10, 1)].sort(), [0, 1, 2]);
});
