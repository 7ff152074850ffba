/**
 * Face detection with an ONNX detector, from image to score-sorted boxes in image pixels.
 * @module
 */
import { resizeRgb, type RgbImage } from "../images/decode.ts";
import type { DetectorSpec, ModelSpec } from "../models/catalogue.ts";
import { detectorFamily } from "../models/families/registry.ts";
import type { DetectorFamily, ViewFit } from "../models/families/types.ts";
import { modelOutputs, sessionBatchable } from "../models/families/session_io.ts";
import { type ModelSession, Tensor } from "../models/session.ts";
import { ToolkitError } from "../errors.ts";
import { intersectionArea, nms } from "./nms.ts";
import { type Box, type Detection, isTilingMode, type TilingMode } from "./types.ts";
import { padTensor, resizeToTensor, toTensorData } from "../models/preprocess.ts";
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
  /**
   * `auto`: when the photo is more than twice the detector's input (so that small faces would
   * shrink below what the detector finds), it is also searched in overlapping tiles of twice
   * the input size, all in one batch, and the detections merged. `off`: the whole photo only.
   * @default "auto"
   */
  tiling?: TilingMode;
}

/** The detector's defaults (also what the embedding store's key records when none is given). */
export const DETECTOR_DEFAULTS: Readonly<Required<DetectorOptions>> = {
  scoreThreshold: 0.65,
  nmsThreshold: 0.4,
  minFaceSize: 20,
  tiling: "auto",
};

/** A tile: an integer rectangle of the image. */
export type Tile = Box;

/** How much a tile is shrunk into the detector's input (2: an exact 2x2 box filter). */
export const TILE_SHRINK = 2;

/**
 * Faces of at least this many pixels of the whole view's detector input are left to the whole
 * view, which finds most of them (and 98% from 21 pixels up in `deno task bench:small-faces`);
 * what tiles find at that size or larger is mostly not a face (a hand in the demo photo
 * sample4.jpg at 31 input pixels, a chest in sample6.jpg at 24).
 */
const TILE_MAX_FACE = 20;

/** Boxes from a tile this close (in image pixels) to an inner edge of it are cut faces. */
const TILE_EDGE_MARGIN = 8;

/**
 * The tiles that cover a `width` x `height` image for a detector input of `inW` x `inH`: none
 * when the image is at most {@link TILE_SHRINK} times the input; otherwise tiles of that many
 * times the input (clipped to the image), spread evenly from edge to edge, neighbours
 * overlapping by at least `overlap` pixels (so that a face up to that size lies whole in a
 * tile; at most half a tile).
 */
export function detectorTiles(
  width: number,
  height: number,
  inW: number,
  inH: number,
  overlap: number,
): Tile[] {
  if (width <= TILE_SHRINK * inW && height <= TILE_SHRINK * inH) return [];
  const tw = Math.min(width, TILE_SHRINK * inW), th = Math.min(height, TILE_SHRINK * inH);
  const starts = (size: number, tile: number) => {
    const step = tile - Math.min(Math.max(0, overlap), tile / 2);
    const n = size <= tile ? 1 : Math.ceil((size - tile) / step) + 1;
    return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (size - tile)) / (n - 1))));
  };
  const tiles: Tile[] = [];
  for (const y of starts(height, th)) for (const x of starts(width, tw)) tiles.push({ x, y, w: tw, h: th });
  return tiles;
}

/**
 * The largest face (image pixels) that tiles look for in a `width` x `height` image: larger ones
 * are the whole view's (see `TILE_MAX_FACE`).
 */
function largestTileFace(width: number, height: number, inW: number, inH: number): number {
  return TILE_MAX_FACE * Math.max(width / inW, height / inH);
}

export { decodeBoxes } from "../models/families/decoded_boxes.ts";

/**
 * A face detector bound to one ONNX session; its family (./../models/families/) says how views
 * fit the input and how outputs become boxes (and landmarks, for families that give them).
 */
export class FaceDetector {
  readonly #spec: DetectorSpec;
  readonly #family: DetectorFamily<DetectorSpec>;
  readonly #model: ModelSession;
  readonly #opts: Required<DetectorOptions>;
  readonly #batchable: boolean;

