import assert from "node:assert/strict";
import { parseValue } from "../flags/parse.ts";
import { DETECTOR_DEFAULTS } from "./detector.ts";
import { MIN_FACE_FLAG, SCORE_FLAG, TILES_FLAG } from "./flags.ts";

Deno.test("the detection flags take their defaults from the detector", () => {
  assert.equal(SCORE_FLAG.default, DETECTOR_DEFAULTS.scoreThreshold);
  assert.equal(MIN_FACE_FLAG.default, DETECTOR_DEFAULTS.minFaceSize);
  assert.equal(TILES_FLAG.default, DETECTOR_DEFAULTS.tiling);
});

Deno.test("--score accepts (0, 1]", () => {
  const ctx = { cwd: "/" };
  assert.equal(parseValue("--score", SCORE_FLAG, "1", ctx), 1);
  assert.throws(() => parseValue("--score", SCORE_FLAG, "0", ctx), /--score must be a number > 0 and <= 1/);
});
