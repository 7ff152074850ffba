import assert from "node:assert/strict";
import { parseValue } from "../flags/parse.ts";
import { agglomerative, DEFAULT_AGGLOMERATIVE } from "./agglomerative.ts";
import { LINKAGE_FLAG, METHOD_FLAG, THRESHOLD_FLAG } from "./flags.ts";
import { CLUSTERERS } from "./registry.ts";

Deno.test("the clustering flags take their choices and defaults from the clusterers", () => {
  assert.deepEqual(METHOD_FLAG.choices, CLUSTERERS.map((c) => c.name));
  const linkage = agglomerative.params.linkage;
  assert.deepEqual(LINKAGE_FLAG.choices, linkage.type === "enum" ? linkage.values : []);
  assert.ok(LINKAGE_FLAG.defaultText.includes(DEFAULT_AGGLOMERATIVE.linkage));
  assert.ok(THRESHOLD_FLAG.defaultText.includes(String(DEFAULT_AGGLOMERATIVE.threshold)));
});

Deno.test("--threshold accepts the agglomerative range without 0", () => {
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
});
