/**
 * Face embeddings from aligned 112x112 crops, in batches, L2-normalised.
 * @module
 */
import { flipHorizontal } from "../images/augment.ts";
import type { RgbImage } from "../images/decode.ts";
import { invertAffine, warpAffine } from "../images/warp.ts";
import type { EmbedderSpec, ModelSpec } from "../models/catalogue.ts";
import { embedderFamily } from "../models/families/registry.ts";
import type { EmbedderFamily } from "../models/families/types.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ToolkitError } from "../errors.ts";
import { alignmentTransform } from "./align.ts";
import { modelOutputs, sessionBatchable } from "../models/families/session_io.ts";
import { combineMirrored, combineViews } from "./tta.ts";
import type { Landmarks5 } from "./types.ts";

/** Crops the face with landmarks `lm` out of `img`, aligned to the `size` x `size` template. */
export function alignFace(img: RgbImage, lm: Landmarks5, size = 112, zoom = 1): RgbImage {
  return warpAffine(img, invertAffine(alignmentTransform(lm, size, zoom)), size, size);
}

/**
 * An embedder bound to one ONNX session. Crops from concurrent {@link FaceEmbedder.embed}
 * calls (several photos in flight) are gathered into batches of up to `batchSize`.
 */
export class FaceEmbedder {
  readonly #spec: EmbedderSpec;
  readonly #family: EmbedderFamily<EmbedderSpec>;
  readonly #model: ModelSession;
  readonly #batchable: boolean;
  readonly #batchSize: number;
  #queue: { crop: RgbImage; resolve: (v: Float32Array) => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  readonly #batchWaitMs: number;
  /** Length of each embedding. */
  readonly dim: number;
  /** Side of the aligned crops the model takes. */
  readonly inputSize: number;
  /** Batches run so far, and crops in them (for statistics). */
  readonly stats = { batches: 0, crops: 0 };

  /**
   * Wraps an open session of an embedder (e.g. of the `arcface-112` family).
   * @param batchSize most crops per inference
   * @param batchWaitMs how long crops wait for others to share their batch: 0 sends them as soon
   * as the current task ends (right on the CPU, where photos are analysed one at a time); a
   * few ms let overlapping photos fill GPU batches
   */
  constructor(spec: ModelSpec, model: ModelSession, batchSize = 32, batchWaitMs = 0) {
    if (spec.task !== "embedder") {
      throw new ToolkitError(`model ${spec.id}: embedder family ${spec.family} is not supported`);
    }
    this.#spec = spec;
    this.#family = embedderFamily(spec);
    this.#model = model;
    this.dim = this.#family.dim(spec);
    this.inputSize = spec.input.width;
    this.#batchable = sessionBatchable(model);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be >= 1, got ${batchSize}`);
    }
    this.#batchSize = this.#batchable ? batchSize : 1;
    this.#batchWaitMs = batchWaitMs;
  }

  /**
   * Embeds aligned crops (each `width` x `height` of the spec); returns one unit row per crop.
   * Crops share a batch with those of other calls made before the current task ends (or within
   * `batchWaitMs`).
   */
  embed(crops: readonly RgbImage[]): Promise<Float32Array> {
    const { width, height } = this.#spec.input;
    for (const c of crops) {
      if (c.width !== width || c.height !== height) {
        return Promise.reject(
          new ToolkitError(
            `embedder ${this.#spec.id}: crop is ${c.width}x${c.height}, needs ${width}x${height}`,
          ),
        );
      }
    }
    const rows = crops.map((crop) =>
      new Promise<Float32Array>((resolve, reject) => this.#queue.push({ crop, resolve, reject }))
    );
    if (this.#queue.length >= this.#batchSize) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#batchWaitMs > 0) setTimeout(() => this.#flush(), this.#batchWaitMs);
      else queueMicrotask(() => this.#flush());
    }
    return Promise.all(rows).then((vs) => {
      const out = new Float32Array(vs.length * this.dim);
      vs.forEach((v, i) => out.set(v, i * this.dim));
      return out;
    });
  }

  /**
   * Test-time augmentation: embeds each crop and its mirror image ({@link flipHorizontal}) in
   * the same batch, and returns one unit row per crop, the normalised mean of the two
   * ({@link combineMirrored}). Costs twice the embedder's time per face.
   */
  embedWithMirror(crops: readonly RgbImage[]): Promise<Float32Array> {
    return this.embedViews([crops]);
  }

  /**
   * Test-time augmentation over several views: `views[v][i]` is view v of face i (all views of
   * the same faces, each of the input size). Every view and its mirror image are embedded in the
   * same batch; returns one unit row per face: each view combined with its mirror
   * ({@link combineMirrored}), then the views combined ({@link combineViews}; one view is its
   * mirror pair as it is). Costs 2 x views times the embedder's time per face.
   */
  async embedViews(views: readonly (readonly RgbImage[])[]): Promise<Float32Array> {
    const n = views[0]?.length ?? 0;
    if (views.some((v) => v.length !== n)) {
      throw new RangeError(`embedViews: views of ${views.map((v) => v.length).join(", ")} faces`);
    }
    const all = await this.embed(views.flatMap((v) => [...v, ...v.map(flipHorizontal)]));
    const rows = n * this.dim;
    const at = (k: number) => all.subarray(k * rows, (k + 1) * rows);
    const perView = views.map((_, v) => combineMirrored(at(2 * v), at(2 * v + 1), this.dim));
    return perView.length === 1 ? perView[0] : combineViews(perView, this.dim);
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#batchSize);
      this.#run(batch.map((b) => b.crop)).then(
        (out) => batch.forEach((b, i) => b.resolve(out.subarray(i * this.dim, (i + 1) * this.dim))),
        (e) => batch.forEach((b) => b.reject(e)),
      );
    }
  }

  async #run(crops: readonly RgbImage[]): Promise<Float32Array> {
    const { width, height } = this.#spec.input;
    const per = 3 * width * height;
    const out = new Float32Array(crops.length * this.dim);
    const step = this.#batchable ? crops.length : 1;
    this.stats.batches++;
    this.stats.crops += crops.length;
    for (let start = 0; start < crops.length; start += step) {
      const n = Math.min(step, crops.length - start);
      const data = new Float32Array(n * per);
      for (let i = 0; i < n; i++) {
        const c = crops[start + i];
        if (c.width !== width || c.height !== height) {
          throw new ToolkitError(
            `embedder ${this.#spec.id}: crop is ${c.width}x${c.height}, needs ${width}x${height}`,
          );
        }
        this.#family.preprocess(this.#spec, c, data, i * per);
      }
      const session = this.#model.session;
      const res = await session.run({
        [session.inputNames[0]]: new Tensor("float32", data, [n, 3, height, width]),
      });
      this.#family.decode(this.#spec, modelOutputs(session.outputNames, res), n, out, start);
    }
    return out;
  }
}
