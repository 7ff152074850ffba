/**
 * The model catalogue: what each model is, where its weights come from, their checksum,
 * and how its input is prepared. The catalogue itself is `models/catalogue.json`.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { detectorLandmarks, FAMILIES, isFamilyName, type ModelSpec as Spec } from "./families/registry.ts";
import type { RawEntry } from "./families/types.ts";
import { type AdapterSpec, embeddingAdapter } from "./families/embedding_adapter.ts";

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

/** What every model has, whatever its family: identity and where its weights come from. */
export interface ModelBase {
  /** Stable id, part of every embedding store key. */
  id: string;
  /** One line for people. */
  description?: string;
  /** Where the weights come from. */
  source: ModelSource;
  /** File name under the weights folder. */
  file: string;
  /** Lower-case hex SHA-256 of the weights file. */
  sha256: string;
}

/**
 * One model of the catalogue: a union discriminated by `family` (see ./families/registry.ts),
 * each member with its typed `output` and its input (defaults filled in).
 */
export type ModelSpec = Spec;
/** A detector's spec. */
export type DetectorSpec = Extract<Spec, { task: "detector" }>;
/** A landmark model's spec. */
export type LandmarkSpec = Extract<Spec, { task: "landmarks" }>;
/** An embedder's spec. */
export type EmbedderSpec = Extract<Spec, { task: "embedder" }>;

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
  /** Trained embedding adapters (`deno task learn`; family `embedding-adapter`). */
  adapters?: AdapterSpec[];
}

/** The catalogue file shipped with the toolkit. */
export const DEFAULT_CATALOGUE = new URL("../../models/catalogue.json", import.meta.url);

/** The folder where weights are kept (git-ignored); `FACEGROUP_MODELS_DIR` overrides it. */
export function weightsDir(): string {
  return Deno.env.get("FACEGROUP_MODELS_DIR") ?? new URL("../../models/weights", import.meta.url).pathname;
}

/** Reads and checks a catalogue file; errors name the file, the entry and the bad field. */
export async function loadCatalogue(path: string | URL = DEFAULT_CATALOGUE): Promise<Catalogue> {
  const name = path instanceof URL ? path.pathname : path;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ToolkitError(`${name}: cannot read the model catalogue: ${(e as Error).message}`, { cause: e });
  }
  return parseCatalogue(raw, name);
}

/**
 * Checks a parsed catalogue (`name` names it in errors): the fields every model has, then each
 * entry through its family (which fills in its defaults), then the pipelines.
 */
export function parseCatalogue(raw: unknown, name: string): Catalogue {
  const cat = raw as { models?: unknown; pipelines?: unknown };
  if (
    typeof cat !== "object" || cat === null || !Array.isArray(cat.models) ||
    typeof cat.pipelines !== "object" ||
    cat.pipelines === null
  ) {
    throw new ToolkitError(`${name}: a catalogue needs "models" (a list) and "pipelines" (an object)`);
  }
  const models: ModelSpec[] = [];
  for (const m of cat.models as RawEntry[]) models.push(parseModel(m, name, models));
  const pipelines = cat.pipelines as Record<string, PipelineSpec>;
  const byId = new Map(models.map((m) => [m.id, m]));
  for (const [pname, p] of Object.entries(pipelines)) {
    for (const role of ["detector", "landmarks", "embedder"] as const) {
      const id = p[role];
      if (id === undefined && role === "landmarks") continue;
      const m = typeof id === "string" ? byId.get(id) : undefined;
      if (!m) throw new ToolkitError(`${name}: pipeline ${pname} names unknown ${role} ${id}`);
      if (m.task !== role) {
        throw new ToolkitError(`${name}: pipeline ${pname}: ${role} ${id} is a model of task ${m.task}`);
      }
    }
    const det = byId.get(p.detector) as DetectorSpec;
    const gives5 = detectorLandmarks(det) === 5;
    if (gives5 && p.landmarks !== undefined) {
      throw new ToolkitError(
        `${name}: pipeline ${pname}: detector ${det.id} (family ${det.family}) gives the 5 landmarks itself; ` +
          `remove "landmarks" ${p.landmarks}`,
      );
    }
    if (!gives5 && p.landmarks === undefined) {
      throw new ToolkitError(
        `${name}: pipeline ${pname}: detector ${det.id} (family ${det.family}) gives no landmarks; ` +
          `name a "landmarks" model`,
      );
    }
  }
  const cat2 = raw as { adapters?: unknown };
  if (cat2.adapters === undefined) return { models, pipelines };
  if (!Array.isArray(cat2.adapters)) throw new ToolkitError(`${name}: "adapters" must be a list`);
  const adapters: AdapterSpec[] = [];
  for (const a of cat2.adapters as RawEntry[]) {
    const where = `${name}: adapter ${JSON.stringify((a as RawEntry)?.id)}`;
    if (typeof a !== "object" || a === null) {
      throw new ToolkitError(`${name}: an adapter entry is not an object`);
    }
    const spec = embeddingAdapter.parse(a, where);
    if (adapters.some((x) => x.id === spec.id) || byId.has(spec.id)) {
      throw new ToolkitError(`${where} is listed twice`);
    }
    const base = byId.get(spec.base);
    if (!base || base.task !== "embedder") {
      throw new ToolkitError(`${where}: base ${spec.base} is not an embedder of the catalogue`);
    }
    adapters.push(spec);
  }
  return { models, pipelines, adapters };
}

