/**
 * Applying a catalogue adapter (`--adapter <id>`) to an embedder's vectors through ONNX Runtime,
 * with the same session code as every model: its weights are checked against the catalogue's
 * sha256 first.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import { sha256Hex } from "../util/hash.ts";
import { type Catalogue, findAdapter, loadCatalogue, weightsDir } from "./catalogue.ts";
import { type AdapterSpec, embeddingAdapter } from "./families/embedding_adapter.ts";
import { createSession, type Device } from "./session.ts";

/** An open adapter. */
export interface OpenAdapter {
  /** Its catalogue entry. */
  spec: AdapterSpec;
  /** Unit rows of `spec.output.dim` for `rows x dim` vectors (`dim` must be `spec.input.dim`). */
  apply(vectors: Float32Array, dim: number): Promise<Float32Array>;
  /** Frees the session. */
  close(): Promise<void>;
}

/** Options of {@link openAdapter}. */
export interface OpenAdapterOptions {
  /** Catalogue (default: models/catalogue.json). */
  catalogue?: Catalogue;
  /** Weights folder (default: {@link weightsDir}). */
  dir?: string;
  /** Device. @default "cpu" */
  device?: Device;
}

/**
 * Checks adapter `id` before any work: in the catalogue, its weights present and the bytes the
 * catalogue names. Returns its spec and the weights' path; errors say what is missing and how to
 * make it.
 */
export async function checkAdapter(
  id: string,
  opts: Pick<OpenAdapterOptions, "catalogue" | "dir"> = {},
): Promise<{ spec: AdapterSpec; path: string }> {
  const cat = opts.catalogue ?? await loadCatalogue();
  const spec = findAdapter(cat, id);
  const path = `${opts.dir ?? weightsDir()}/${spec.file}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ToolkitError(
      `adapter ${id}: weights file ${path} is missing; it is made by: ${spec.source.trained}`,
      { cause: e },
    );
  }
  const got = await sha256Hex(bytes);
  if (got !== spec.sha256) {
    throw new ToolkitError(
      `adapter ${id}: checksum mismatch for ${path}: sha256 ${got}, catalogue says ${spec.sha256} ` +
        `(retrain with: ${spec.source.trained})`,
    );
  }
  return { spec, path };
}

/** Opens adapter `id` of the catalogue (checked by {@link checkAdapter}). */
export async function openAdapter(id: string, opts: OpenAdapterOptions = {}): Promise<OpenAdapter> {
  const { spec, path } = await checkAdapter(id, opts);
  const model = await createSession(path, { device: opts.device ?? "cpu", dynamicBatch: false });
  return {
    spec,
    apply(vectors, dim) {
      if (dim !== spec.input.dim) {
        return Promise.reject(
          new ToolkitError(`adapter ${id} takes vectors of ${spec.input.dim}, got ${dim}`),
        );
      }
      return embeddingAdapter.apply(spec, model, vectors);
    },
    close: () => model.session.release(),
  };
}

/** Applies adapter `id` to `rows x dim` vectors once (opens, applies, closes). */
export async function applyAdapterById(
  id: string,
  vectors: Float32Array,
  dim: number,
  opts: OpenAdapterOptions = {},
): Promise<{ vectors: Float32Array; dim: number; spec: AdapterSpec }> {
  const a = await openAdapter(id, opts);
  try {
    return { vectors: await a.apply(vectors, dim), dim: a.spec.output.dim, spec: a.spec };
  } finally {
    await a.close();
  }
}

/**
 * A matrix of embedder vectors through adapter `id` (or as it is when `id` is undefined): the
 * one call that runs, sweeps and notebooks make after reading the vectors.
 */
export async function adaptMatrix(
  id: string | undefined,
  x: Matrix,
  opts: OpenAdapterOptions & { log?: (line: string) => void } = {},
): Promise<Matrix> {
  if (id === undefined) return x;
  const t = performance.now();
  const r = await applyAdapterById(id, x.data, x.cols, opts);
  opts.log?.(
    `adapter ${id}: ${x.rows} vectors ${x.cols} -> ${r.dim} in ${
      ((performance.now() - t) / 1000).toFixed(2)
    } s`,
  );
  return { data: r.vectors, rows: x.rows, cols: r.dim };
}
