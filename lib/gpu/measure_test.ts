import assert from "node:assert/strict";
import { agreement, parseNvidiaSmiMemory, powersOfTwo, rowCosine, timeRepeated } from "./measure.ts";

Deno.test("rowCosine and agreement: identical rows give 1, a changed row is counted below the threshold", () => {
  const a = Float32Array.from([1, 0, 0, 0.6, 0.8, 0, 0, 0, 2]);
  assert.equal(rowCosine(a, a, 3, 1), 1);
  const b = a.slice();
  b[4] = 0.7; // row 1 turns a little
  const r = agreement(a, b, 3);
  assert.equal(r.faces, 3);
  assert.equal(r.below, 1);
  assert.ok(r.min < 0.9999 && r.min > 0.99, String(r.min));
  assert.ok(Math.abs(r.mean - (2 + r.min) / 3) < 1e-12);
  assert.equal(agreement(a, a, 3).below, 0);
  const zero = new Float32Array(3);
  assert.equal(agreement(zero, zero, 3).below, 1, "a zero vector never counts as agreeing");
  assert.throws(() => agreement(a, a.subarray(0, 6), 3), /differ in size: 9 and 6/);
});

Deno.test("parseNvidiaSmiMemory reads one value per GPU, with or without units", () => {
  assert.deepEqual(parseNvidiaSmiMemory("1234\n 56 MiB \n\n"), [1234, 56]);
  assert.deepEqual(parseNvidiaSmiMemory(""), []);
  assert.throws(() => parseNvidiaSmiMemory("[N/A]"), /cannot read "\[N\/A\]"/);
});

Deno.test("powersOfTwo", () => {
  assert.deepEqual(powersOfTwo(256), [1, 2, 4, 8, 16, 32, 64, 128, 256]);
  assert.deepEqual(powersOfTwo(5), [1, 2, 4, 5]);
  assert.deepEqual(powersOfTwo(0), []);
});

Deno.test("timeRepeated warms up, then runs at least the minimum count and time", async () => {
  let calls = 0;
  const t = await timeRepeated(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
  }, { warmup: 2, minSeconds: 0.05, minIterations: 3 });
  assert.equal(calls, t.iterations + 2);
  assert.ok(t.iterations >= 3);
  assert.ok(t.seconds >= 0.05);
  assert.ok(t.medianMs >= 4, String(t.medianMs));
});
