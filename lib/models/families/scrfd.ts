/**
 * The `scrfd` detector family (InsightFace's SCRFD, e.g. `det_10g.onnx` of `buffalo_l`): the
 * view is letterboxed (aspect kept, at the input's top-left, zero pixels around); for each
 * stride s (8, 16, 32) the model gives per anchor a face score (after sigmoid), 4 distances
 * from the anchor centre to the box sides and, for the `kps` variants, 5 keypoint offsets, all
 * in units of s. Anchor centres are the cells' top-left corners (x * s, y * s), row by row,
 * each repeated for the `anchorsPerCell` anchors, as in InsightFace's `scrfd.py`. Gives the 5
 * alignment points, so a pipeline with it needs no landmark model.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import type { Detection } from "../face_types.ts";
import type { ModelBase } from "../catalogue.ts";
import { fieldError, objectField, parseInput, positiveInt, stringList } from "./fields.ts";
import type { DetectorFamily, ModelOutputs, RawEntry, SpecBase, ViewFit } from "./types.ts";

/** An SCRFD detector's catalogue entry. */
export interface ScrfdSpec extends SpecBase {
  /** Task. */
  task: "detector";
  /** Family. */
  family: "scrfd";
  /** How the outputs are laid out. */
  output: {
    /** Feature strides, one group of outputs each. @default [8, 16, 32] */
    strides: number[];
    /** Anchors per feature cell. @default 2 */
    anchorsPerCell: number;
    /** Whether the model gives the 5 keypoints (the `kps` variants). @default true */
    keypoints: boolean;
    /**
     * Output names per stride; when absent, the model's output order is taken as scrfd.py
     * does: all scores, then all boxes, then all keypoints, each in stride order.
     */
    names?: { scores: string[]; boxes: string[]; keypoints?: string[] };
  };
}

/** One stride's outputs for one view: `A` anchors of scores, box distances and keypoints. */
export interface StrideOutputs {
  /** The stride. */
  stride: number;
  /** [A] face scores. */
  scores: Float32Array;
  /** [A, 4] distances left, top, right, bottom, in stride units. */
  boxes: Float32Array;
  /** [A, 10] keypoint offsets (x, y) in stride units, when the model gives them. */
  keypoints?: Float32Array;
}

/**
 * Decodes SCRFD outputs of one view into detections in the resized input's pixels
 * (`inputWidth` x `inputHeight`), then mapped to view pixels by dividing by `scaleX`/`scaleY`
 * and clipped to the `viewWidth` x `viewHeight` view.
 */
export function decodeScrfd(
  strides: readonly StrideOutputs[],
  inputWidth: number,
  inputHeight: number,
  anchorsPerCell: number,
  scoreThreshold: number,
  view: { width: number; height: number; scaleX: number; scaleY: number },
): Detection[] {
  const out: Detection[] = [];
  for (const o of strides) {
    const s = o.stride, cols = Math.floor(inputWidth / s), rows = Math.floor(inputHeight / s);
    const n = rows * cols * anchorsPerCell;
    if (o.scores.length !== n || o.boxes.length !== 4 * n || (o.keypoints && o.keypoints.length !== 10 * n)) {
      throw new ToolkitError(
        `scrfd: stride ${s} of a ${inputWidth}x${inputHeight} input has ${n} anchors, but the outputs hold ` +
          `${o.scores.length} scores, ${o.boxes.length / 4} boxes` +
          (o.keypoints ? `, ${o.keypoints.length / 10} keypoint sets` : ""),
      );
    }
    for (let i = 0; i < n; i++) {
      const score = o.scores[i];
      if (!(score >= scoreThreshold)) continue;
      const cell = Math.floor(i / anchorsPerCell);
      const cx = (cell % cols) * s, cy = Math.floor(cell / cols) * s;
      const b = o.boxes.subarray(4 * i, 4 * i + 4);
      const x1 = Math.max(0, (cx - b[0] * s) / view.scaleX), y1 = Math.max(0, (cy - b[1] * s) / view.scaleY);
      const x2 = Math.min(view.width, (cx + b[2] * s) / view.scaleX);
      const y2 = Math.min(view.height, (cy + b[3] * s) / view.scaleY);
      const d: Detection = { box: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }, score };
      if (o.keypoints) {
        const k = o.keypoints.subarray(10 * i, 10 * i + 10);
        const lm = new Float32Array(10);
        for (let p = 0; p < 5; p++) {
          lm[2 * p] = (cx + k[2 * p] * s) / view.scaleX;
          lm[2 * p + 1] = (cy + k[2 * p + 1] * s) / view.scaleY;
        }
        d.landmarks = lm;
      }
      out.push(d);
    }
  }
  return out;
}