/** Finds an adapter by id, with a clear error listing the known ones. */
export function findAdapter(cat: Catalogue, id: string): AdapterSpec {
  const a = cat.adapters?.find((x) => x.id === id);
  if (!a) {
    const known = (cat.adapters ?? []).map((x) => x.id);
    throw new ToolkitError(
      `unknown adapter ${id} (known: ${
        known.length ? known.join(", ") : "none; train one with \`deno task learn\`"
      })`,
    );
  }
  return a;
}

/** Checks one catalogue entry (`seen`: the entries before it) and parses it through its family. */
function parseModel(m: RawEntry, name: string, seen: readonly ModelSpec[]): ModelSpec {
  if (typeof m !== "object" || m === null) throw new ToolkitError(`${name}: a model entry is not an object`);
  if (typeof m.id !== "string" || !m.id) throw new ToolkitError(`${name}: a model has no id`);
  const where = `${name}: model ${JSON.stringify(m.id)}`;
  if (seen.some((x) => x.id === m.id)) throw new ToolkitError(`${where} is listed twice`);
  if (!["detector", "landmarks", "embedder"].includes(m.task as string)) {
    throw new ToolkitError(`${where}: bad task ${m.task}`);
  }
  if (typeof m.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.sha256)) {
    throw new ToolkitError(`${where}: sha256 must be 64 hex digits`);
  }
  if (typeof m.file !== "string" || !m.file || m.file.includes("..")) {
    throw new ToolkitError(`${where}: bad file name`);
  }
  const src = m.source as Record<string, unknown> | undefined;
  const source: ModelSource | undefined = typeof src !== "object" || src === null
    ? undefined
    : typeof src.npm === "string" && typeof src.path === "string"
    ? { npm: src.npm, path: src.path }
    : typeof src.url === "string"
    ? { url: src.url }
    : undefined;
  if (!source) throw new ToolkitError(`${where}: source needs "npm" + "path" or "url"`);
  if (!isFamilyName(m.family)) {
    throw new ToolkitError(
      `${where}: unknown family ${JSON.stringify(m.family)} (known: ${Object.keys(FAMILIES).join(", ")})`,
    );
  }
  const family = FAMILIES[m.family];
  if (family.task !== m.task) {
    throw new ToolkitError(
      `${where}: family ${m.family} is for ${family.task} models, the entry says task ${m.task}`,
    );
  }
  const base: ModelBase = { id: m.id, source, file: m.file, sha256: m.sha256 };
  if (typeof m.description === "string") base.description = m.description;
  return family.parse(m, base, where);
}

/** Finds a model by id, with a clear error listing the known ids. */
export function findModel(cat: Catalogue, id: string): ModelSpec {
  const m = cat.models.find((x) => x.id === id);
  if (!m) throw new ToolkitError(`unknown model ${id} (known: ${cat.models.map((x) => x.id).join(", ")})`);
  return m;
}

/** Resolves a pipeline by name into its model specs (no landmark model when its detector gives 5). */
export function pipelineModels(
  cat: Catalogue,
  name = "default",
): { detector: DetectorSpec; landmarks?: LandmarkSpec; embedder: EmbedderSpec } {
  const p = cat.pipelines[name];
  if (!p) {
    throw new ToolkitError(`unknown pipeline ${name} (known: ${Object.keys(cat.pipelines).join(", ")})`);
  }
  const role = <T extends ModelSpec>(id: string, task: T["task"]): T => {
    const m = findModel(cat, id);
    if (m.task !== task) {
      throw new ToolkitError(`pipeline ${name}: ${task} ${id} is a model of task ${m.task}`);
    }
    return m as T;
  };
  return {
    detector: role<DetectorSpec>(p.detector, "detector"),
    landmarks: p.landmarks ? role<LandmarkSpec>(p.landmarks, "landmarks") : undefined,
    embedder: role<EmbedderSpec>(p.embedder, "embedder"),
  };
}
