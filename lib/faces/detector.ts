/**
 * Face detection with an ONNX detector, from image to score-sorted boxes in image pixels.
 * @module
 */
import { resizeRgb, type RgbImage } from "../images/decode.ts";
import type { ModelSpec } from "../models/catalogue.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ToolkitError } from "../errors.ts";
import { nms } from "./nms.ts";
import type { Detection } from "./types.ts";
import { resizeToTensor, toTensorData } from "./preprocess.ts";
import { withDefaults } from "../util/defaults.ts";

/** Options of a {@link FaceDetector}. */
export interface DetectorOptions {
  /** Minimum detector score kept. @default 0.65 */
  scoreThreshold?: number;
  /** IoU above which the lower-scoring of two boxes is dropped. @default 0.4 */
  nmsThreshold?: number;
  /**
   * Smallest face kept: faces whose box side (the larger of width and height) is under this
   * many pixels of the original photo are dropped, since the embedder cannot tell people
   * apart at that size. @default 20
   */
  minFaceSize?: number;
}

/**
 * Decodes the `decoded-boxes` family: `scores` [1, N, 2] (background, face) and `boxes` [1, N, 4]
 * already decoded as normalised corners (x1, y1, x2, y2), mapped to a `width` x `height` image.
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

/** A face detector bound to one ONNX session. */
export class FaceDetector {
  readonly #spec: ModelSpec;
  readonly #model: ModelSession;
  readonly #opts: Required<DetectorOptions>;

  /** Wraps an open session of a detector model described by `spec`. */
  constructor(spec: ModelSpec, model: ModelSession, opts: DetectorOptions = {}) {
    if (spec.task !== "detector" || spec.family !== "decoded-boxes") {
      throw new ToolkitError(`model ${spec.id}: detector family ${spec.family} is not supported`);
    }
    this.#spec = spec;
    this.#model = model;
    this.#opts = withDefaults({ scoreThreshold: 0.65, nmsThreshold: 0.4, minFaceSize: 20 }, opts);
  }

  /** Runs the detector on an RGB image and returns faces sorted by score. */
  async detect(img: RgbImage): Promise<Detection[]> {
    const { width, height } = this.#spec.input;
    // Mild resizes in one JavaScript pass; strong shrinking through sharp's filtered resize.
    const mild = img.width / width <= 1.5 && img.height / height <= 1.5;
    const data = mild
      ? resizeToTensor(img.data, img.width, img.height, this.#spec.input)
      : toTensorData(await resizeRgb(img, width, height), width, height, this.#spec.input);
    const input = new Tensor("float32", data, [
      1,
      3,
      height,
      width,
    ]);
    const out = await this.#model.session.run({ [this.#model.session.inputNames[0]]: input });
    const names = this.#spec.output as { scores: string; boxes: string };
    const dets = decodeBoxes(
      out[names.scores].data as Float32Array,
      out[names.boxes].data as Float32Array,
      img.width,
      img.height,
      this.#opts.scoreThreshold,
    );
    const min = this.#opts.minFaceSize;
    return nms(dets, this.#opts.nmsThreshold).filter((d) => Math.max(d.box.w, d.box.h) >= min);
  }
}
