/**
 * The `arcface-112` embedder family (faceplugin's `fr_feature.onnx`): a crop aligned to the
 * standard 5-point template, normalised as the entry's `input` says (all of it given), in; the
 * first output's rows, L2-normalised, out.
 * @module
 */
import type { RgbImage } from "../../images/decode.ts";
import { ToolkitError } from "../../errors.ts";
import { toTensorData } from "../preprocess.ts";
import type { InputSpec, ModelBase } from "../catalogue.ts";
import { objectField, parseInput, positiveInt, stringField } from "./fields.ts";
import type { EmbedderFamily, ModelOutputs, RawEntry, SpecBase } from "./types.ts";

/** An `arcface-112` embedder's catalogue entry. */
export interface Arcface112Spec extends SpecBase {
  /** Task. */
  task: "embedder";
  /** Family. */
  family: "arcface-112";
  /** Embedding length, and the output to read (the first when absent). */
  output: { dim: number; name?: string };
}

/** Writes `vec`'s first `n` rows of `dim`, each scaled to unit length, into `dst` from row `row`. */
export function writeUnitRows(
  vec: Float32Array,
  n: number,
  dim: number,
  dst: Float32Array,
  row: number,
): void {
  if (vec.length < n * dim) throw new ToolkitError(`embedder: ${vec.length} values for ${n} rows of ${dim}`);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vec[i * dim + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) dst[(row + i) * dim + j] = vec[i * dim + j] * inv;
  }
}

/** The `output` of an embedder entry: a positive `dim` (`fallback` when absent) and an optional `name`. */
export function parseEmbedderOutput(
  v: unknown,
  where: string,
  fallback?: number,
): { dim: number; name?: string } {
  const o = objectField(v, where, "output", fallback !== undefined);
  const out: { dim: number; name?: string } = { dim: positiveInt(o.dim, where, "output.dim", fallback) };
  if (o.name !== undefined) out.name = stringField(o.name, where, "output.name");
  return out;
}

/** Preprocessing and decoding shared by the ArcFace-style embedder families. */
export const arcfaceIo = {
  /** Planar, normalised input of one aligned crop. */
  preprocess(spec: { input: InputSpec }, crop: RgbImage, out: Float32Array, offset: number): void {
    toTensorData(crop.data, spec.input.width, spec.input.height, spec.input, out, offset);
  },
  /** Unit rows of the named (or first) output. */
  decode(
    spec: { id: string; output: { dim: number; name?: string } },
    out: ModelOutputs,
    n: number,
    dst: Float32Array,
    row: number,
  ): void {
    const name = spec.output.name ?? out.names[0];
    const vec = out.data[name];
    if (!vec) throw new ToolkitError(`model ${spec.id}: no output ${name} (has ${out.names.join(", ")})`);
    writeUnitRows(vec, n, spec.output.dim, dst, row);
  },
};

/** The `arcface-112` family. */
export const arcface112: EmbedderFamily<Arcface112Spec> = {
  family: "arcface-112",
  task: "embedder",
  parse(entry: RawEntry, base: ModelBase, where: string): Arcface112Spec {
    const input = parseInput(entry.input, where, {}, ["RGB", "BGR"]);
    return {
      ...base,
      task: "embedder",
      family: "arcface-112",
      input,
      output: parseEmbedderOutput(entry.output, where),
    };
  },
  dim: (spec) => spec.output.dim,
  preprocess: arcfaceIo.preprocess,
  decode: arcfaceIo.decode,
};
