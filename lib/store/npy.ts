/**
 * Reading and writing NumPy `.npy` files (version 1.0, little-endian float32 / int32, C order),
 * so that embeddings written here load with `numpy.load`.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Element types supported in `.npy` files. */
export type NpyDtype = "<f4" | "<i4";

/** Encodes a 2-D array as `.npy` bytes. */
export function encodeNpy(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new ToolkitError(`encodeNpy: shape ${shape.join("x")} needs ${count} values, got ${data.length}`);
  }
  const descr: NpyDtype = data instanceof Float32Array ? "<f4" : "<i4";
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Decodes `.npy` bytes holding `<f4` or `<i4` values in C order. `name` is used in error messages. */
export function decodeNpy(
  bytes: Uint8Array,
  name = "array.npy",
): { data: Float32Array | Int32Array; shape: number[] } {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new ToolkitError(`${name}: not a .npy file (bad magic)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw new ToolkitError(`${name}: unreadable .npy header`);
  }
  if (fortran === "True") throw new ToolkitError(`${name}: Fortran-order arrays are not supported`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (bytes.length - offset < count * 4) {
    throw new ToolkitError(`${name}: truncated (${bytes.length - offset} bytes of data, need ${count * 4})`);
  }
  const copy = bytes.slice(offset, offset + count * 4);
  if (descr === "<f4") return { data: new Float32Array(copy.buffer), shape };
  if (descr === "<i4") return { data: new Int32Array(copy.buffer), shape };
  throw new ToolkitError(`${name}: dtype ${descr} is not supported (need <f4 or <i4)`);
}

/** Reads a 2-D float32 `.npy` file as a {@link Matrix}. */
export async function readMatrixNpy(path: string): Promise<Matrix> {
  const { data, shape } = decodeNpy(await Deno.readFile(path), path);
  if (!(data instanceof Float32Array) || shape.length !== 2) {
    throw new ToolkitError(`${path}: expected a 2-D float32 array, got shape (${shape.join(", ")})`);
  }
  return { data, rows: shape[0], cols: shape[1] };
}

/** Writes a {@link Matrix} as a 2-D float32 `.npy` file (atomically: temp file, then rename). */
export async function writeMatrixNpy(path: string, m: Matrix): Promise<void> {
  // A failed write (no space left, say) removes its temporary file.
  await writeFileAtomic(path, encodeNpy(m.data, [m.rows, m.cols]));
}
