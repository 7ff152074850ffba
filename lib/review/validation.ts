/**
 * Manual validation of sample clusters: a seeded sample of clusters is written to a JSON file
 * in the run folder with an empty verdict per cluster; a person looks at each cluster's faces
 * in the notebook, fills in the verdicts (and the rows of faces that are someone else), and
 * re-runs the cell to get the estimated precision. The verdicts also become must-link and
 * cannot-link pairs in the format of `deno task sweep --constraints`.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { ClusterInfo } from "../report/analysis/analysis.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import type { RunData } from "../report/run_data.ts";
import { sampleIndices } from "../util/random.ts";
import { join } from "node:path";
import { stableJson } from "../sweep/config.ts";
import { idHash } from "../sweep/output.ts";

/** Verdicts a person can give a cluster ("" = not checked yet). */
export const VERDICTS = ["", "one person", "mixed", "not faces"] as const;

/** A verdict. */
export type Verdict = typeof VERDICTS[number];

/** One sampled cluster to check. */
export interface ClusterCheck {
  /** Cluster id (as shown in the reports). */
  cluster: number;
  /** Faces in the cluster. */
  size: number;
  /** Rows of the faces shown (most typical first). */
  rows: number[];
  /** The person's verdict. */
  verdict: Verdict;
  /** Rows (among `rows`) that show someone else than the cluster's person. */
  wrong: number[];
  /** Free text. */
  note?: string;
}

/** The validation file. */
export interface ValidationFile {
  /** What to do. */
  instructions: string;
  /** Run folder name it belongs to. */
  run: string;
  /** Faces in the run (a file for another run is refused). */
  faces: number;
  /** Seed of the sample. */
  seed: number;
  /** The sampled clusters. */
  clusters: ClusterCheck[];
}

const INSTRUCTIONS = 'For each cluster set "verdict" to "one person", "mixed" or "not faces", and list in ' +
  '"wrong" the row numbers (shown under each face) of faces that are someone else; then re-run the cell.';

/**
 * The validation file of a clustering: `validation-<key>.json` in the run folder, the key
 * naming the faces, the method and its parameters, so that each clustering keeps its own
 * verdicts and a new pick or a new run never reuses another's.
 */
export function validationPath(run: RunData, runDir: string): string {
  const faces = run.faces.map((f) => `${f.imageId}#${f.face}`).join("\n");
  return join(
    runDir,
    `validation-${idHash(`${run.meta.method}\n${stableJson(run.meta.params)}\n${faces}`)}.json`,
  );
}

/** A seeded sample of `count` clusters, each with up to `facesPerCluster` faces. */
export function validationTemplate(
  run: RunData,
  infos: readonly ClusterInfo[],
  opts: { count?: number; facesPerCluster?: number; seed?: number } = {},
): ValidationFile {
  const seed = opts.seed ?? 1;
  const pick = [...sampleIndices(infos.length, opts.count ?? 5, seed)].sort((a, b) => a - b);
  return {
    instructions: INSTRUCTIONS,
    run: run.name,
    faces: run.faces.length,
    seed,
    clusters: pick.map((i) => ({
      cluster: infos[i].id,
      size: infos[i].rows.length,
      rows: Array.from(infos[i].rows.subarray(0, opts.facesPerCluster ?? 24)),
      verdict: "",
      wrong: [],
    })),
  };
}

/** Checks a parsed validation file against the run it is used with. */
export function checkValidation(raw: unknown, faces: number, where = "validation file"): ValidationFile {
  const v = raw as ValidationFile;
  if (!v || typeof v !== "object" || !Array.isArray(v.clusters)) {
    throw new ToolkitError(`${where}: expected an object with "clusters"`);
  }
  if (v.faces !== faces) {
    throw new ToolkitError(
      `${where}: made for a run of ${v.faces} faces, this run has ${faces}; delete it to resample`,
    );
  }
  v.clusters.forEach((c, i) => {
    if (!VERDICTS.includes(c.verdict)) {
      throw new ToolkitError(
        `${where}: clusters[${i}].verdict must be one of ${
          VERDICTS.map((x) => JSON.stringify(x)).join(", ")
        }`,
      );
    }
    if (!Array.isArray(c.wrong) || c.wrong.some((r) => !c.rows.includes(r))) {
      throw new ToolkitError(`${where}: clusters[${i}].wrong must list rows shown for that cluster`);
    }
  });
  return v;
}

/** Reads the validation file at `path`, or writes `template` there first when there is none. */
export async function loadOrCreateValidation(
  path: string,
  template: ValidationFile,
): Promise<{ file: ValidationFile; created: boolean }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    await writeFileAtomic(path, JSON.stringify(template, null, 2) + "\n");
    return { file: template, created: true };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ToolkitError(`${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  return { file: checkValidation(raw, template.faces, path), created: false };
}

/** What the verdicts say so far. */
export interface ValidationSummary {
  /** Clusters sampled. */
  sampled: number;
  /** Clusters with a verdict. */
  checked: number;
  /** Of those: one person / mixed / not faces. */
  onePerson: number;
  /** Mixed clusters. */
  mixed: number;
  /** Clusters that are not faces. */
  notFaces: number;
  /** Faces looked at in checked clusters, and how many were marked wrong. */
  facesChecked: number;
  /** Faces marked wrong (someone else). */
  facesWrong: number;
  /** Share of checked faces that belong with their cluster (NaN before any check). */
  precision: number;
}

/** Sums up the verdicts. */
export function validationSummary(v: ValidationFile): ValidationSummary {
  const checked = v.clusters.filter((c) => c.verdict !== "");
  const facesChecked = checked.reduce((s, c) => s + c.rows.length, 0);
  const facesWrong = checked.reduce(
    (s, c) => s + (c.verdict === "not faces" ? c.rows.length : c.wrong.length),
    0,
  );
  return {
    sampled: v.clusters.length,
    checked: checked.length,
    onePerson: checked.filter((c) => c.verdict === "one person").length,
    mixed: checked.filter((c) => c.verdict === "mixed").length,
    notFaces: checked.filter((c) => c.verdict === "not faces").length,
    facesChecked,
    facesWrong,
    precision: facesChecked ? (facesChecked - facesWrong) / facesChecked : NaN,
  };
}

/**
 * The verdicts as constraints (`{ mustLink, cannotLink }`, row pairs, the format of
 * `deno task sweep --constraints`): the faces of a cluster judged one person (minus those
 * marked wrong) are chained by must-link pairs; each wrong face cannot link with the
 * cluster's most typical right face.
 */
export function constraintsOf(
  v: ValidationFile,
): { mustLink: [number, number][]; cannotLink: [number, number][] } {
  const mustLink: [number, number][] = [], cannotLink: [number, number][] = [];
  for (const c of v.clusters) {
    if (c.verdict === "" || c.verdict === "not faces") continue;
    const wrong = new Set(c.wrong);
    const right = c.rows.filter((r) => !wrong.has(r));
    if (c.verdict === "one person") {
      for (let i = 1; i < right.length; i++) mustLink.push([right[i - 1], right[i]]);
    }
    if (right.length > 0) { for (const w of c.wrong) cannotLink.push([right[0], w]); }
  }
  return { mustLink, cannotLink };
}
