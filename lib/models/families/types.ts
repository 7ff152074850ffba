/**
 * What a model family is: how a catalogue entry of it is checked, how its input is prepared
 * and how its outputs are read. One family per file in this folder, all listed in
 * ./registry.ts; the catalogue's `ModelSpec` is the union of what their `parse` returns.
 * @module
 */
import type { RgbImage } from "../../images/decode.ts";
import type { InputSpec, ModelBase } from "../catalogue.ts";
import type { Box, Detection, Landmarks5 } from "../face_types.ts";

/** A catalogue entry as read from JSON (before its family checks it). */
export type RawEntry = Record<string, unknown>;

/** What every parsed model spec has, whatever its family. */
export interface SpecBase extends ModelBase {
  /** What the model does. */
  task: "detector" | "landmarks" | "embedder";
  /** The family's name (the union's discriminant). */
  family: string;
  /** Input preparation, with the family's defaults filled in. */
  input: InputSpec;
}

/** The outputs of one inference: output names in the model's order and their values. */
export interface ModelOutputs {
  /** Output names in the model's order. */
  names: readonly string[];
  /** Values by output name. */
  data: Readonly<Record<string, Float32Array>>;
}

/** What every family has. */
export interface FamilyCommon<S extends SpecBase> {
  /** The family's name, as in the catalogue's `family` field. */
  readonly family: S["family"];
  /** The task its models do. */
  readonly task: S["task"];
  /**
   * Checks a catalogue entry (`base` holds the fields every model has, already checked) and
   * returns the typed spec, defaults filled in; errors start with `where` and name the field.
   */
  parse(entry: RawEntry, base: ModelBase, where: string): S;
}

/** Where one view (the whole photo or a tile) lies in the detector's input. */
export interface ViewFit {
  /** View width in image pixels. */
  viewWidth: number;
  /** View height in image pixels. */
  viewHeight: number;
  /** Width the view is resized to, at the input's top-left corner (the rest is padding). */
  width: number;
  /** Height the view is resized to. */
  height: number;
}

/** A detector family. */
export interface DetectorFamily<S extends SpecBase & { task: "detector" }> extends FamilyCommon<S> {
  /** Landmarks each detection carries: 5 (the alignment points, no landmark model needed) or 0. */
  landmarks(spec: S): 0 | 5;
  /** The size a `w` x `h` view is resized to inside the input (stretched, or letterboxed). */
  fit(spec: S, w: number, h: number): { width: number; height: number };
  /**
   * Reads the detections of view `k` of a batch of `batch` views from the outputs, boxes (and
   * landmarks) in the view's pixels, those scoring under `scoreThreshold` left out.
   */
  decode(
    spec: S,
    out: ModelOutputs,
    batch: number,
    k: number,
    fit: ViewFit,
    scoreThreshold: number,
  ): Detection[];
}

/** A landmark family: from a face box to its 5 alignment points. */
export interface LandmarkFamily<S extends SpecBase & { task: "landmarks" }> extends FamilyCommon<S> {
  /** Values the model gives per face. */
  values(spec: S): number;
  /** The crop of a face box (image pixels) that the model sees. */
  crop(spec: S, box: Box, imageWidth: number, imageHeight: number): Box;
  /** Writes the model input of `crop` of `img` into `out` at `offset`. */
  preprocess(spec: S, img: RgbImage, crop: Box, out: Float32Array, offset: number): void;
  /** Face `k`'s points (flat x, y in image pixels) from the model's first output `raw`. */
  decode(spec: S, raw: Float32Array, k: number, crop: Box): Float32Array;
  /** The 5 alignment points from the family's points. */
  toFive(points: Float32Array): Landmarks5;
}

/** An embedder family: from aligned crops to unit vectors. */
export interface EmbedderFamily<S extends SpecBase & { task: "embedder" }> extends FamilyCommon<S> {
  /** Length of the embeddings. */
  dim(spec: S): number;
  /** Writes the model input of an aligned crop (the spec's input size) into `out` at `offset`. */
  preprocess(spec: S, crop: RgbImage, out: Float32Array, offset: number): void;
  /** The `n` unit rows of a batch, written into `out` from row `row`. */
  decode(spec: S, out: ModelOutputs, n: number, dst: Float32Array, row: number): void;
}
