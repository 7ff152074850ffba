/**
 * Landmarks of detected faces, reduced to the 5 points used for alignment; the model's family
 * (../models/families/) says how a face is cropped and prepared and how its output is read.
 * @module
 */
import type { RgbImage } from "../images/decode.ts";
import type { LandmarkSpec, ModelSpec } from "../models/catalogue.ts";
import { landmarkFamily } from "../models/families/registry.ts";
import type { LandmarkFamily } from "../models/families/types.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ToolkitError } from "../errors.ts";
import { sessionBatchable } from "../models/families/session_io.ts";
import type { Box, Landmarks5 } from "./types.ts";

export { landmarkCrop, landmarks68to5 } from "../models/families/landmarks68.ts";

/** A landmark model bound to one ONNX session. */
export class LandmarkModel {
  readonly #spec: LandmarkSpec;
  readonly #family: LandmarkFamily<LandmarkSpec>;
  readonly #model: ModelSession;
  readonly #batchable: boolean;

  /** Wraps an open session of a landmark model (e.g. of the `landmarks68` family). */
  constructor(spec: ModelSpec, model: ModelSession) {
    if (spec.task !== "landmarks") {
      throw new ToolkitError(`model ${spec.id}: landmark family ${spec.family} is not supported`);
    }
    this.#spec = spec;
    this.#family = landmarkFamily(spec);
    this.#model = model;
    this.#batchable = sessionBatchable(model);
  }

  /**
   * Predicts the family's landmarks of each face in `boxes` (image pixels, flat x, y; 136
   * values for `landmarks68`), in one batch when the model allows it.
   */
  async predict68(img: RgbImage, boxes: readonly Box[]): Promise<Float32Array[]> {
    const spec = this.#spec;
    const { width, height, channels } = spec.input;
    const per = channels * width * height;
    const crops = boxes.map((b) => this.#family.crop(spec, b, img.width, img.height));
    const step = this.#batchable ? Math.max(1, crops.length) : 1;
    const out: Float32Array[] = [];
    for (let start = 0; start < crops.length; start += step) {
      const n = Math.min(step, crops.length - start);
      const data = new Float32Array(n * per);
      for (let k = 0; k < n; k++) this.#family.preprocess(spec, img, crops[start + k], data, k * per);
      const res = await this.#model.session.run({
        [this.#model.session.inputNames[0]]: new Tensor("float32", data, [n, channels, height, width]),
      });
      const raw = res[this.#model.session.outputNames[0]].data as Float32Array;
      for (let k = 0; k < n; k++) out.push(this.#family.decode(spec, raw, k, crops[start + k]));
    }
    return out;
  }

  /** Predicts the 5 alignment landmarks of each face in `boxes`. */
  async predict5(img: RgbImage, boxes: readonly Box[]): Promise<Landmarks5[]> {
    return (await this.predict68(img, boxes)).map((p) => this.#family.toFive(p));
  }
}
