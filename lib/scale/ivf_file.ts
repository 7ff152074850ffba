/**
 * The IVF cells file: an {@link IvfIndex} written beside a saved graph so that a later run can grow
 * both (lib/scale/knn_ivf.ts builds and grows the index).
 * @module
 */
import type { IvfIndex } from "./knn_ivf.ts";

/**
 * Writes the cells of an IVF graph to `path` (JSON header line, then the arrays as little-endian
 * binary: centres float32, near int32, cellOf int32, listedIn int32), beside the graph saved with
 * lib/scale/incremental.ts's saveGraph, so that a later run can grow both.
 */
export async function saveIvf(path: string, idx: IvfIndex): Promise<void> {
  const head = new TextEncoder().encode(
    JSON.stringify({
      dim: idx.dim,
      cells: idx.cells,
      probes: idx.probes,
      spill: idx.spill,
      rows: idx.cellOf.length,
    }) +
      "\n",
  );
  const parts = [idx.centres, idx.near, idx.cellOf, idx.listedIn];
  const body = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(head.length + body);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  await Deno.writeFile(`${path}.tmp`, out);
  await Deno.rename(`${path}.tmp`, path);
}

/** Reads cells written by {@link saveIvf}; a truncated or inconsistent file is refused naming it. */
export async function loadIvf(path: string): Promise<IvfIndex> {
  const bytes = await Deno.readFile(path);
  const nl = bytes.indexOf(10);
  let h: { dim: number; cells: number; probes: number; spill: number; rows: number };
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl)));
  } catch {
    throw new RangeError(`${path}: not an IVF cells file (no header)`);
  }
  const sizes = [h.cells * h.dim, h.cells * h.probes, h.rows, h.rows * h.spill];
  const want = nl + 1 + 4 * sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== want) throw new RangeError(`${path}: ${bytes.length} bytes, expected ${want}`);
  const body = bytes.slice(nl + 1).buffer;
  let o = 0;
  const take = <T>(make: (b: ArrayBuffer, o: number, n: number) => T, n: number): T => {
    const v = make(body, o, n);
    o += 4 * n;
    return v;
  };
  const centres = take((b, o, n) => new Float32Array(b, o, n), sizes[0]);
  const near = take((b, o, n) => new Int32Array(b, o, n), sizes[1]);
  const cellOf = take((b, o, n) => new Int32Array(b, o, n), sizes[2]);
  const listedIn = take((b, o, n) => new Int32Array(b, o, n), sizes[3]);
  return { dim: h.dim, centres, cells: h.cells, probes: h.probes, near, cellOf, spill: h.spill, listedIn };
}
