import assert from "node:assert/strict";
import { isSafeRelativePath, safeName, SafeNamer, splitExtension } from "./safe_names.ts";

Deno.test("safeName removes separators, dot segments, control characters and reserved names", () => {
  assert.equal(safeName("a/b\\c.jpg"), "a_b_c.jpg");
  assert.equal(safeName(".."), "_");
  assert.equal(safeName("."), "_");
  assert.equal(safeName(""), "_");
  assert.equal(safeName("../../etc/passwd"), ".._.._etc_passwd");
  assert.equal(safeName("x\u0000y\u001f\u007fz.png"), "xyz.png");
  assert.equal(safeName("name. . "), "name");
  assert.equal(safeName("CON.jpg"), "_CON.jpg");
  assert.equal(safeName(".facegroup-drive"), "_.facegroup-drive");
  assert.equal(safeName('a:b*c?"d<e>f|g.jpg'), "a_b_c__d_e_f_g.jpg");
  assert.equal(safeName("e\u0301.jpg"), "\u00e9.jpg"); // NFC
  assert.equal(safeName(".hidden.jpg"), ".hidden.jpg");
});

Deno.test("safeName caps long names in UTF-8 bytes, keeping the extension and whole characters", () => {
  const long = "é".repeat(300) + ".jpeg";
  const s = safeName(long);
  assert.ok(new TextEncoder().encode(s).length <= 200);
  assert.ok(s.endsWith(".jpeg"));
  assert.ok(!s.includes("\ufffd"));
  assert.equal(safeName(s), s);
});

Deno.test("SafeNamer makes repeats unique ignoring case, before the extension", () => {
  const n = new SafeNamer();
  assert.equal(n.take("Same.jpg"), "Same.jpg");
  assert.equal(n.take("same.jpg"), "same (2).jpg");
  assert.equal(n.take("SAME.jpg"), "SAME (3).jpg");
  assert.equal(n.take("same (2).jpg"), "same (2) (2).jpg");
  assert.equal(n.take("a/b"), "a_b");
  assert.equal(n.take("a_b"), "a_b (2)");
});

Deno.test("splitExtension and isSafeRelativePath", () => {
  assert.deepEqual(splitExtension("a.b.jpg"), ["a.b", ".jpg"]);
  assert.deepEqual(splitExtension(".profile"), [".profile", ""]);
  assert.deepEqual(splitExtension("noext"), ["noext", ""]);
  assert.ok(isSafeRelativePath("a/b c/d.jpg"));
  for (const bad of ["", "/a", "a//b", "a/../b", "..", "a/./b", "a\\b", "con", "a/\u0000"]) {
    assert.ok(!isSafeRelativePath(bad), JSON.stringify(bad));
  }
});
