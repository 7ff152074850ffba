/**
 * The face stage of the pipeline: detector, landmarks, alignment and embedder composed,
 * from a decoded photo to its faces with embeddings and thumbnails.
 * @module
 */
import { encodeJpeg, type RgbImage } from "../images/decode.ts";
import { rectToSize, warpAffine } from "../images/warp.ts";
import {
  type Catalogue,
  type DetectorSpec,
  type EmbedderSpec,
  type LandmarkSpec,
  loadCatalogue,
  pipelineModels,
} from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession, type Device, type ModelSession } from "../models/session.ts";
import { detectorLandmarks } from "../models/families/registry.ts";
import { ToolkitError } from "../errors.ts";
import { alignedCrop, templateLandmarks } from "./aligned_input.ts";
import { type DetectorOptions, FaceDetector } from "./detector.ts";
import { alignFace, FaceEmbedder } from "./embedder.ts";
import { LandmarkModel } from "./landmarks.ts";
import { type FaceQuality, faceQuality } from "./quality.ts";
import { ttaZooms } from "./tta.ts";
import type { Box, Landmarks5 } from "./types.ts";

/** One analysed face. */
export interface AnalyzedFace {
  /** Face box in photo pixels. */
  box: Box;
  /** Detector score. */
  score: number;
  /** The 5 alignment landmarks in photo pixels. */
  landmarks: Landmarks5;
  /** L2-normalised embedding. */
  embedding: Float32Array;
  /** Small aligned JPEG of the face with some context, for reports. */
  thumbnail?: Uint8Array;
  /** What predicts a poor embedding: size, score, sharpness, pose (./quality.ts). */
  quality?: FaceQuality;
}

/** Options of {@link FaceAnalyzer.create}. */
export interface AnalyzerOptions extends DetectorOptions {
  /** Pipeline name in the catalogue. @default "default" */
  pipeline?: string;
  /** Catalogue to use. @default the shipped models/catalogue.json */
  catalogue?: Catalogue;
  /** Where inference runs. @default "cpu" */
  device?: Device;
  /** Intra-op threads per model. @default 1 */
  threads?: number;
  /** Faces embedded per batch (across photos in flight). @default 32 */
  batchSize?: number;
  /** Side of the thumbnails in pixels; 0 for none. @default 96 */
  thumbnailSize?: number;
  /**
   * Test-time augmentation: each aligned crop is embedded together with its mirror image (in
   * the same batch) and the two vectors averaged; twice the embedder's time. @default false
   */
  tta?: boolean;
  /**
   * Every image is an aligned face crop (see ./aligned_input.ts): no detection, landmarks or
   * re-alignment; the crop is embedded as it is (resized to the input size if need be).
   * @default false
   */
  alignedInput?: boolean;
  /** Receives progress and fallback lines. */
  log?: (line: string) => void;
}

/** Accumulated milliseconds per stage. */
export interface StageTimes {
  /** Full-resolution re-decodes for small faces. */
  decode: number;
  /** Detector (including its resize). */
  detect: number;
  /** Landmarks. */
  landmarks: number;
  /** Alignment warps and thumbnails. */
  align: number;
  /** Embedder. */
  embed: number;
}

/** The models of an analyzer: specs with open sessions. */
export interface AnalyzerModels {
  /** The detector. */
  detector: { spec: DetectorSpec; session: ModelSession };
  /** The landmark model; needed unless the detector gives the 5 landmarks (then unused). */
  landmarks?: { spec: LandmarkSpec; session: ModelSession };
  /** The embedder. */
  embedder: { spec: EmbedderSpec; session: ModelSession };
}

function noLandmarks(detector: string, pipeline?: string): ToolkitError {
  return new ToolkitError(
    `${
      pipeline ? `pipeline ${pipeline}: ` : ""
    }detector ${detector} gives no landmarks; a landmark model is needed`,
  );
}

/** A detection's own 5 landmarks scaled by `scale` (to the image faces are cropped from). */
function detectorLandmarks5(lm: Landmarks5 | undefined, scale: number): Landmarks5 {
  if (!lm) throw new ToolkitError("detector: a detection has no landmarks, though its family gives them");
  return lm.map((v) => v * scale);
}

/**
 * Detector + landmarks (unless the detector gives them) + embedder, loaded once and reused for
 * every photo.
 */