/** The `scrfd` family. */
export const scrfd: DetectorFamily<ScrfdSpec> = {
  family: "scrfd",
  task: "detector",
  parse(entry: RawEntry, base: ModelBase, where: string): ScrfdSpec {
    const input = parseInput(entry.input, where, {
      width: 640,
      height: 640,
      colorOrder: "RGB",
      mean: [127.5, 127.5, 127.5],
      std: [128, 128, 128],
    }, ["RGB", "BGR"]);
    const o = objectField(entry.output, where, "output", true);
    const strides = o.strides ?? [8, 16, 32];
    if (!Array.isArray(strides) || strides.length === 0) {
      throw fieldError(where, "output.strides", "must be a list of strides");
    }
    strides.forEach((s, i) => {
      positiveInt(s, where, `output.strides[${i}]`);
      if (input.width % s !== 0 || input.height % s !== 0) {
        throw fieldError(
          where,
          "input",
          `size ${input.width}x${input.height} must be a multiple of stride ${s}`,
        );
      }
    });
    const anchorsPerCell = positiveInt(o.anchorsPerCell, where, "output.anchorsPerCell", 2);
    const keypoints = o.keypoints ?? true;
    if (typeof keypoints !== "boolean") throw fieldError(where, "output.keypoints", "must be true or false");
    const output: ScrfdSpec["output"] = { strides: strides as number[], anchorsPerCell, keypoints };
    if (o.names !== undefined) {
      const n = objectField(o.names, where, "output.names");
      output.names = {
        scores: stringList(n.scores, where, "output.names.scores", strides.length),
        boxes: stringList(n.boxes, where, "output.names.boxes", strides.length),
      };
      if (keypoints) {
        output.names.keypoints = stringList(n.keypoints, where, "output.names.keypoints", strides.length);
      }
    }
    return { ...base, task: "detector", family: "scrfd", input, output };
  },
  landmarks: (spec) => (spec.output.keypoints ? 5 : 0),
  fit(spec: ScrfdSpec, w: number, h: number) {
    // As scrfd.py: the longer side (relative to the input's shape) fills the input.
    const { width, height } = spec.input;
    if (h / w > height / width) return { width: Math.max(1, Math.floor(height * w / h)), height };
    return { width, height: Math.max(1, Math.floor(width * h / w)) };
  },
  decode(spec: ScrfdSpec, out: ModelOutputs, batch: number, k: number, fit: ViewFit, threshold: number) {
    const f = spec.output.strides.length;
    const names = spec.output.names ?? {
      scores: out.names.slice(0, f),
      boxes: out.names.slice(f, 2 * f),
      keypoints: spec.output.keypoints ? out.names.slice(2 * f, 3 * f) : undefined,
    };
    const need = f * (spec.output.keypoints ? 3 : 2);
    if (!spec.output.names && out.names.length < need) {
      throw new ToolkitError(
        `model ${spec.id}: scrfd needs ${need} outputs, the model has ${out.names.length}`,
      );
    }
    const part = (name: string) => {
      const v = out.data[name];
      if (!v) throw new ToolkitError(`model ${spec.id}: no output ${name} (has ${out.names.join(", ")})`);
      const per = v.length / batch;
      return v.subarray(k * per, (k + 1) * per);
    };
    const strides = spec.output.strides.map((stride, i) => ({
      stride,
      scores: part(names.scores[i]),
      boxes: part(names.boxes[i]),
      keypoints: names.keypoints ? part(names.keypoints[i]) : undefined,
    }));
    return decodeScrfd(strides, spec.input.width, spec.input.height, spec.output.anchorsPerCell, threshold, {
      width: fit.viewWidth,
      height: fit.viewHeight,
      scaleX: fit.width / fit.viewWidth,
      scaleY: fit.height / fit.viewHeight,
    });
  },
};
