/**
 * The `decoded-boxes` detector family (UltraFace-style, as faceplugin's `fr_detect.onnx`): the
 * view is stretched to the input; outputs are `scores` [N, A, 2] (background, face) and `boxes`
 * [N, A, 4], already decoded as normalised corners (x1, y1, x2, y2). No landmarks.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import type { Detection } from "../face_types.ts";
import type { ModelBase } from "../catalogue.ts";
import { objectField, parseInput, positiveInt, stringField } from "./fields.ts";
import type { DetectorFamily, ModelOutputs, RawEntry, SpecBase, ViewFit } from "./types.ts";

/** A `decoded-boxes` detector's catalogue entry. */
export interface DecodedBoxesSpec extends SpecBase {
  /** Task. */
  task: "detector";
  /** Family. */
  family: "decoded-boxes";
  /** Output names (and, for people, the number of anchors). */
  output: { scores: string; boxes: string; anchors?: number };
}

/**
 * Decodes one view: `scores` [A, 2] (background, face) and `boxes` [A, 4] as normalised
 * corners, mapped to a `width` x `height` view and clipped to it.
 */
export function decodeBoxes(
  scores: Float32Array,
  boxes: Float32Array,
  width: number,
  height: number,
  scoreThreshold: number,
): Detection[] {
  const n = scores.length / 2;
  if (boxes.length !== n * 4) throw new ToolkitError(`detector: ${n} scores but ${boxes.length / 4} boxes`);
  const out: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[i * 2 + 1];
    if (!(score >= scoreThreshold)) continue;
    const x1 = Math.max(0, boxes[i * 4] * width), y1 = Math.max(0, boxes[i * 4 + 1] * height);
    const x2 = Math.min(width, boxes[i * 4 + 2] * width), y2 = Math.min(height, boxes[i * 4 + 3] * height);
    out.push({ box: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }, score });
  }
  return out;
}

/** The `decoded-boxes` family. */
export const decodedBoxes: DetectorFamily<DecodedBoxesSpec> = {
  family: "decoded-boxes",
  task: "detector",
  parse(entry: RawEntry, base: ModelBase, where: string): DecodedBoxesSpec {
    const input = parseInput(entry.input, where, {}, ["RGB", "BGR"]);
    const o = objectField(entry.output, where, "output");
    const output: DecodedBoxesSpec["output"] = {
      scores: stringField(o.scores, where, "output.scores"),
      boxes: stringField(o.boxes, where, "output.boxes"),
    };
    if (o.anchors !== undefined) output.anchors = positiveInt(o.anchors, where, "output.anchors");
    return { ...base, task: "detector", family: "decoded-boxes", input, output };
  },
  landmarks: () => 0,
  fit: (spec) => ({ width: spec.input.width, height: spec.input.height }),
  decode(
    spec: DecodedBoxesSpec,
    out: ModelOutputs,
    batch: number,
    k: number,
    fit: ViewFit,
    threshold: number,
  ) {
    const scores = output(spec, out, "scores"), boxes = output(spec, out, "boxes");
    const n = scores.length / (2 * batch);
    return decodeBoxes(
      scores.subarray(k * n * 2, (k + 1) * n * 2),
      boxes.subarray(k * n * 4, (k + 1) * n * 4),
      fit.viewWidth,
      fit.viewHeight,
      threshold,
    );
  },
};

function output(spec: DecodedBoxesSpec, out: ModelOutputs, key: "scores" | "boxes"): Float32Array {
  const v = out.data[spec.output[key]];
  if (!v) {
    throw new ToolkitError(`model ${spec.id}: no output ${spec.output[key]} (has ${out.names.join(", ")})`);
  }
  return v;
}
