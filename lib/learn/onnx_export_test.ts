import assert from "node:assert/strict";
import { createSession } from "../models/session.ts";
import { seededRandom } from "../util/random.ts";
import { runAdapterSession as runAdapter } from "../models/families/embedding_adapter.ts";
import { type AdapterWeights, applyAdapter } from "./head.ts";
import { adapterOnnx } from "./onnx_export.ts";

function randomWeights(
  head: "linear" | "mlp-residual",
  inDim: number,
  outDim: number,
  hidden: number,
): AdapterWeights {
  const r = seededRandom(11);
  const a = (n: number) => new Float32Array(n).map(() => r() * 2 - 1);
  return head === "linear" ? { head, inDim, outDim, hidden: 0, w1: a(inDim * outDim), b1: a(outDim) } : {
    head,
    inDim,
    outDim,
    hidden,
    w1: a(inDim * hidden),
    b1: a(hidden),
    w2: a(hidden * outDim),
    b2: a(outDim),
  };
}

for (const [head, inDim, outDim] of [["linear", 16, 8], ["mlp-residual", 16, 16]] as const) {
  Deno.test(`ONNX Runtime runs the exported ${head} head and matches applyAdapter to 1e-5`, async () => {
    const w = randomWeights(head, inDim, outDim, 12);
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/adapter.onnx`;
      await Deno.writeFile(path, adapterOnnx(w));
      const model = await createSession(path);
      const r = seededRandom(3);
      const x = new Float32Array(37 * inDim).map(() => r() * 2 - 1);
      const want = applyAdapter(w, x, inDim);
      const got = await runAdapter(model, x, inDim, 10); // several batches
      assert.equal(got.length, want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
      // the rows are unit vectors
      let s = 0;
      for (let j = 0; j < outDim; j++) s += got[j] ** 2;
      assert.ok(Math.abs(s - 1) < 1e-5);
      await model.session.release();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
