import assert from "node:assert/strict";
import { findAdapter, parseCatalogue } from "../catalogue.ts";

const base = JSON.parse(await Deno.readTextFile(new URL("../../../models/catalogue.json", import.meta.url)));
const entry = {
  id: "a1",
  task: "adapter",
  family: "embedding-adapter",
  base: "faceplugin-feature",
  file: "adapters/a1.onnx",
  sha256: "0".repeat(64),
  source: { trained: "deno task learn --embeddings x --out a1" },
  card: "models/adapters/a1.card.json",
  input: { dim: 512 },
  output: { dim: 256 },
};

Deno.test("catalogue adapters: parsed, found by id", () => {
  const cat = parseCatalogue({ ...base, adapters: [entry] }, "cat.json");
  const a = findAdapter(cat, "a1");
  assert.equal(a.output.dim, 256);
  assert.equal(a.source.trained, entry.source.trained);
  assert.throws(() => findAdapter(cat, "a2"), /unknown adapter a2 \(known: a1\)/);
});

Deno.test("catalogue adapters: bad entries are refused naming the entry and field", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ base: "faceplugin-detect" }, /adapter "a1": base faceplugin-detect is not an embedder/],
    [{ sha256: "xyz" }, /adapter "a1": field "sha256"/],
    [{ file: "../x.onnx" }, /adapter "a1": field "file"/],
    [{ source: { npm: "x" } }, /adapter "a1": field "source.trained"/],
    [{ output: { dim: 0 } }, /adapter "a1": field "output.dim"/],
  ];
  for (const [change, want] of bad) {
    assert.throws(() => parseCatalogue({ ...base, adapters: [{ ...entry, ...change }] }, "cat.json"), want);
  }
  assert.throws(() => parseCatalogue({ ...base, adapters: [entry, entry] }, "cat.json"), /listed twice/);
});
