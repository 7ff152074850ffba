import assert from "node:assert/strict";
import { ensureModels, verifyModelFile } from "./fetch.ts";
import type { ModelSpec } from "./catalogue.ts";
import { sha256Hex } from "../util/hash.ts";

function spec(sha256: string): ModelSpec {
  return {
    id: "test-model",
    task: "embedder",
    family: "arcface-112",
    source: { url: "http://127.0.0.1:9/never" },
    file: "t/model.onnx",
    sha256,
    input: { width: 1, height: 1, channels: 3, colorOrder: "RGB", mean: [0, 0, 0], std: [1, 1, 1] },
    output: { dim: 1 },
  };
}

Deno.test("a present file with the right checksum is used without download", async () => {
  const dir = await Deno.makeTempDir();
  const bytes = new TextEncoder().encode("weights");
  await Deno.mkdir(`${dir}/t`);
  await Deno.writeFile(`${dir}/t/model.onnx`, bytes);
  const paths = await ensureModels([spec(await sha256Hex(bytes))], { dir, download: false });
  assert.equal(paths.get("test-model"), `${dir}/t/model.onnx`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a checksum mismatch is a clear error, never a silent re-use", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/t`);
  await Deno.writeFile(`${dir}/t/model.onnx`, new TextEncoder().encode("tampered"));
  const s = spec("0".repeat(64));
  await assert.rejects(() => ensureModels([s], { dir }), /checksum mismatch.*t\/model\.onnx/);
  await assert.rejects(() => verifyModelFile(s, `${dir}/t/model.onnx`), /catalogue says 0{64}/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a missing file without download is a clear error naming the model", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(() => ensureModels([spec("0".repeat(64))], { dir, download: false }), /test-model/);
  await assert.rejects(() => verifyModelFile(spec("0".repeat(64)), `${dir}/nope.onnx`), /is missing/);
  await Deno.remove(dir, { recursive: true });
});