export class FaceAnalyzer {
  /**
   * Ids of the models in use, detector first (no landmark model when the detector gives the
   * landmarks); part of every store key.
   */
  readonly modelIds: string[];
  /** The provider the models run on. */
  readonly provider: string;
  /** Accumulated stage times since creation (ms); `decode` counts full-resolution re-decodes only. */
  readonly times: StageTimes = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
  /** Photos decoded again at full resolution for small faces. */
  fullDecodes = 0;
  readonly #detector: FaceDetector;
  /** Absent when the detector gives the 5 landmarks itself. */
  readonly #landmarks: LandmarkModel | undefined;
  readonly #embedder: FaceEmbedder;
  readonly #thumb: number;
  readonly #embedSize: number;
  readonly #sessions: ModelSession[];
  readonly #tta: boolean;
  readonly #alignedInput: boolean;

  private constructor(
    ids: string[],
    provider: string,
    d: FaceDetector,
    l: LandmarkModel | undefined,
    e: FaceEmbedder,
    thumb: number,
    sessions: ModelSession[],
    modes: { tta: boolean; alignedInput: boolean },
  ) {
    this.#sessions = sessions;
    this.#tta = modes.tta;
    this.#alignedInput = modes.alignedInput;
    this.modelIds = ids;
    this.provider = provider;
    this.#detector = d;
    this.#landmarks = l;
    this.#embedder = e;
    this.#thumb = thumb;
    this.#embedSize = e.inputSize;
  }

  /** Loads (fetching and verifying on first use) the models of a catalogue pipeline. */
  static async create(opts: AnalyzerOptions = {}): Promise<FaceAnalyzer> {
    const cat = opts.catalogue ?? await loadCatalogue();
    const name = opts.pipeline ?? "default";
    const specs = pipelineModels(cat, name);
    // A detector that gives the 5 landmarks (SCRFD) needs no landmark model.
    const lmSpec = detectorLandmarks(specs.detector) === 5 ? undefined : specs.landmarks;
    if (!lmSpec && detectorLandmarks(specs.detector) === 0) throw noLandmarks(specs.detector.id, name);
    const used = lmSpec ? [specs.detector, lmSpec, specs.embedder] : [specs.detector, specs.embedder];
    const paths = await ensureModels(used, { log: opts.log });
    const sopts = { device: opts.device ?? "cpu", threads: opts.threads ?? 1, log: opts.log };
    const d = await createSession(paths.get(specs.detector.id)!, sopts);
    const l = lmSpec ? await createSession(paths.get(lmSpec.id)!, sopts) : undefined;
    const e = await createSession(paths.get(specs.embedder.id)!, sopts);
    return FaceAnalyzer.fromSessions({
      detector: { spec: specs.detector, session: d },
      landmarks: lmSpec && l ? { spec: lmSpec, session: l } : undefined,
      embedder: { spec: specs.embedder, session: e },
    }, opts);
  }

  /**
   * An analyzer of open sessions (what {@link FaceAnalyzer.create} ends with; the catalogue,
   * pipeline, device and threads options do not apply). The landmark model is left out (and
   * not in `modelIds`) when the detector gives the 5 landmarks itself.
   */
  static fromSessions(models: AnalyzerModels, opts: AnalyzerOptions = {}): FaceAnalyzer {
    const { detector, embedder } = models;
    const landmarks = detectorLandmarks(detector.spec) === 5 ? undefined : models.landmarks;
    if (!landmarks && detectorLandmarks(detector.spec) === 0) throw noLandmarks(detector.spec.id);
    const e = embedder.session;
    const used = landmarks ? [detector, landmarks, embedder] : [detector, embedder];
    return new FaceAnalyzer(
      used.map((m) => m.spec.id),
      e.provider,
      new FaceDetector(detector.spec, detector.session, opts),
      landmarks ? new LandmarkModel(landmarks.spec, landmarks.session) : undefined,
      new FaceEmbedder(embedder.spec, e, opts.batchSize ?? 32, e.provider === "cpu" ? 0 : 2),
      opts.thumbnailSize ?? 96,
      used.map((m) => m.session),
      { tta: opts.tta ?? false, alignedInput: opts.alignedInput ?? false },
    );
  }

  /**
   * Frees the models' native memory (a few hundred MB with their buffers). The analyzer cannot
   * be used afterwards. Without it, each analyzer made in a long-lived process (a notebook
   * kernel running the pipeline again) keeps its memory until the process ends.
   */
  async release(): Promise<void> {
    const sessions = this.#sessions.splice(0);
    await Promise.all(sessions.map((s) => s.session.release()));
  }

  /** Length of the embeddings. */
  get dim(): number {
    return this.#embedder.dim;
  }

  /** Side of the embedder's square input (the size of aligned crops). */
  get inputSize(): number {
    return this.#embedSize;
  }

