import assert from "node:assert/strict";
import { DETECTOR_DEFAULTS } from "../faces/detector.ts";
import { MIN_FACE_FLAG, SCORE_FLAG, TILES_FLAG } from "./common_flags.ts";
import { parseValue } from "./parse.ts";

Deno.test("shared flags take their defaults and choices from the modules that own them", () => {
  assert.equal(SCORE_FLAG.default, DETECTOR_DEFAULTS.scoreThreshold);
  assert.equal(MIN_FACE_FLAG.default, DETECTOR_DEFAULTS.minFaceSize);
  assert.equal(TILES_FLAG.default, DETECTOR_DEFAULTS.tiling);
});

Deno.test("--score accepts (0, 1]", () => {
  const ctx = { cwd: "/" };
  assert.equal(parseValue("--score", SCORE_FLAG, "1", ctx), 1);
  assert.throws(() => parseValue("--score", SCORE_FLAG, "0", ctx), /--score must be a number > 0 and <= 1/);
});
