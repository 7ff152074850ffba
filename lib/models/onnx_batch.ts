/**
 * Giving an ONNX model whose graph fixes the batch size at 1 a dynamic batch dimension:
 * the first dimension of every graph input and output becomes the symbol `N`, and Reshape
 * shapes that hard-code a leading 1 get 0 ("copy the input's dimension") instead.
 * The result must be checked to give the same numbers as batch 1 (see the tests).
 * @module
 */
import {
  encodeMessage,
  encodeVarint,
  mapField,
  parseMessage,
  type PbField,
  stringField,
} from "./protobuf.ts";

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12, GRAPH_VALUE_INFO = 13;
const NODE_INPUT = 1, NODE_OP_TYPE = 4;
const TENSOR_DATA_TYPE = 2, TENSOR_INT64_DATA = 7, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9;
const VALUE_INFO_TYPE = 2,
  TYPE_TENSOR = 1,
  TENSOR_TYPE_SHAPE = 2,
  SHAPE_DIM = 1,
  DIM_PARAM = 2; // (dim_value is field 1; the edit replaces the whole Dimension message)
const INT64 = 7n;

/** Sets the first dimension of a ValueInfoProto's tensor shape to the symbol `param`. */
function symbolicFirstDim(valueInfo: Uint8Array, param: string): Uint8Array {
  return encodeMessage(
    mapField(
      parseMessage(valueInfo),
      VALUE_INFO_TYPE,
      (type) =>
        encodeMessage(
          mapField(parseMessage(type), TYPE_TENSOR, (tensor) =>
            encodeMessage(mapField(parseMessage(tensor), TENSOR_TYPE_SHAPE, (shape) => {
              const dims = parseMessage(shape);
              const first = dims.findIndex((d) =>
                d.field === SHAPE_DIM
              );
              if (first < 0) {
                return shape;
              }
              dims[first] = {
                ...dims[first],
                value: encodeMessage([{ field: DIM_PARAM, wire: 2, value: new TextEncoder().encode(param) }]),
              };
              return encodeMessage(dims);
            }))),
        ),
    ),
  );
}

/** Rewrites an int64 shape tensor starting with 1 to start with 0; other tensors unchanged. */
function leadingOneToZero(tensor: Uint8Array): Uint8Array {
  const fields = parseMessage(tensor);
  if (fields.find((f) => f.field === TENSOR_DATA_TYPE)?.value !== INT64) return tensor;
  const raw = fields.findIndex((f) => f.field === TENSOR_RAW_DATA);
  if (raw >= 0) {
    const bytes = (fields[raw].value as Uint8Array).slice();
    const view = new DataView(bytes.buffer);
    if (bytes.length < 8 || view.getBigInt64(0, true) !== 1n) return tensor;
    view.setBigInt64(0, 0n, true);
    fields[raw] = { ...fields[raw], value: bytes };
    return encodeMessage(fields);
  }
  const packed = fields.findIndex((f) => f.field === TENSOR_INT64_DATA && f.wire === 2);
  if (packed >= 0) {
    const data = fields[packed].value as Uint8Array;
    if (data[0] !== 1) return tensor;
    fields[packed] = {
      ...fields[packed],
      value: Uint8Array.from([...encodeVarint(0n), ...data.subarray(1)]),
    };
    return encodeMessage(fields);
  }
  const single = fields.findIndex((f) => f.field === TENSOR_INT64_DATA && f.wire === 0);
  if (single >= 0 && fields[single].value === 1n) {
    fields[single] = { ...fields[single], value: 0n };
    return encodeMessage(fields);
  }
  return tensor;
}

/** What {@link dynamicBatch} changed. */
export interface BatchEdit {
  /** The edited model. */
  model: Uint8Array;
  /** Graph inputs and outputs whose first dimension became `N`. */
  io: number;
  /** Reshape shape constants changed from a leading 1 to 0. */
  reshapes: string[];
}

/** Returns the model with a dynamic batch dimension (see the module doc). */
export function dynamicBatch(model: Uint8Array, param = "N"): BatchEdit {
  let io = 0;
  const reshapes: string[] = [];
  const fields = mapField(parseMessage(model), MODEL_GRAPH, (graphBytes) => {
    const graph = parseMessage(graphBytes);
    const shapeInputs = new Set<string>();
    for (const f of graph) {
      if (f.field !== GRAPH_NODE) continue;
      const node = parseMessage(f.value as Uint8Array);
      if (stringField(node, NODE_OP_TYPE) !== "Reshape") continue;
      const inputs = node.filter((x) => x.field === NODE_INPUT);
      if (inputs[1]) shapeInputs.add(new TextDecoder().decode(inputs[1].value as Uint8Array));
    }
    const edited: PbField[] = graph
      .filter((f) => f.field !== GRAPH_VALUE_INFO) // stale inner shapes would pin the batch to 1
      .map((f) => {
        if (f.field === GRAPH_INPUT || f.field === GRAPH_OUTPUT) {
          io++;
          return { ...f, value: symbolicFirstDim(f.value as Uint8Array, param) };
        }
        if (f.field === GRAPH_INITIALIZER) {
          const name = stringField(parseMessage(f.value as Uint8Array), TENSOR_NAME) ?? "";
          if (!shapeInputs.has(name)) return f;
          const value = leadingOneToZero(f.value as Uint8Array);
          if (value !== f.value) reshapes.push(name);
          return { ...f, value };
        }
        return f;
      });
    return encodeMessage(edited);
  });
  return { model: encodeMessage(fields), io, reshapes };
}
