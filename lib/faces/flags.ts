/**
 * The face-detection flags several commands (and the notebooks' FACEGROUP_TILES) share, with
 * their defaults taken from the detector.
 * @module
 */
import { flag } from "../flags/types.ts";
import { DETECTOR_DEFAULTS } from "./detector.ts";
import type { TilingMode } from "./types.ts";

const TILING: Record<TilingMode, string> = { auto: "", off: "" };

/** `--tiles`: whether large photos are also searched in tiles. */
export const TILES_FLAG = flag({
  type: "enum",
  choices: Object.keys(TILING) as TilingMode[],
  default: DETECTOR_DEFAULTS.tiling,
  placeholder: "t",
  help: "auto: large photos are also searched in tiles, so that small faces in group photos are found " +
    "(about twice the time on such photos); off: the whole photo only",
});

/** `--score`: the detector's score threshold. */
export const SCORE_FLAG = flag({
  type: "number",
  min: 0,
  max: 1,
  exclusiveMin: true,
  default: DETECTOR_DEFAULTS.scoreThreshold,
  placeholder: "s",
  help: "detector score threshold",
});

/** `--min-face`: smallest face kept, in the photo's pixels. */
export const MIN_FACE_FLAG = flag({
  type: "integer",
  min: 0,
  default: DETECTOR_DEFAULTS.minFaceSize,
  placeholder: "px",
  help: "faces smaller than this (in the photo's pixels) are ignored",
});
