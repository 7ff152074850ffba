/**
 * A minimal ONNX ModelProto encoder: just enough protobuf to build small compute graphs
 * (a handful of nodes, typed inputs and outputs, integer attributes) in code, with no
 * ONNX builder package. Field numbers follow onnx/onnx.proto3.
 * @module
 */

/** ONNX tensor element types used here (TensorProto.DataType). */
export const ElemType = { float: 1, int32: 6, int64: 7 } as const;

/** A dimension: a fixed size or a symbolic name. */
export type Dim = number | string;

/** A graph input or output: name, element type and shape. */
export interface ValueInfo {
  /** Tensor name. */
  name: string;
  /** Element type, one of {@link ElemType}. */
  elemType: number;
  /** Shape; strings are symbolic (dynamic) dimensions. */
  shape: Dim[];
}

/** One node of the graph. */
export interface NodeSpec {
  /** Operator, e.g. `MatMul`. */
  opType: string;
  /** Input tensor names. */
  inputs: string[];
  /** Output tensor names. */
  outputs: string[];
  /** Integer attributes (e.g. `axis`). */
  intAttrs?: Record<string, number>;
}

/** A whole model: one graph in the default domain. */
export interface ModelSpec {
  /** Graph name. */
  name: string;
  /** Nodes in topological order. */
  nodes: NodeSpec[];
  /** Graph inputs. */
  inputs: ValueInfo[];
  /** Graph outputs. */
  outputs: ValueInfo[];
  /** Opset of the default domain (default 13). */
  opset?: number;
  /** Constant float tensors (weights), by name. */
  initializers?: FloatInitializer[];
}

/** A constant float tensor of the graph (GraphProto.initializer). */
export interface FloatInitializer {
  /** Tensor name, used as a node input. */
  name: string;
  /** Shape. */
  dims: number[];
  /** Values, row-major. */
  data: Float32Array;
}

/** Growable byte buffer with protobuf primitives. */
class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned varint (values up to 2^53; negatives as 10-byte two's complement). */
  varint(v: number): this {
    this.ensure(10);
    if (v < 0) {
      let b = BigInt.asUintN(64, BigInt(v));
      while (b >= 0x80n) {
        this.buf[this.len++] = Number(b & 0x7fn) | 0x80;
        b >>= 7n;
      }
      this.buf[this.len++] = Number(b);
      return this;
    }
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  /** Field key: number and wire type. */
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** Varint field. */
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }

  /** Length-delimited field. */
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** String field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** Embedded message field. */
  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function valueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name); // ValueInfoProto.name
  w.message(2, (t) =>
    // ValueInfoProto.type: TypeProto
    t.message(1, (tt) => { // TypeProto.tensor_type
      tt.int(1, v.elemType); // elem_type
      tt.message(2, (s) => { // shape: TensorShapeProto
        for (const d of v.shape) {
          s.message(1, (dim) => typeof d === "number" ? dim.int(1, d) : dim.string(2, d));
        }
      });
    }));
}

function node(w: Writer, n: NodeSpec, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.opType}_${index}`);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.intAttrs ?? {})) {
    w.message(5, (a) => {
      a.string(1, name); // AttributeProto.name
      a.int(3, value); // AttributeProto.i
      a.int(20, 2); // AttributeProto.type = INT
    });
  }
}

/** Serialises a model to ONNX ModelProto bytes, loadable by onnxruntime. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, "face-toolkit"); // producer_name
  w.message(7, (g) => { // graph
    spec.nodes.forEach((n, i) => g.message(1, (nw) => node(nw, n, i)));
    g.string(2, spec.name);
    for (const t of spec.initializers ?? []) {
      g.message(5, (tw) => { // GraphProto.initializer: TensorProto
        for (const d of t.dims) tw.int(1, d); // dims
        tw.int(2, ElemType.float); // data_type
        tw.string(8, t.name); // name
        tw.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)); // raw_data (little-endian)
      });
    }
    for (const v of spec.inputs) g.message(11, (vw) => valueInfo(vw, v));
    for (const v of spec.outputs) g.message(12, (vw) => valueInfo(vw, v));
  });
  w.message(8, (o) => { // opset_import
    o.string(1, "");
    o.int(2, spec.opset ?? 13);
  });
  return w.finish();
}
