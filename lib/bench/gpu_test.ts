import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { loadedOrtNativeDir } from "../gpu/ort_native.ts";
import { main } from "./gpu.ts";

/** Fetches (once) and verifies the default pipeline's weights, as the other model tests do. */
async function fetchDefaultModels(): Promise<void> {
  const { detector, landmarks, embedder } = pipelineModels(await loadCatalogue());
  await ensureModels(landmarks ? [detector, landmarks, embedder] : [detector, embedder]);
}

function recorder() {
  const out: string[] = [], err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTty: false },
  };
}

Deno.test("bench:gpu on the CPU (synthetic crops): faces/s per batch, cosine 1 against itself, JSON written", async () => {
  await fetchDefaultModels();
  const dir = await Deno.makeTempDir({ prefix: "gpu-bench-test-" });
  try {
    const r = recorder();
    const out = join(dir, "gpu.json");
    const code = await main([
      "--device=cpu",
      "--batches=1,3",
      "--seconds=0",
      "--data",
      join(dir, "no-lfw"),
      "--photos=0",
      "--compare=0",
      "--out",
      out,
    ], { ...r.io, cwd: dir });
    assert.equal(code, 0, r.err.join(""));
    const text = r.out.join("");
    assert.match(text, /provider: cpu \(requested cpu\)/);
    assert.match(text, /64 aligned crops \(synthetic\)/);
    const res = JSON.parse(await Deno.readTextFile(out));
    assert.deepEqual(res.embedder.map((x: { batch: number }) => x.batch), [1, 3]);
    for (const row of res.embedder) assert.ok(row.facesPerSecond > 0 && row.iterations >= 3);
    assert.equal(res.cropAgreement.faces, 64);
    assert.equal(res.cropAgreement.below, 0);
    assert.ok(res.cropAgreement.min > 0.99999);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench:gpu --device cuda without the CUDA provider fails clearly (exit 1)", async () => {
  await fetchDefaultModels();
  const r = recorder();
  const dir = await Deno.makeTempDir({ prefix: "gpu-bench-test-" });
  try {
    const code = await main(["--device=cuda", "--data", join(dir, "none"), "--out", join(dir, "x.json")], {
      ...r.io,
      cwd: dir,
    });
    const dirNow = loadedOrtNativeDir();
    if (dirNow && [...Deno.readDirSync(dirNow)].some((e) => e.name === "libonnxruntime_providers_cuda.so")) {
      return console.log("skipped: a CUDA provider is installed here");
    }
    assert.equal(code, 1);
    assert.match(
      r.err.join(""),
      /error: cannot open model .*fr_feature\.onnx on cuda: libonnxruntime_providers_cuda\.so is not beside/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
