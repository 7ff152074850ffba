import assert from "node:assert/strict";
import { paramsFromText } from "./param_text.ts";
import { getClusterer } from "./registry.ts";

Deno.test("paramsFromText: typed by the declared parameters, validated, named in errors", () => {
  const cw = getClusterer("chinese-whispers");
  assert.deepEqual(paramsFromText(cw, ["neighbours=32", "threshold=0.45", "weighting=unit"]), {
    neighbours: 32,
    threshold: 0.45,
    weighting: "unit",
  });
  assert.deepEqual(paramsFromText(cw, ["rerank=20"]), { rerank: 20 });
  assert.deepEqual(paramsFromText(getClusterer("hdbscan"), ["allowSingleCluster=true"]), {
    allowSingleCluster: true,
  });
  assert.throws(() => paramsFromText(cw, ["neighbours=1.5"]), /"neighbours".*integer/);
  assert.throws(() => paramsFromText(cw, ["neighbours=abc"]), /"neighbours".*must be a number/);
  assert.throws(() => paramsFromText(cw, ["threshold=2"]), /"threshold".*<= 1/);
  assert.throws(() => paramsFromText(cw, ["weighting=heavy"]), /"weighting".*one of sim, unit/);
  assert.throws(() => paramsFromText(cw, ["bogus=1"]), /unknown parameter "bogus"/);
  assert.throws(() => paramsFromText(cw, ["neighbours"]), /not name=value/);
  assert.throws(() => paramsFromText(cw, ["neighbours=3", "neighbours=4"]), /given twice/);
  assert.throws(
    () => paramsFromText(getClusterer("agglomerative"), ["rerank=5"]),
    /unknown parameter "rerank"/,
  );
});
