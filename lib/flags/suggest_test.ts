import assert from "node:assert/strict";
import { closest, editDistance } from "./suggest.ts";

Deno.test("editDistance counts insertions, deletions, substitutions and swaps", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("treshold", "threshold"), 1);
  assert.equal(editDistance("thersold", "threshold"), 2);
  assert.equal(editDistance("linkage", "linkgae"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

Deno.test("closest suggests only likely misspellings", () => {
  const known = ["threshold", "linkage", "labels", "out", "oauth-client"];
  assert.equal(closest("treshold", known), "threshold");
  assert.equal(closest("lables", known), "labels");
  assert.equal(closest("oauth", known), "oauth-client", "a unique prefix");
  assert.equal(closest("xyz", known), undefined);
  assert.equal(closest("ot", known), "out");
  assert.equal(closest("device", known), undefined);
});
