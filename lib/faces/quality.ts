/**
 * Per-face measures that predict a poor embedding: size in pixels, detector score, sharpness
 * of the aligned crop, and head pose (roll, yaw, pitch) estimated from the 5 landmarks. Pure
 * functions of what the face stage already has.
 * @module
 */
import type { RgbImage } from "../images/decode.ts";
import { TEMPLATE_112 } from "./align.ts";
import type { Box } from "./types.ts";

/** What {@link faceQuality} records for one face. */
export interface FaceQuality {
  /** Shorter side of the face box, in original-photo pixels. */
  size: number;
  /** Detector score (1 for aligned crops, which are not detected). */
  score: number;
  /**
   * Variance of the Laplacian of the aligned crop's grey levels: low for blurred or
   * featureless faces (a flat image gives 0); compare within one embedder's crop size.
   */
  sharpness: number;
  /** In-plane rotation of the eye line, degrees (positive: clockwise in the image). */
  roll: number;
  /**
   * Left-right turn: the nose's offset from the face's midline (midpoint of the eye and
   * mouth centres), along the eye line, in interocular distances; 0 frontal, about +-0.5 in
   * profile (sign: towards the image's right is positive).
   */
  yaw: number;
  /**
   * Up-down tilt: where the nose lies between the eye line (0) and the mouth line (1), minus
   * where the frontal template puts it (about 0.49); negative: nose towards the eyes.
   */
  pitch: number;
}

const NOSE_RATIO_112 = (TEMPLATE_112[5] - (TEMPLATE_112[1] + TEMPLATE_112[3]) / 2) /
  ((TEMPLATE_112[7] + TEMPLATE_112[9]) / 2 - (TEMPLATE_112[1] + TEMPLATE_112[3]) / 2);

/**
 * Roll, yaw and pitch (see {@link FaceQuality}) from 5 landmarks in the standard order (left
 * eye, right eye, nose, left and right mouth corners), invariant to shift, scale and roll.
 * Degenerate landmarks (eyes on one point) give zeros.
 */
export function poseFromLandmarks(lm: ArrayLike<number>): { roll: number; yaw: number; pitch: number } {
  const ex = lm[2] - lm[0], ey = lm[3] - lm[1];
  const d = Math.hypot(ex, ey);
  if (!(d > 0)) return { roll: 0, yaw: 0, pitch: 0 };
  const ux = ex / d, uy = ey / d; // along the eyes
  const wx = -uy, wy = ux; // perpendicular, pointing down the face
  const cex = (lm[0] + lm[2]) / 2, cey = (lm[1] + lm[3]) / 2;
  const cmx = (lm[6] + lm[8]) / 2, cmy = (lm[7] + lm[9]) / 2;
  const nx = lm[4], ny = lm[5];
  const midx = (cex + cmx) / 2, midy = (cey + cmy) / 2;
  const yaw = ((nx - midx) * ux + (ny - midy) * uy) / d;
  const span = (cmx - cex) * wx + (cmy - cey) * wy;
  const pitch = span !== 0 ? ((nx - cex) * wx + (ny - cey) * wy) / span - NOSE_RATIO_112 : 0;
  return { roll: (Math.atan2(ey, ex) * 180) / Math.PI, yaw, pitch };
}

/**
 * Variance of the 4-neighbour Laplacian of the grey levels (ITU-R 601 luma) over the image's
 * interior pixels; 0 for images under 3x3.
 */
export function laplacianVariance(img: RgbImage): number {
  const { width: w, height: h, data } = img;
  if (w < 3 || h < 3) return 0;
  const g = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    g[i] = 0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2];
  }
  let s = 0, s2 = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i];
      s += l, s2 += l * l;
    }
  }
  const n = (w - 2) * (h - 2), mean = s / n;
  return Math.max(0, s2 / n - mean * mean);
}

/** The {@link FaceQuality} of one face: its box and score, landmarks, and aligned crop. */
export function faceQuality(
  box: Box,
  score: number,
  landmarks: ArrayLike<number>,
  crop: RgbImage,
): FaceQuality {
  const r = (v: number, f: number) => Math.round(v * f) / f;
  const pose = poseFromLandmarks(landmarks);
  return {
    size: r(Math.min(box.w, box.h), 10),
    score: r(score, 1e4),
    sharpness: r(laplacianVariance(crop), 10),
    roll: r(pose.roll, 10),
    yaw: r(pose.yaw, 1e3),
    pitch: r(pose.pitch, 1e3),
  };
}
