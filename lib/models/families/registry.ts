/**
 * Every model family, by name: adding a family is adding its file to this folder and one line
 * here; the catalogue's `ModelSpec` union follows from this map.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import { arcface112 } from "./arcface_112.ts";
import { decodedBoxes } from "./decoded_boxes.ts";
import { insightfaceArcface } from "./insightface_arcface.ts";
import { landmarks68 } from "./landmarks68.ts";
import { scrfd } from "./scrfd.ts";
import type { DetectorFamily, EmbedderFamily, LandmarkFamily, SpecBase } from "./types.ts";

/** Family name -> family. */
export const FAMILIES = {
  "decoded-boxes": decodedBoxes,
  "scrfd": scrfd,
  "landmarks68": landmarks68,
  "arcface-112": arcface112,
  "insightface-arcface": insightfaceArcface,
} as const;

/** A family name. */
export type FamilyName = keyof typeof FAMILIES;

/** A catalogue model: the union of every family's spec, discriminated by `family`. */
export type ModelSpec = { [K in FamilyName]: ReturnType<(typeof FAMILIES)[K]["parse"]> }[FamilyName];

/** A detector's spec. */
export type DetectorSpec = Extract<ModelSpec, { task: "detector" }>;
/** A landmark model's spec. */
export type LandmarkSpec = Extract<ModelSpec, { task: "landmarks" }>;
/** An embedder's spec. */
export type EmbedderSpec = Extract<ModelSpec, { task: "embedder" }>;

/** Whether `name` is a registered family. */
export function isFamilyName(name: unknown): name is FamilyName {
  return typeof name === "string" && Object.hasOwn(FAMILIES, name);
}

function lookup(spec: SpecBase, task: SpecBase["task"]): unknown {
  if (spec.task !== task) throw new ToolkitError(`model ${spec.id}: ${spec.task} model, not ${task}`);
  const f = isFamilyName(spec.family) ? FAMILIES[spec.family] : undefined;
  if (!f || f.task !== task) {
    throw new ToolkitError(`model ${spec.id}: ${task} family ${spec.family} is not supported`);
  }
  return f;
}

/** The family of a detector spec. */
export function detectorFamily(spec: DetectorSpec): DetectorFamily<DetectorSpec> {
  return lookup(spec, "detector") as DetectorFamily<DetectorSpec>;
}

/** The family of a landmark model's spec. */
export function landmarkFamily(spec: LandmarkSpec): LandmarkFamily<LandmarkSpec> {
  return lookup(spec, "landmarks") as LandmarkFamily<LandmarkSpec>;
}

/** The family of an embedder spec. */
export function embedderFamily(spec: EmbedderSpec): EmbedderFamily<EmbedderSpec> {
  return lookup(spec, "embedder") as EmbedderFamily<EmbedderSpec>;
}

/** How many landmarks a detector's detections carry (5: no landmark model needed). */
export function detectorLandmarks(spec: DetectorSpec): 0 | 5 {
  return detectorFamily(spec).landmarks(spec);
}
