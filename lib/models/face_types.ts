/**
 * The face shapes that model families produce and consume (boxes, detections, 5 landmarks);
 * `lib/faces/types.ts` re-exports them for the pipeline.
 * @module
 */

/** An axis-aligned box in image pixels. */
export interface Box {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/** A detected face: box, detector score, and the 5 landmarks when the detector gives them. */
export interface Detection {
  /** Face box in image pixels. */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** The 5 alignment landmarks in image pixels, from detectors that give them (e.g. SCRFD). */
  landmarks?: Landmarks5;
}

/**
 * Five landmarks, flat `[x0, y0, ..., x4, y4]` in image pixels, in the standard order:
 * left eye, right eye (as seen in the image), nose tip, left mouth corner, right mouth corner.
 */
export type Landmarks5 = Float32Array;
