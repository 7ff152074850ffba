/**
 * The adapter head as an ONNX model (MatMul, Add, Relu, LpNormalization; weights as float
 * initializers), so that runs apply it through ONNX Runtime like every other model of the
 * catalogue. Input `embedding` `[batch, inDim]`, output `adapted` `[batch, outDim]`.
 * @module
 */
import { ElemType, encodeModel, type FloatInitializer, type NodeSpec } from "../graph/onnx_proto.ts";
import { ADAPTER_IO } from "../models/families/embedding_adapter.ts";
import { type AdapterWeights, checkWeights } from "./head.ts";

export { ADAPTER_IO };

/** Encodes `w` as ONNX ModelProto bytes (opset 13). */
export function adapterOnnx(w: AdapterWeights): Uint8Array {
  checkWeights(w);
  const { input, output } = ADAPTER_IO;
  const init: FloatInitializer[] = [];
  const nodes: NodeSpec[] = [];
  if (w.head === "linear") {
    init.push({ name: "w1", dims: [w.inDim, w.outDim], data: w.w1 }, {
      name: "b1",
      dims: [w.outDim],
      data: w.b1,
    });
    nodes.push(
      { opType: "MatMul", inputs: [input, "w1"], outputs: ["xw1"] },
      { opType: "Add", inputs: ["xw1", "b1"], outputs: ["y"] },
    );
  } else {
    init.push(
      { name: "w1", dims: [w.inDim, w.hidden], data: w.w1 },
      { name: "b1", dims: [w.hidden], data: w.b1 },
      { name: "w2", dims: [w.hidden, w.outDim], data: w.w2! },
      { name: "b2", dims: [w.outDim], data: w.b2! },
    );
    nodes.push(
      { opType: "MatMul", inputs: [input, "w1"], outputs: ["xw1"] },
      { opType: "Add", inputs: ["xw1", "b1"], outputs: ["h0"] },
      { opType: "Relu", inputs: ["h0"], outputs: ["h"] },
      { opType: "MatMul", inputs: ["h", "w2"], outputs: ["hw2"] },
      { opType: "Add", inputs: ["hw2", "b2"], outputs: ["r"] },
      { opType: "Add", inputs: [input, "r"], outputs: ["y"] },
    );
  }
  nodes.push({ opType: "LpNormalization", inputs: ["y"], outputs: [output], intAttrs: { axis: -1, p: 2 } });
  return encodeModel({
    name: `adapter_${w.head}`,
    nodes,
    inputs: [{ name: input, elemType: ElemType.float, shape: ["batch", w.inDim] }],
    outputs: [{ name: output, elemType: ElemType.float, shape: ["batch", w.outDim] }],
    initializers: init,
  });
}
