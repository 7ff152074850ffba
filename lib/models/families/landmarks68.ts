/**
 * The `landmarks68` family (faceplugin's `fr_landmark.onnx`): a grey crop of the squared face
 * box in, 136 values (68 points x, y normalised to the crop, iBUG order) out, reduced to the 5
 * alignment points.
 * @module
 */
import type { RgbImage } from "../../images/decode.ts";
import { rectToSize, warpAffine } from "../../images/warp.ts";
import type { Box, Landmarks5 } from "../face_types.ts";
import { toTensorData } from "../preprocess.ts";
import type { ModelBase } from "../catalogue.ts";
import { fieldError, objectField, parseInput } from "./fields.ts";
import type { LandmarkFamily, RawEntry, SpecBase } from "./types.ts";

/** A `landmarks68` model's catalogue entry. */
export interface Landmarks68Spec extends SpecBase {
  /** Task. */
  task: "landmarks";
  /** Family. */
  family: "landmarks68";
  /** Points per face (68). */
  output: { points: 68 };
}

/**
 * The crop the landmark model expects: a square of side = box height centred on the box,
 * clipped to the image (as the model's reference code does).
 */
export function landmarkCrop(box: Box, width: number, height: number): Box {
  const side = box.h, cx = box.x + box.w / 2, cy = box.y + box.h / 2;
  const x1 = Math.max(0, cx - side / 2), y1 = Math.max(0, cy - side / 2);
  const x2 = Math.min(width - 1, cx + side / 2), y2 = Math.min(height - 1, cy + side / 2);
  return { x: x1, y: y1, w: Math.max(1, x2 - x1), h: Math.max(1, y2 - y1) };
}

/**
 * Reduces 68 landmarks (flat, 136 values, iBUG order) to 5: the centres of the eyes
 * (mean of 4 eyelid points each), the nose tip (point 30), and the mouth corners (mean of
 * outer and inner corner points).
 */
export function landmarks68to5(p: ArrayLike<number>): Landmarks5 {
  if (p.length !== 136) throw new RangeError(`landmarks68to5: expected 136 values, got ${p.length}`);
  const mean = (...idx: number[]) => {
    let x = 0, y = 0;
    for (const i of idx) x += p[2 * i], y += p[2 * i + 1];
    return [x / idx.length, y / idx.length];
  };
  return Float32Array.from([
    ...mean(37, 38, 40, 41),
    ...mean(43, 44, 46, 47),
    ...mean(30),
    ...mean(48, 60),
    ...mean(54, 64),
  ]);
}

/** The `landmarks68` family. */
export const landmarks68: LandmarkFamily<Landmarks68Spec> = {
  family: "landmarks68",
  task: "landmarks",
  parse(entry: RawEntry, base: ModelBase, where: string): Landmarks68Spec {
    const input = parseInput(entry.input, where);
    const o = objectField(entry.output, where, "output", true);
    if (o.points !== undefined && o.points !== 68) throw fieldError(where, "output.points", "must be 68");
    return { ...base, task: "landmarks", family: "landmarks68", input, output: { points: 68 } };
  },
  values: () => 136,
  crop: (_spec, box, w, h) => landmarkCrop(box, w, h),
  preprocess(spec: Landmarks68Spec, img: RgbImage, c: Box, out: Float32Array, offset: number): void {
    const { width, height } = spec.input;
    const patch = warpAffine(img, rectToSize(c.x, c.y, c.w, c.h, width, height), width, height);
    toTensorData(patch.data, width, height, spec.input, out, offset);
  },
  decode(_spec: Landmarks68Spec, raw: Float32Array, k: number, c: Box): Float32Array {
    const pts = new Float32Array(136);
    for (let i = 0; i < 68; i++) {
      pts[2 * i] = raw[k * 136 + 2 * i] * c.w + c.x;
      pts[2 * i + 1] = raw[k * 136 + 2 * i + 1] * c.h + c.y;
    }
    return pts;
  },
  toFive: landmarks68to5,
};
