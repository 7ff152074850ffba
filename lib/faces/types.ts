/**
 * Faces as the pipeline sees them (`Box`, `Detection` and `Landmarks5` live in `lib/models/face_types.ts`,
 * where the model families use them).
 * @module
 */

export type { Box, Detection, Landmarks5 } from "../models/face_types.ts";

/** Whether large photos are also searched in tiles (see the detector's `tiling` option). */
export type TilingMode = "auto" | "off";

/** Whether `v` names a {@link TilingMode}. */
export function isTilingMode(v: unknown): v is TilingMode {
  return v === "auto" || v === "off";
}
