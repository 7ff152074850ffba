/**
 * A minimal protocol-buffers reader and writer that keeps every field it does not touch
 * byte for byte, for small edits of ONNX models (see ./onnx_batch.ts).
 * @module
 */

/** One field of a message: number, wire type and raw value. */
export interface PbField {
  /** Field number. */
  field: number;
  /** Wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: 0 | 1 | 2 | 5;
  /** Varint value (as bigint), or the raw bytes of other wire types. */
  value: bigint | Uint8Array;
}

function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let v = 0n, shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new RangeError("protobuf: truncated varint");
    const byte = b[pos++];
    v |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [v, pos];
    shift += 7n;
  }
}

/** Splits a message into its fields, in order. */
export function parseMessage(b: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [key, p] = readVarint(b, pos);
    pos = p;
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (wire === 0) {
      const [v, q] = readVarint(b, pos);
      out.push({ field, wire, value: v });
      pos = q;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      out.push({ field, wire, value: b.subarray(pos, pos + n) });
      pos += n;
    } else if (wire === 2) {
      const [len, q] = readVarint(b, pos);
      const end = q + Number(len);
      if (end > b.length) throw new RangeError("protobuf: truncated field");
      out.push({ field, wire, value: b.subarray(q, end) });
      pos = end;
    } else {
      throw new RangeError(`protobuf: unsupported wire type ${wire}`);
    }
  }
  return out;
}

/** Encodes an unsigned varint (negative numbers as 64-bit two's complement). */
export function encodeVarint(v: bigint): Uint8Array {
  let x = BigInt.asUintN(64, v);
  const bytes: number[] = [];
  while (x >= 0x80n) {
    bytes.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  bytes.push(Number(x));
  return Uint8Array.from(bytes);
}

/** Joins fields back into message bytes. */
export function encodeMessage(fields: readonly PbField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(encodeVarint(BigInt(f.field * 8 + f.wire)));
    if (f.wire === 0) parts.push(encodeVarint(f.value as bigint));
    else if (f.wire === 2) {
      parts.push(encodeVarint(BigInt((f.value as Uint8Array).length)));
      parts.push(f.value as Uint8Array);
    } else parts.push(f.value as Uint8Array);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}

/** The string value of the first length-delimited field `field`, if any. */
export function stringField(fields: readonly PbField[], field: number): string | undefined {
  const f = fields.find((x) => x.field === field && x.wire === 2);
  return f ? new TextDecoder().decode(f.value as Uint8Array) : undefined;
}

/** Replaces every length-delimited field `field` by `edit(value)` (a new list is returned). */
export function mapField(
  fields: readonly PbField[],
  field: number,
  edit: (v: Uint8Array) => Uint8Array,
): PbField[] {
  return fields.map((
    f,
  ) => (f.field === field && f.wire === 2 ? { ...f, value: edit(f.value as Uint8Array) } : f));
}