  /** Wraps an open session of a detector model described by `spec`. */
  constructor(spec: ModelSpec, model: ModelSession, opts: DetectorOptions = {}) {
    if (spec.task !== "detector") {
      throw new ToolkitError(`model ${spec.id}: detector family ${spec.family} is not supported`);
    }
    this.#spec = spec;
    this.#family = detectorFamily(spec);
    this.#model = model;
    this.#batchable = sessionBatchable(model);
    this.#opts = withDefaults<Required<DetectorOptions>>(DETECTOR_DEFAULTS, opts);
    if (!isTilingMode(this.#opts.tiling)) {
      throw new ToolkitError(`detector: tiling must be "auto" or "off", got ${JSON.stringify(opts.tiling)}`);
    }
  }

  /** Landmarks each detection carries: 5 (no landmark model needed) or 0. */
  get landmarks(): 0 | 5 {
    return this.#family.landmarks(this.#spec);
  }

  /**
   * Runs the detector on an RGB image (and on its tiles, see {@link DetectorOptions.tiling}) and
   * returns faces sorted by score, boxes (and landmarks) in the image's pixels. Faces smaller
   * than `minFaceSize` pixels of the original photo (`img.scale` times the image's) are dropped.
   */
  async detect(img: RgbImage): Promise<Detection[]> {
    const spec = this.#spec.input;
    const { width, height } = spec;
    const per = 3 * width * height;
    // Tiles overlap by the largest face they look for (and the edge margins), so that each such
    // face is whole in one of them.
    const largest = largestTileFace(img.width, img.height, width, height);
    const tiles = this.#opts.tiling === "auto"
      ? detectorTiles(img.width, img.height, width, height, largest + 2 * TILE_EDGE_MARGIN)
      : [];
    const views = [{ x: 0, y: 0, w: img.width, h: img.height }, ...tiles];
    const fits: ViewFit[] = views.map((v) => ({
      viewWidth: v.w,
      viewHeight: v.h,
      ...this.#family.fit(this.#spec, v.w, v.h),
    }));
    // One batch: the whole photo, then each tile (an exact 2x shrink, or less at the edges).
    const data = new Float32Array(per * views.length);
    const f0 = fits[0], full = f0.width === width && f0.height === height;
    // Mild resizes in one JavaScript pass; strong shrinking through sharp's filtered resize.
    const mild = img.width / f0.width <= 1.5 && img.height / f0.height <= 1.5;
    if (mild) resizeToTensor(img.data, img.width, img.height, spec, { out: data, size: f0 });
    else if (full) toTensorData(await resizeRgb(img, width, height), width, height, spec, data);
    else {
      const small = await resizeRgb(img, f0.width, f0.height);
      resizeToTensor(small, f0.width, f0.height, spec, { out: data, size: f0 });
    }
    if (!full) padTensor(data, 0, spec, f0.width, f0.height);
    tiles.forEach((t, k) => {
      const f = fits[k + 1], offset = per * (k + 1);
      resizeToTensor(img.data, img.width, img.height, spec, { rect: t, out: data, offset, size: f });
      if (f.width !== width || f.height !== height) padTensor(data, offset, spec, f.width, f.height);
    });
    const decoded = await this.#run(data, views.length, fits);
    const dets = mergeTileDetections(decoded[0], tiles, decoded.slice(1), img.width, img.height, largest);
    const min = this.#opts.minFaceSize / (img.scale ?? 1);
    return nms(dets, this.#opts.nmsThreshold).filter((d) => Math.max(d.box.w, d.box.h) >= min);
  }

  /** Runs the views of `data` (in one batch when the model allows it) and decodes each. */
  async #run(data: Float32Array, n: number, fits: readonly ViewFit[]): Promise<Detection[][]> {
    const { width, height } = this.#spec.input;
    const per = 3 * width * height;
    const session = this.#model.session;
    const step = this.#batchable ? n : 1;
    const decoded: Detection[][] = [];
    for (let start = 0; start < n; start += step) {
      const part = step === n ? data : data.slice(start * per, (start + step) * per);
      const input = new Tensor("float32", part, [step, 3, height, width]);
      const out = modelOutputs(session.outputNames, await session.run({ [session.inputNames[0]]: input }));
      for (let k = 0; k < step; k++) {
        decoded.push(
          this.#family.decode(this.#spec, out, step, k, fits[start + k], this.#opts.scoreThreshold),
        );
      }
    }
    return decoded;
  }
}

/**
 * The whole view's detections plus those of the tiles (boxes in tile pixels, `perTile[k]` for
 * `tiles[k]`), in image pixels. Tiles are for faces too small for the whole view; what they see
 * beyond that is dropped: boxes of `largest` image pixels or more (mostly parts of bodies), boxes
 * reaching an inner edge of their tile (faces cut by it, whole in a neighbouring tile), and boxes
 * mostly inside a face the whole view found (parts of it). Not yet de-duplicated (see `nms`).
 */
export function mergeTileDetections(
  whole: readonly Detection[],
  tiles: readonly Tile[],
  perTile: readonly (readonly Detection[])[],
  width: number,
  height: number,
  largest: number,
): Detection[] {
  const out = [...whole];
  tiles.forEach((t, k) => {
    for (const d of perTile[k]) {
      if (Math.max(d.box.w, d.box.h) >= largest || cutByInnerEdge(d.box, t, width, height)) continue;
      const box = { ...d.box, x: d.box.x + t.x, y: d.box.y + t.y };
      if (whole.some((w) => insideShare(box, w.box) > 0.5)) continue;
      if (d.landmarks) {
        const landmarks = d.landmarks.map((v, i) => v + (i % 2 === 0 ? t.x : t.y));
        out.push({ box, score: d.score, landmarks });
      } else out.push({ box, score: d.score });
    }
  });
  return out;
}

/** Whether a box (in tile pixels) reaches within a few pixels of an inner edge of the tile. */
function cutByInnerEdge(b: Box, t: Tile, width: number, height: number): boolean {
  const m = TILE_EDGE_MARGIN;
  return (t.x > 0 && b.x <= m) || (t.y > 0 && b.y <= m) ||
    (t.x + t.w < width && b.x + b.w >= t.w - m) || (t.y + t.h < height && b.y + b.h >= t.h - m);
}

/** The share of box `a`'s area that lies inside box `b`. */
function insideShare(a: Box, b: Box): number {
  const area = a.w * a.h;
  return area > 0 ? intersectionArea(a, b) / area : 0;
}
