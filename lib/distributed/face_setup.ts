/**
 * The face stage's settings for distributed embedding, built exactly as `embedPhotos`
 * (../pipeline/embed_photos.ts) builds them with its defaults, so that a worker's store key, and
 * so its records, are the ones a single-machine `deno task run` (or `deno task collect`) looks
 * up: detector defaults, 96-pixel thumbnails, the default pixel limit, long side 1280, `format`,
 * and `tta` / `aligned` only when on. What may differ between runs (aligned input, TTA) travels
 * with each job, decided once by `deno task enqueue`.
 * @module
 */
import { DETECTOR_DEFAULTS } from "../faces/detector.ts";
import { DEFAULT_MAX_PIXELS } from "../images/decode.ts";
import type { Device } from "../models/session.ts";
import type { WorkerOptions } from "../pipeline/pool_messages.ts";
import { storeKeyOptions } from "../pipeline/embed_photos.ts";

/** What a job says about how to analyse its photo. */
export interface FaceJobOptions {
  /** Every image is an already aligned face crop (decided by `enqueue` over the whole source). */
  aligned: boolean;
  /** Test-time augmentation (mirrored copy averaged). */
  tta: boolean;
}

/** The settings of one face stage. */
export interface FaceSetup {
  /** Options of the face workers (../pipeline/analyze_pool.ts). */
  analyzer: WorkerOptions;
  /** Decoding limits. */
  maxPixels: number;
  /** Long side photos are decoded at. */
  maxSide: number;
  /** The options part of the store key. */
  keyOptions: Record<string, unknown>;
}

/** The face stage's settings for `job` on `device` (batch size: embedder batch). */
export function faceSetup(job: FaceJobOptions, device: Device = "cpu", batchSize = 32): FaceSetup {
  const detector = { ...DETECTOR_DEFAULTS };
  const effective = { ...detector, thumbnailSize: 96, maxPixels: DEFAULT_MAX_PIXELS, maxSide: 1280 };
  return {
    analyzer: {
      pipeline: "default",
      device,
      threads: 1,
      batchSize,
      ...detector,
      thumbnailSize: effective.thumbnailSize,
      tta: job.tta,
      alignedInput: job.aligned,
    },
    maxPixels: effective.maxPixels,
    maxSide: effective.maxSide,
    keyOptions: storeKeyOptions(effective, job),
  };
}
