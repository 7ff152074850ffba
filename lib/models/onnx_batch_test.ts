import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { dynamicBatch } from "./onnx_batch.ts";
import { encodeMessage, parseMessage } from "./protobuf.ts";
import { loadCatalogue } from "./catalogue.ts";
import { ensureModels } from "./fetch.ts";
import { seededRandom } from "../util/random.ts";

Deno.test("protobuf messages re-encode byte for byte", async () => {
  const cat = await loadCatalogue();
  const paths = await ensureModels(cat.models);
  const bytes = await Deno.readFile(paths.get("faceplugin-landmark68")!);
  assert.deepEqual(encodeMessage(parseMessage(bytes)), bytes);
});

for (const id of ["faceplugin-detect", "faceplugin-landmark68", "faceplugin-feature"]) {
  Deno.test(`${id}: with a dynamic batch, a batch of 3 gives the numbers of 3 single runs`, async () => {
    const cat = await loadCatalogue();
    const spec = cat.models.find((m) => m.id === id)!;
    const path = (await ensureModels([spec])).get(id)!;
    const original = await Deno.readFile(path);
    const edit = dynamicBatch(original);
    assert.ok(edit.io >= 2);
    if (id === "faceplugin-feature") assert.equal(edit.reshapes.length, 1, "the [1, -1] reshape is fixed");
    const single = await ort.InferenceSession.create(original);
    const batched = await ort.InferenceSession.create(edit.model);
    const shape = [spec.input.channels, spec.input.height, spec.input.width];
    const per = shape.reduce((a, b) => a * b, 1);
    const random = seededRandom(5);
    const data = Float32Array.from({ length: 3 * per }, () => random() * 2 - 1);
    const big = await batched.run({ input: new ort.Tensor("float32", data, [3, ...shape]) });
    for (let i = 0; i < 3; i++) {
      const one = await single.run({
        input: new ort.Tensor("float32", data.subarray(i * per, (i + 1) * per), [1, ...shape]),
      });
      for (const name of single.outputNames) {
        const a = one[name].data as Float32Array, b = big[name].data as Float32Array;
        assert.equal(b.length, 3 * a.length);
        let worst = 0;
        for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[i * a.length + j]));
        assert.ok(worst < 1e-4, `${name}[${i}] differs by ${worst}`);
      }
    }
    // The original really is fixed at batch 1: the edit is what makes batching possible.
    await assert.rejects(() => single.run({ input: new ort.Tensor("float32", data, [3, ...shape]) }));
  });
}
