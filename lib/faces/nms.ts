/**
 * Score-sorted greedy non-maximum suppression.
 * @module
 */
import type { Detection } from "./types.ts";

/** Intersection over union of two boxes given as detections. */
export function iou(a: Detection, b: Detection): number {
  const x1 = Math.max(a.box.x, b.box.x), y1 = Math.max(a.box.y, b.box.y);
  const x2 = Math.min(a.box.x + a.box.w, b.box.x + b.box.w);
  const y2 = Math.min(a.box.y + a.box.h, b.box.y + b.box.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
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
