import assert from "node:assert/strict";
import type { ModelBase } from "../catalogue.ts";
import { arcface112 } from "./arcface_112.ts";
import { insightfaceArcface } from "./insightface_arcface.ts";

const base: ModelBase = { id: "a", source: { url: "x" }, file: "a.onnx", sha256: "0".repeat(64) };

Deno.test("insightface-arcface: defaults are InsightFace's 112x112 RGB (x-127.5)/127.5, 512-d", () => {
  const s = insightfaceArcface.parse({}, base, "w");
  assert.deepEqual(s.input, {
    width: 112,
    height: 112,
    channels: 3,
    colorOrder: "RGB",
    mean: [127.5, 127.5, 127.5],
    std: [127.5, 127.5, 127.5],
  });
  assert.equal(insightfaceArcface.dim(s), 512);
  assert.equal(insightfaceArcface.parse({ input: { colorOrder: "BGR" } }, base, "w").input.colorOrder, "BGR");
  assert.throws(
    () => insightfaceArcface.parse({ output: { dim: 0 } }, base, 'cat: model "a"'),
    /cat: model "a": field "output\.dim"/,
  );
  // The faceplugin family has no defaults: its input must be given.
  assert.throws(
    () => arcface112.parse({ output: { dim: 512 } }, base, "w"),
    /field "input" must be an object/,
  );
});

Deno.test("insightface-arcface: a crop becomes planar (x-127.5)/127.5 in RGB or BGR order", () => {
  const tiny = (colorOrder: string) =>
    insightfaceArcface.parse({ input: { width: 2, height: 1, colorOrder } }, base, "w");
  const crop = { data: new Uint8Array([255, 0, 127.5 | 0, 10, 20, 30]), width: 2, height: 1 };
  const out = new Float32Array(7).fill(9);
  insightfaceArcface.preprocess(tiny("RGB"), crop, out, 1);
  const f = (v: number) => Math.fround((v - 127.5) * (1 / 127.5));
  assert.deepEqual(Array.from(out), [9, f(255), f(10), f(0), f(20), f(127), f(30)]);
  insightfaceArcface.preprocess(tiny("BGR"), crop, out, 1);
  assert.deepEqual(Array.from(out), [9, f(127), f(30), f(0), f(20), f(255), f(10)]);
});

Deno.test("insightface-arcface: rows of the (named or first) output come back with unit length", () => {
  const s = insightfaceArcface.parse({ output: { dim: 2 } }, base, "w");
  const raw = new Float32Array([3, 4, 0, 0, -5, 12]);
  const dst = new Float32Array(8);
  insightfaceArcface.decode(
    s,
    { names: ["emb", "other"], data: { emb: raw, other: new Float32Array(6) } },
    3,
    dst,
    1,
  );
  assert.deepEqual(Array.from(dst), [0, 0, 0.6, 0.8, 0, 0, -5 / 13, 12 / 13].map(Math.fround));
  const named = insightfaceArcface.parse({ output: { dim: 2, name: "other" } }, base, "w");
  insightfaceArcface.decode(
    named,
    { names: ["emb", "other"], data: { emb: raw, other: new Float32Array([1, 0]) } },
    1,
    dst,
    0,
  );
  assert.deepEqual(Array.from(dst.subarray(0, 2)), [1, 0]);
  assert.throws(
    () => insightfaceArcface.decode(named, { names: ["emb"], data: { emb: raw } }, 1, dst, 0),
    /no output other \(has emb\)/,
  );
});
