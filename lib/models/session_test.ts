import assert from "node:assert/strict";
import { join } from "node:path";
import { ElemType, encodeModel } from "../graph/onnx_proto.ts";
import { loadedOrtNativeDir, providerLibrary } from "../gpu/ort_native.ts";
import { createSession, Tensor } from "./session.ts";

/** A one-node model (y = relu(x)) written to a temporary file. */
async function tinyModel(): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "session-test-" });
  const path = join(dir, "relu.onnx");
  await Deno.writeFile(
    path,
    encodeModel({
      name: "relu",
      nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
      inputs: [{ name: "x", elemType: ElemType.float, shape: ["n", 4] }],
      outputs: [{ name: "y", elemType: ElemType.float, shape: ["n", 4] }],
    }),
  );
  return { path, dir };
}

function cudaInstalled(): boolean {
  const dir = loadedOrtNativeDir();
  if (!dir) return false;
  try {
    Deno.statSync(join(dir, providerLibrary("cuda")));
    return true;
  } catch {
    return false;
  }
}

Deno.test("createSession: cpu runs; without the CUDA provider, cuda fails naming the missing library and auto falls back in one line", async () => {
  const { path, dir } = await tinyModel();
  try {
    const cpu = await createSession(path, { device: "cpu", dynamicBatch: false });
    assert.equal(cpu.provider, "cpu");
    const out = await cpu.session.run({
      x: new Tensor("float32", Float32Array.from([-1, 2, -3, 4]), [1, 4]),
    });
    assert.deepEqual([...(out.y.data as Float32Array)], [0, 2, 0, 4]);
    await cpu.session.release();
    assert.ok(loadedOrtNativeDir(), "libonnxruntime.so.1 is found in /proc/self/maps once loaded");
    if (cudaInstalled()) {
      console.log("skipped the fallback half: a CUDA provider library is installed here");
      return;
    }
    await assert.rejects(
      () => createSession(path, { device: "cuda", dynamicBatch: false }),
      /cannot open model .*relu\.onnx on cuda: libonnxruntime_providers_cuda\.so is not beside .*libonnxruntime\.so\.1/,
    );
    const lines: string[] = [];
    const auto = await createSession(path, {
      device: "auto",
      dynamicBatch: false,
      log: (l) => lines.push(l),
    });
    assert.equal(auto.provider, "cpu");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0],
      /^device auto: cuda unavailable \(libonnxruntime_providers_cuda\.so is not beside .*\); using the CPU$/,
    );
    await auto.session.release();
    // Later sessions in this thread fall back at once, without another line.
    const again = await createSession(path, {
      device: "auto",
      dynamicBatch: false,
      log: (l) => lines.push(l),
    });
    assert.equal(again.provider, "cpu");
    assert.equal(lines.length, 1, lines.join("\n"));
    await again.session.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
