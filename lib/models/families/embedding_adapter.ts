/**
 * The `embedding-adapter` family: a head trained over an embedder's vectors (`deno task learn`,
 * lib/learn/), kept as an ONNX model with input `embedding` `[batch, inDim]` and output
 * `adapted` `[batch, outDim]`, unit rows. Adapters are listed under the catalogue's `adapters`
 * (not `models`: they take vectors, not images, and their weights are made here, not fetched).
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import { type ModelSession, Tensor } from "../session.ts";
import { fieldError, objectField, positiveInt, stringField } from "./fields.ts";
import type { RawEntry } from "./types.ts";

/** The input and output names of an adapter model. */
export const ADAPTER_IO = { input: "embedding", output: "adapted" } as const;

/** An adapter's catalogue entry. */
export interface AdapterSpec {
  /** Stable id (`--adapter <id>`). */
  id: string;
  /** Task. */
  task: "adapter";
  /** Family. */
  family: "embedding-adapter";
  /** One line for people. */
  description?: string;
  /** The embedder whose vectors it takes. */
  base: string;
  /** Weights file under the weights folder (git-ignored; made by `source.trained`). */
  file: string;
  /** Lower-case hex SHA-256 of the weights file as trained. */
  sha256: string;
  /** The command that trains it (its weights are not downloaded but made). */
  source: { trained: string };
  /** The model card (JSON, from the repository root): data, loss, head, epochs, seed, figures. */
  card: string;
  /** Input and output lengths. */
  input: { dim: number };
  /** Output length. */
  output: { dim: number };
}

/** An adapter family: checks an entry and applies an open session of it to vectors. */
export interface AdapterFamily<S extends AdapterSpec> {
  /** The family's name. */
  readonly family: S["family"];
  /** Its task. */
  readonly task: S["task"];
  /** Checks a catalogue entry; errors start with `where` and name the field. */
  parse(entry: RawEntry, where: string): S;
  /** Unit rows of `spec.output.dim` for `rows x spec.input.dim` vectors. */
  apply(spec: S, model: ModelSession, vectors: Float32Array, batch?: number): Promise<Float32Array>;
}

/** Runs `vectors` (`rows x dim`) through an open adapter session, `batch` rows at a time. */
export async function runAdapterSession(
  model: ModelSession,
  vectors: Float32Array,
  dim: number,
  batch = 4096,
): Promise<Float32Array> {
  if (vectors.length % dim !== 0) {
    throw new ToolkitError(`adapter: ${vectors.length} values are not rows of ${dim}`);
  }
  const rows = vectors.length / dim;
  let out: Float32Array | undefined;
  let outDim = 0;
  for (let r = 0; r < rows; r += batch) {
    const n = Math.min(batch, rows - r);
    const x = new Tensor("float32", vectors.subarray(r * dim, (r + n) * dim), [n, dim]);
    const res = await model.session.run({ [ADAPTER_IO.input]: x });
    const y = res[ADAPTER_IO.output];
    if (!y) throw new ToolkitError(`adapter model has no output ${ADAPTER_IO.output}`);
    const data = y.data as Float32Array;
    if (!out) {
      outDim = data.length / n;
      out = new Float32Array(rows * outDim);
    }
    out.set(data, r * outDim);
  }
  return out ?? new Float32Array(0);
}

/** The `embedding-adapter` family. */
export const embeddingAdapter: AdapterFamily<AdapterSpec> = {
  family: "embedding-adapter",
  task: "adapter",
  parse(entry: RawEntry, where: string): AdapterSpec {
    if (entry.task !== "adapter") {
      throw fieldError(where, "task", `must be "adapter", got ${JSON.stringify(entry.task)}`);
    }
    if (typeof entry.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(entry.sha256)) {
      throw fieldError(where, "sha256", "must be 64 hex digits");
    }
    const file = stringField(entry.file, where, "file");
    if (file.includes("..")) throw fieldError(where, "file", "must stay inside the weights folder");
    const src = objectField(entry.source, where, "source");
    const spec: AdapterSpec = {
      id: stringField(entry.id, where, "id"),
      task: "adapter",
      family: "embedding-adapter",
      base: stringField(entry.base, where, "base"),
      file,
      sha256: entry.sha256,
      source: { trained: stringField(src.trained, where, "source.trained") },
      card: stringField(entry.card, where, "card"),
      input: { dim: positiveInt(objectField(entry.input, where, "input").dim, where, "input.dim") },
      output: { dim: positiveInt(objectField(entry.output, where, "output").dim, where, "output.dim") },
    };
    if (typeof entry.description === "string") spec.description = entry.description;
    return spec;
  },
  async apply(spec, model, vectors, batch) {
    const out = await runAdapterSession(model, vectors, spec.input.dim, batch);
    if (out.length !== (vectors.length / spec.input.dim) * spec.output.dim) {
      throw new ToolkitError(
        `adapter ${spec.id}: model gives rows of ${
          out.length / (vectors.length / spec.input.dim)
        }, catalogue says ${spec.output.dim}`,
      );
    }
    return out;
  },
};
