import assert from "node:assert/strict";
import { withDefaults } from "./defaults.ts";

Deno.test("undefined options keep their defaults; given ones win", () => {
  const d = { a: 1, b: "x", c: true };
  assert.deepEqual(withDefaults(d, { a: undefined, b: "y" }), { a: 1, b: "y", c: true });
  assert.deepEqual(withDefaults(d, { c: false }), { a: 1, b: "x", c: false });
  assert.deepEqual(withDefaults(d, undefined), d);
  assert.deepEqual(
    { ...d, ...{ a: undefined } },
    { a: undefined, b: "x", c: true },
    "what a spread would do",
  );
});
