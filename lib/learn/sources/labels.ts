/**
 * Training data from labels: a run folder (or embedding set) whose photos were labelled by their
 * first folder level (`deno task run --labels`: one folder per person), or a labels file.
 *
 * A photo's label belongs to one face of it, the largest (the scoring rule of every benchmark,
 * `labelledFaces` in lib/sweep/evaluate.ts); its other faces are bystanders of unknown identity,
 * kept as cannot-link partners of the labelled face (two faces of one photo are two people).
 *
 * Labels file: CSV with a header naming a `path` column (relative to the run's input, as in
 * `assignments.csv`) and a `person` (or `label`, `name`) column; an optional `face` column names
 * one face of the photo, else the label goes to the photo's largest face. An empty person leaves
 * the face unlabelled. A line that cannot be used is reported (file and line) and skipped.
 * @module
 */
import { join } from "node:path";
import { ToolkitError } from "../../errors.ts";
import { type EmbeddingSet, type FaceMeta, readEmbeddingSet } from "../../store/embedding_set.ts";
import { labelledFaces } from "../../sweep/evaluate.ts";
import { parseCsv } from "../../util/csv.ts";
import type { TrainingPairs, TrainingSet } from "../types.ts";

/** A training set with where its rows came from. */
export interface SourceResult {
  /** What the trainer takes. */
  set: TrainingSet;
  /** Row of the embedding set behind each training row. */
  rows: Uint32Array;
  /** Name of each identity (index = label value). */
  names: string[];
  /** Lines of input that could not be used, each naming its file and line. */
  warnings: string[];
}

/** Options of {@link fromEmbeddingSet} and {@link fromRunFolder}. */
export interface LabelSourceOptions {
  /** Identities to keep (e.g. the people of 9 folds); default all. */
  keep?: (name: string) => boolean;
  /** Also take the other faces of a labelled photo, as cannot-link pairs with it. @default true */
  samePhoto?: boolean;
  /** Where the rows came from, for the model card. */
  origin?: string;
}

/** Builds the pairs of a {@link TrainingSet} from flat lists. */
export function toPairs(a: readonly number[], b: readonly number[], same: readonly number[]): TrainingPairs {
  return { a: Uint32Array.from(a), b: Uint32Array.from(b), same: Uint8Array.from(same) };
}

/** The rows `rows` of an embedding set's vectors, as one array. */
export function gatherRows(set: EmbeddingSet, rows: ArrayLike<number>): Float32Array {
  const d = set.x.cols, out = new Float32Array(rows.length * d);
  for (let k = 0; k < rows.length; k++) out.set(set.x.data.subarray(rows[k] * d, (rows[k] + 1) * d), k * d);
  return out;
}

/**
 * A training set from an embedding set whose rows `labelOf` names (undefined: unknown). Rows
 * whose identity `keep` refuses are left out, with their photos' other faces.
 */
export function fromEmbeddingSet(
  set: EmbeddingSet,
  labelOf: (row: number) => string | undefined,
  opts: LabelSourceOptions = {},
): SourceResult {
  const keep = opts.keep ?? (() => true);
  const samePhoto = opts.samePhoto ?? true;
  const ids = new Map<string, number>();
  const names: string[] = [];
  const byPhoto = new Map<string, number[]>();
  set.faces.forEach((f, i) => {
    const list = byPhoto.get(f.imageId);
    if (list) list.push(i);
    else byPhoto.set(f.imageId, [i]);
  });
  const rows: number[] = [], labels: number[] = [];
  const taken = new Map<number, number>(); // set row -> training row
  const take = (r: number, label: number) => {
    const had = taken.get(r);
    if (had !== undefined) {
      if (label >= 0) labels[had] = label;
      return had;
    }
    taken.set(r, rows.length);
    rows.push(r);
    labels.push(label);
    return rows.length - 1;
  };
  const pa: number[] = [], pb: number[] = [], ps: number[] = [];
  for (let r = 0; r < set.faces.length; r++) {
    const name = labelOf(r);
    if (name === undefined || !keep(name)) continue;
    let id = ids.get(name);
    if (id === undefined) ids.set(name, id = names.length), names.push(name);
    const t = take(r, id);
    if (!samePhoto) continue;
    const f = set.faces[r];
    for (const o of byPhoto.get(f.imageId)!) {
      if (o === r || set.faces[o].face === f.face) continue;
      pa.push(t), pb.push(take(o, -1)), ps.push(0);
    }
  }
  // A bystander that turned out labelled itself keeps its label; its pair stays cannot-link.
  const set2: TrainingSet = {
    vectors: gatherRows(set, rows),
    dim: set.x.cols,
    labels: Int32Array.from(labels),
    origin: opts.origin ?? "labels",
    ...(pa.length ? { pairs: toPairs(pa, pb, ps) } : {}),
  };
  return { set: set2, rows: Uint32Array.from(rows), names, warnings: [] };
}

