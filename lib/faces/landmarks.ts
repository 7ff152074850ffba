/**
 * 68-point landmarks from a grey crop of the detected face, reduced to the 5 points used for
 * alignment.
 * @module
 */
import type { RgbImage } from "../images/decode.ts";
import { rectToSize, warpAffine } from "../images/warp.ts";
import type { ModelSpec } from "../models/catalogue.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ToolkitError } from "../errors.ts";
import { toTensorData } from "./preprocess.ts";
import type { Box, Landmarks5 } from "./types.ts";

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

/** A 68-point landmark model bound to one ONNX session. */
export class LandmarkModel {
  readonly #spec: ModelSpec;
  readonly #model: ModelSession;
  readonly #batchable: boolean;

  /** Wraps an open session of a `landmarks68` model. */
  constructor(spec: ModelSpec, model: ModelSession) {
    if (spec.task !== "landmarks" || spec.family !== "landmarks68") {
      throw new ToolkitError(`model ${spec.id}: landmark family ${spec.family} is not supported`);
    }
    this.#spec = spec;
    this.#model = model;
    const meta = model.session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
    this.#batchable = typeof meta?.shape?.[0] !== "number" || meta.shape[0] !== 1;
  }

  /**
   * Predicts the 68 landmarks of each face in `boxes` (image pixels, flat 136 values each),
   * in one batch when the model allows it.
   */
  async predict68(img: RgbImage, boxes: readonly Box[]): Promise<Float32Array[]> {
    const { width, height } = this.#spec.input;
    const per = width * height;
    const crops = boxes.map((b) => landmarkCrop(b, img.width, img.height));
    const step = this.#batchable ? Math.max(1, crops.length) : 1;
    const out: Float32Array[] = [];
    for (let start = 0; start < crops.length; start += step) {
      const n = Math.min(step, crops.length - start);
      const data = new Float32Array(n * per);
      for (let k = 0; k < n; k++) {
        const c = crops[start + k];
        const patch = warpAffine(img, rectToSize(c.x, c.y, c.w, c.h, width, height), width, height);
        toTensorData(patch.data, width, height, this.#spec.input, data, k * per);
      }
      const res = await this.#model.session.run({
        [this.#model.session.inputNames[0]]: new Tensor("float32", data, [n, 1, height, width]),
      });
      const raw = res[this.#model.session.outputNames[0]].data as Float32Array;
      for (let k = 0; k < n; k++) {
        const c = crops[start + k];
        const pts = new Float32Array(136);
        for (let i = 0; i < 68; i++) {
          pts[2 * i] = raw[k * 136 + 2 * i] * c.w + c.x;
          pts[2 * i + 1] = raw[k * 136 + 2 * i + 1] * c.h + c.y;
        }
        out.push(pts);
      }
    }
    return out;
  }

  /** Predicts the 5 alignment landmarks of each face in `boxes`. */
  async predict5(img: RgbImage, boxes: readonly Box[]): Promise<Landmarks5[]> {
    return (await this.predict68(img, boxes)).map(landmarks68to5);
  }
}
