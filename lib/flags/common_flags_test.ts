import assert from "node:assert/strict";
import { agglomerative, DEFAULT_AGGLOMERATIVE } from "../cluster/agglomerative.ts";
import { CLUSTERERS } from "../cluster/registry.ts";
import { DETECTOR_DEFAULTS } from "../faces/detector.ts";
import {
  LINKAGE_FLAG,
  METHOD_FLAG,
  MIN_FACE_FLAG,
  SCORE_FLAG,
  THRESHOLD_FLAG,
  TILES_FLAG,
} from "./common_flags.ts";
import { parseValue } from "./parse.ts";

Deno.test("shared flags take their defaults and choices from the modules that own them", () => {
  assert.equal(SCORE_FLAG.default, DETECTOR_DEFAULTS.scoreThreshold);
  assert.equal(MIN_FACE_FLAG.default, DETECTOR_DEFAULTS.minFaceSize);
  assert.equal(TILES_FLAG.default, DETECTOR_DEFAULTS.tiling);
  assert.deepEqual(METHOD_FLAG.choices, CLUSTERERS.map((c) => c.name));
  const linkage = agglomerative.params.linkage;
  assert.deepEqual(LINKAGE_FLAG.choices, linkage.type === "enum" ? linkage.values : []);
  assert.ok(LINKAGE_FLAG.defaultText.includes(DEFAULT_AGGLOMERATIVE.linkage));
  assert.ok(THRESHOLD_FLAG.defaultText.includes(String(DEFAULT_AGGLOMERATIVE.threshold)));
});

Deno.test("--threshold accepts the agglomerative range without 0; --score (0, 1]", () => {
  const ctx = { cwd: "/" };
  assert.equal(parseValue("--threshold", THRESHOLD_FLAG, "2", ctx), 2);
  assert.equal(parseValue("--threshold", THRESHOLD_FLAG, "0.01", ctx), 0.01);
  for (const bad of ["0", "-1", "2.01", "NaN", "Infinity", "1e999"]) {
    assert.throws(
      () => parseValue("--threshold", THRESHOLD_FLAG, bad, ctx),
      /--threshold must be a number > 0/,
      bad,
    );
  }
  assert.equal(parseValue("--score", SCORE_FLAG, "1", ctx), 1);
  assert.throws(() => parseValue("--score", SCORE_FLAG, "0", ctx), /--score must be a number > 0 and <= 1/);
});