/** A labels file, read: labels by `path` (the photo's largest face) and by `path#face`. */
export interface LabelsFile {
  /** Person by photo path. */
  byPath: Map<string, string>;
  /** Person by `path#face`. */
  byFace: Map<string, string>;
  /** Lines that could not be used (file and line named). */
  warnings: string[];
}

/** Parses a labels file (see the module doc); `name` names it in messages. */
export function parseLabelsFile(text: string, name: string): LabelsFile {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  if (rows.length === 0) throw new ToolkitError(`${name}: empty labels file (needs a header: path,person)`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const pathCol = header.indexOf("path");
  const personCol = ["person", "label", "name"].map((h) => header.indexOf(h)).find((i) => i >= 0) ?? -1;
  const faceCol = header.indexOf("face");
  if (pathCol < 0 || personCol < 0) {
    throw new ToolkitError(
      `${name}: the header must name a "path" and a "person" (or "label", "name") column, got ${
        JSON.stringify(rows[0].join(","))
      }`,
    );
  }
  const out: LabelsFile = { byPath: new Map(), byFace: new Map(), warnings: [] };
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    if (r.every((c) => c.trim() === "")) continue;
    const path = r[pathCol]?.trim(), person = r[personCol]?.trim();
    if (!path || person === undefined) {
      out.warnings.push(`${name}: line ${i + 1}: no path or person; skipped`);
      continue;
    }
    if (person === "") continue;
    if (faceCol >= 0 && (r[faceCol] ?? "").trim() !== "") {
      const face = Number(r[faceCol].trim());
      if (!Number.isInteger(face) || face < 0) {
        out.warnings.push(
          `${name}: line ${i + 1}: face ${JSON.stringify(r[faceCol])} is not a face index; skipped`,
        );
        continue;
      }
      out.byFace.set(`${path}#${face}`, person);
    } else out.byPath.set(path, person);
  }
  return out;
}

/**
 * Who each row is, from a labels file: a face named by `path#face`, else the labelled (largest)
 * face of a photo named by `path`. Entries that match no face are reported.
 */
export function labelsFromFile(faces: readonly FaceMeta[], file: LabelsFile, name: string): {
  labelOf: (row: number) => string | undefined;
  warnings: string[];
} {
  const main = new Set(labelledFaces(faces));
  const of = faces.map((f, i) =>
    file.byFace.get(`${f.path}#${f.face}`) ?? (main.has(i) ? file.byPath.get(f.path) : undefined)
  );
  const paths = new Set(faces.map((f) => f.path));
  const keys = new Set(faces.map((f) => `${f.path}#${f.face}`));
  const missing = [...file.byPath.keys()].filter((p) => !paths.has(p))
    .concat([...file.byFace.keys()].filter((k) => !keys.has(k)));
  const warnings = [...file.warnings];
  if (missing.length > 0) {
    warnings.push(
      `${name}: ${missing.length} entr${
        missing.length === 1 ? "y matches" : "ies match"
      } no face of the run (e.g. ${JSON.stringify(missing[0])}); ignored`,
    );
  }
  return { labelOf: (r) => of[r], warnings };
}

/** Options of {@link fromRunFolder}. */
export interface RunLabelOptions extends LabelSourceOptions {
  /** A labels file (see the module doc); default the folder labels of a `--labels` run. */
  labelsFile?: string;
}

/**
 * A training set from a run folder (or its `embeddings/` folder): labels from `labelsFile`, or
 * the folder labels the run recorded (`deno task run --labels`). A run without either is a
 * {@link ToolkitError} saying so.
 */
export async function fromRunFolder(dir: string, opts: RunLabelOptions = {}): Promise<SourceResult> {
  let embeddings = join(dir, "embeddings");
  try {
    await Deno.stat(join(embeddings, "vectors.npy"));
  } catch {
    embeddings = dir;
  }
  const set = await readEmbeddingSet(embeddings);
  let labelOf: (row: number) => string | undefined;
  let warnings: string[] = [];
  if (opts.labelsFile) {
    let text: string;
    try {
      text = await Deno.readTextFile(opts.labelsFile);
    } catch (e) {
      throw new ToolkitError(`${opts.labelsFile}: cannot read the labels file (${(e as Error).message})`);
    }
    const got = labelsFromFile(set.faces, parseLabelsFile(text, opts.labelsFile), opts.labelsFile);
    labelOf = got.labelOf, warnings = got.warnings;
  } else {
    if (!set.faces.some((f) => f.label !== undefined)) {
      throw new ToolkitError(
        `${embeddings}: the run has no labels; run it with --labels (one folder per person) or give a labels file`,
      );
    }
    const main = new Set(labelledFaces(set.faces));
    labelOf = (r) => (main.has(r) ? set.faces[r].label : undefined);
  }
  const res = fromEmbeddingSet(set, labelOf, {
    ...opts,
    origin: opts.origin ?? `labels:${opts.labelsFile ?? "folders"} of ${dir}`,
  });
  return { ...res, warnings: [...warnings, ...res.warnings] };
}
