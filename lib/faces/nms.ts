/**
 * Score-sorted greedy non-maximum suppression.
 * @module
 */
import type { Box, Detection } from "./types.ts";

/** The area two boxes share (0 when they do not overlap). */
export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two boxes given as detections. */
export function iou(a: Detection, b: Detection): number {
  const inter = intersectionArea(a.box, b.box);
  const union = a.box.w * a.box.h + b.box.w * b.box.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Keeps the highest-scoring detections, dropping any whose IoU with an already kept one is
 * above `threshold`. Boxes with no area are dropped. At most `topK` candidates are considered.
 * The result is sorted by score, highest first.
 */
export function nms(dets: readonly Detection[], threshold: number, topK = 750): Detection[] {
  const sorted = dets.filter((d) => d.box.w > 0 && d.box.h > 0).sort((a, b) => b.score - a.score).slice(
    0,
    topK,
  );
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => iou(k, d) <= threshold)) kept.push(d);
  }
  return kept;
}
