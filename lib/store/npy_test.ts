import assert from "node:assert/strict";
import { decodeNpy, encodeNpy, readMatrixNpy, writeMatrixNpy } from "./npy.ts";

Deno.test("npy round-trips float32 and int32 with a 64-byte aligned header", () => {
  const f = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
  const bytes = encodeNpy(f, [2, 3]);
  assert.equal((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64, 0);
  const back = decodeNpy(bytes);
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(Array.from(back.data), Array.from(f));
  const i = decodeNpy(encodeNpy(new Int32Array([5, -1, 9]), [3]));
  assert.ok(i.data instanceof Int32Array);
  assert.deepEqual(i.shape, [3]);
  assert.deepEqual(Array.from(i.data), [5, -1, 9]);
});

Deno.test("npy rejects bad magic and truncated data with the file name", () => {
  assert.throws(() => decodeNpy(new Uint8Array(20), "x.npy"), /x\.npy: not a \.npy file/);
  const bytes = encodeNpy(new Float32Array(6), [2, 3]);
  assert.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 4), "y.npy"), /y\.npy: truncated/);
});

Deno.test("matrix files written here read back", async () => {
  const dir = await Deno.makeTempDir();
  const m = { data: new Float32Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };
  await writeMatrixNpy(`${dir}/m.npy`, m);
  const back = await readMatrixNpy(`${dir}/m.npy`);
  assert.equal(back.rows, 3);
  assert.equal(back.cols, 2);
  assert.deepEqual(Array.from(back.data), [1, 2, 3, 4, 5, 6]);
  await Deno.remove(dir, { recursive: true });
});
