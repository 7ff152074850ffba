/**
 * The model catalogue: what each model is, where its weights come from, their checksum,
 * and how its input is prepared. The catalogue itself is `models/catalogue.json`.
 * @module
 */
import { ToolkitError } from "../errors.ts";

/** Where a model's weights come from. */
export type ModelSource =
  | { npm: string; path: string }
  | { url: string };

/** How an image is turned into the model's input tensor. */
export interface InputSpec {
  /** Input width in pixels. */
  width: number;
  /** Input height in pixels. */
  height: number;
  /** 3 for colour, 1 for grey. */
  channels: 1 | 3;
  /** Channel order fed to the model. */
  colorOrder: "RGB" | "BGR" | "GREY";
  /** Per-channel value subtracted from 0..255 pixel values. */
  mean: number[];
  /** Per-channel divisor applied after subtracting the mean. */
  std: number[];
}

/** One model of the catalogue. */
export interface ModelSpec {
  /** Stable id, part of every embedding store key. */
  id: string;
  /** What the model does. */
  task: "detector" | "landmarks" | "embedder";
  /** Decoder family: how outputs are read (e.g. `decoded-boxes`, `landmarks68`, `arcface-112`). */
  family: string;
  /** One line for people. */
  description?: string;
  /** Where the weights come from. */
  source: ModelSource;
  /** File name under the weights folder. */
  file: string;
  /** Lower-case hex SHA-256 of the weights file. */
  sha256: string;
  /** Input preparation. */
  input: InputSpec;
  /** Family-specific output description. */
  output: Record<string, unknown>;
}

/** A named choice of detector, landmark model and embedder. */
export interface PipelineSpec {
  /** Detector model id. */
  detector: string;
  /** Landmark model id (omit for detectors that give 5 landmarks themselves). */
  landmarks?: string;
  /** Embedder model id. */
  embedder: string;
}

/** The whole catalogue. */
export interface Catalogue {
  /** Every known model. */
  models: ModelSpec[];
  /** Named pipelines; `default` is used when none is given. */
  pipelines: Record<string, PipelineSpec>;
}

/** The catalogue file shipped with the toolkit. */
export const DEFAULT_CATALOGUE = new URL("../../models/catalogue.json", import.meta.url);

/** The folder where weights are kept (git-ignored); `FACEGROUP_MODELS_DIR` overrides it. */
export function weightsDir(): string {
  return Deno.env.get("FACEGROUP_MODELS_DIR") ?? new URL("../../models/weights", import.meta.url).pathname;
}

/** Reads and checks a catalogue file; errors name the file and the bad entry. */
export async function loadCatalogue(path: string | URL = DEFAULT_CATALOGUE): Promise<Catalogue> {
  const name = path instanceof URL ? path.pathname : path;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ToolkitError(`${name}: cannot read the model catalogue: ${(e as Error).message}`, { cause: e });
  }
  const cat = raw as Catalogue;
  if (!Array.isArray(cat.models) || typeof cat.pipelines !== "object") {
    throw new ToolkitError(`${name}: a catalogue needs "models" (a list) and "pipelines" (an object)`);
  }
  const ids = new Set<string>();
  for (const m of cat.models) {
    const where = `${name}: model ${JSON.stringify(m.id)}`;
    if (typeof m.id !== "string" || !m.id) throw new ToolkitError(`${name}: a model has no id`);
    if (ids.has(m.id)) throw new ToolkitError(`${where} is listed twice`);
    ids.add(m.id);
    if (!["detector", "landmarks", "embedder"].includes(m.task)) {
      throw new ToolkitError(`${where}: bad task ${m.task}`);
    }
    if (!/^[0-9a-f]{64}$/.test(m.sha256 ?? "")) {
      throw new ToolkitError(`${where}: sha256 must be 64 hex digits`);
    }
    if (!m.file || m.file.includes("..")) throw new ToolkitError(`${where}: bad file name`);
    if (!m.source || !("npm" in m.source || "url" in m.source)) {
      throw new ToolkitError(`${where}: source needs "npm" + "path" or "url"`);
    }
  }
  for (const [pname, p] of Object.entries(cat.pipelines)) {
    for (const role of ["detector", "landmarks", "embedder"] as const) {
      const id = p[role];
      if (id === undefined && role === "landmarks") continue;
      if (!id || !ids.has(id)) {
        throw new ToolkitError(`${name}: pipeline ${pname} names unknown ${role} ${id}`);
      }
    }
  }
  return cat;
}

/** Finds a model by id, with a clear error listing the known ids. */
export function findModel(cat: Catalogue, id: string): ModelSpec {
  const m = cat.models.find((x) => x.id === id);
  if (!m) throw new ToolkitError(`unknown model ${id} (known: ${cat.models.map((x) => x.id).join(", ")})`);
  return m;
}

/** Resolves a pipeline by name into its three model specs. */
export function pipelineModels(
  cat: Catalogue,
  name = "default",
): { detector: ModelSpec; landmarks?: ModelSpec; embedder: ModelSpec } {
  const p = cat.pipelines[name];
  if (!p) {
    throw new ToolkitError(`unknown pipeline ${name} (known: ${Object.keys(cat.pipelines).join(", ")})`);
  }
  return {
    detector: findModel(cat, p.detector),
    landmarks: p.landmarks ? findModel(cat, p.landmarks) : undefined,
    embedder: findModel(cat, p.embedder),
  };
}
