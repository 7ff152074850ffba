import assert from "node:assert/strict";
import { OnnxProducts } from "./onnx_products.ts";
import { syntheticClusters } from "./_testing/synthetic.ts";

Deno.test("OnnxProducts answers dot products and nearest rows", async () => {
  const { x } = syntheticClusters({ n: 300, dim: 20, clusters: 5, seed: 2 });
  const b = x.data.slice(0, 7 * 20);
  const bias = Float32Array.from({ length: 7 }, (_, j) => j * 0.01);
  const s = new OnnxProducts(x);
  try {
    const dots = await s.dots(b, 7);
    const near = await s.nearest(b, 7, bias);
    for (let i = 0; i < 300; i++) {
      let best = 0, bestV = -Infinity;
      for (let j = 0; j < 7; j++) {
        let v = 0;
        for (let c = 0; c < 20; c++) v += x.data[i * 20 + c] * b[j * 20 + c];
        assert.ok(Math.abs(v - dots[i * 7 + j]) < 1e-4);
        if (v - bias[j] > bestV) bestV = v - bias[j], best = j;
      }
      assert.ok(Math.abs(near.score[i] - bestV) < 1e-4);
      if (near.best[i] !== best) {
        assert.ok(Math.abs(dots[i * 7 + near.best[i]] - bias[near.best[i]] - bestV) < 1e-4);
      }
    }
    assert.equal((await s.dots(x.data, 300)).length, 300 * 300);
  } finally {
    await s.close();
  }
});

Deno.test("OnnxProducts instances one after another give the same products; shared memory is accepted", async () => {
  const { x } = syntheticClusters({ n: 200, dim: 16, clusters: 4, seed: 3 });
  const b = x.data.slice(0, 3 * 16);
  const shared = new Float32Array(new SharedArrayBuffer(x.data.byteLength));
  shared.set(x.data);
  let first: Float32Array | undefined;
  for (const data of [x.data, shared, x.data]) {
    const s = new OnnxProducts({ rows: x.rows, cols: x.cols, data });
    try {
      const dots = await s.dots(b, 3);
      if (first) assert.deepEqual(dots, first);
      first = dots;
    } finally {
      await s.close();
    }
  }
});