  /**
   * Embeds aligned crops of the embedder's input size (`crops`, the faces of `src` with landmarks
   * `lms`); when TTA is on, with the other views of {@link ttaZooms} cut from `src` as well, each
   * with its mirror image (aligned input has the crop and its mirror alone).
   */
  #embedCrops(crops: RgbImage[], src: RgbImage, lms: readonly Landmarks5[]): Promise<Float32Array> {
    if (!this.#tta) return this.#embedder.embed(crops);
    const zoomed = ttaZooms(this.#alignedInput).slice(1).map((z) =>
      lms.map((lm) => alignFace(src, lm, this.#embedSize, z))
    );
    return this.#embedder.embedViews([crops, ...zoomed]);
  }

  /**
   * Finds, aligns and embeds every face of a photo (sorted by detector score). Boxes and
   * landmarks come back in original-photo pixels (`img.scale` times the image's). When `img`
   * is a reduced decode and a face in it is smaller than the embedder's input, `full` is called
   * (once) for the full-resolution photo, and landmarks and crops come from that. With
   * `alignedInput`, see {@link FaceAnalyzer.analyzeAligned} (`name` names the file in errors).
   */
  async analyze(img: RgbImage, full?: () => Promise<RgbImage>, name?: string): Promise<AnalyzedFace[]> {
    if (this.#alignedInput) return await this.analyzeAligned(img, name);
    let t = performance.now();
    const dets = await this.#detector.detect(img);
    this.times.detect += performance.now() - t;
    if (dets.length === 0) return [];
    // `scale` maps detector boxes (in `img`) to the image the faces are cropped from (`src`).
    let scale = 1;
    let src = img;
    if ((img.scale ?? 1) > 1 && full && dets.some((d) => Math.max(d.box.w, d.box.h) < this.#embedSize)) {
      t = performance.now();
      src = await full();
      this.times.decode += performance.now() - t;
      scale = (img.scale ?? 1) / (src.scale ?? 1);
      this.fullDecodes++;
    }
    const boxes = dets.map((d) => ({
      x: d.box.x * scale,
      y: d.box.y * scale,
      w: d.box.w * scale,
      h: d.box.h * scale,
    }));
    t = performance.now();
    const lms = this.#landmarks
      ? await this.#landmarks.predict5(src, boxes)
      : dets.map((d) => detectorLandmarks5(d.landmarks, scale));
    this.times.landmarks += performance.now() - t;
    t = performance.now();
    const crops = lms.map((lm) => alignFace(src, lm, this.#embedSize));
    const thumbs = this.#thumb > 0
      ? await Promise.all(lms.map((lm) => encodeJpeg(alignFace(src, lm, this.#thumb, 0.8), 80)))
      : [];
    this.times.align += performance.now() - t;
    t = performance.now();
    const emb = await this.#embedCrops(crops, src, lms);
    this.times.embed += performance.now() - t;
    const dim = this.#embedder.dim;
    const toOriginal = src.scale ?? 1;
    return dets.map((d, i) => {
      const box = {
        x: boxes[i].x * toOriginal,
        y: boxes[i].y * toOriginal,
        w: boxes[i].w * toOriginal,
        h: boxes[i].h * toOriginal,
      };
      const landmarks = lms[i].map((v) => v * toOriginal);
      return {
        box,
        score: d.score,
        landmarks,
        embedding: emb.slice(i * dim, (i + 1) * dim),
        thumbnail: thumbs[i],
        quality: faceQuality(box, d.score, landmarks, crops[i]),
      };
    });
  }

  /**
   * Embeds an image that is itself an aligned face crop (no detection, landmarks or
   * re-alignment): one face covering the whole image, score 1 (nothing was detected), the
   * template's landmarks, the crop resized to the input size if it is not already. Throws a
   * {@link ToolkitError} naming `name` when the image is not crop-sized.
   */
  async analyzeAligned(img: RgbImage, name = "image"): Promise<AnalyzedFace[]> {
    let t = performance.now();
    const crop = alignedCrop(img, this.#embedSize, name);
    const k = this.#thumb;
    const thumb = k > 0
      ? await encodeJpeg(warpAffine(img, rectToSize(0, 0, img.width, img.height, k, k), k, k), 80)
      : undefined;
    this.times.align += performance.now() - t;
    t = performance.now();
    const size = this.#embedSize;
    const embedding = await this.#embedCrops([crop], crop, [templateLandmarks(size, size)]);
    this.times.embed += performance.now() - t;
    const s = img.scale ?? 1;
    const box = { x: 0, y: 0, w: img.width * s, h: img.height * s };
    const landmarks = templateLandmarks(box.w, box.h);
    // The pose of a crop is the template's by construction; its size and sharpness are real.
    return [{
      box,
      score: 1,
      landmarks,
      embedding,
      thumbnail: thumb,
      quality: faceQuality(box, 1, landmarks, crop),
    }];
  }
}
