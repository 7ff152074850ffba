/**
 * The `insightface-arcface` embedder family (InsightFace's ArcFace models, e.g. `w600k_r50.onnx`
 * of `buffalo_l`): as `arcface-112`, with InsightFace's preprocessing as defaults: 112x112, RGB
 * (`colorOrder` may say BGR), (x - 127.5) / 127.5, 512 values.
 * @module
 */
import type { ModelBase } from "../catalogue.ts";
import { arcfaceIo, parseEmbedderOutput } from "./arcface_112.ts";
import { parseInput } from "./fields.ts";
import type { EmbedderFamily, RawEntry, SpecBase } from "./types.ts";

/** An `insightface-arcface` embedder's catalogue entry. */
export interface InsightfaceArcfaceSpec extends SpecBase {
  /** Task. */
  task: "embedder";
  /** Family. */
  family: "insightface-arcface";
  /** Embedding length (default 512), and the output to read (the first when absent). */
  output: { dim: number; name?: string };
}

/** InsightFace's ArcFace input: 112x112 RGB, (x - 127.5) / 127.5. */
export const INSIGHTFACE_ARCFACE_INPUT = {
  width: 112,
  height: 112,
  colorOrder: "RGB",
  mean: [127.5, 127.5, 127.5],
  std: [127.5, 127.5, 127.5],
} as const;

/** The `insightface-arcface` family. */
export const insightfaceArcface: EmbedderFamily<InsightfaceArcfaceSpec> = {
  family: "insightface-arcface",
  task: "embedder",
  parse(entry: RawEntry, base: ModelBase, where: string): InsightfaceArcfaceSpec {
    const d = INSIGHTFACE_ARCFACE_INPUT;
    const input = parseInput(entry.input, where, { ...d, mean: [...d.mean], std: [...d.std] }, [
      "RGB",
      "BGR",
    ]);
    const output = parseEmbedderOutput(entry.output, where, 512);
    return { ...base, task: "embedder", family: "insightface-arcface", input, output };
  },
  dim: (spec) => spec.output.dim,
  preprocess: arcfaceIo.preprocess,
  decode: arcfaceIo.decode,
};
