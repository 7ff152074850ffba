import assert from "node:assert/strict";
import { createLimiter, forEachLimited } from "./pool.ts";

Deno.test("createLimiter never runs more than n tasks at once and runs them all", async () => {
  const limit = createLimiter(3);
  let active = 0;
  let peak = 0;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    limit(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 1));
      active--;
      return i;
    })));
  assert.equal(peak, 3);
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
});

Deno.test("forEachLimited visits every item and a failing task frees its slot", async () => {
  const seen: number[] = [];
  await forEachLimited([1, 2, 3, 4, 5], 2, async (x) => {
    await Promise.resolve();
    seen.push(x);
  });
  assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5]);
  const limit = createLimiter(1);
  await assert.rejects(limit(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await limit(() => Promise.resolve(7)), 7);
});
