/**
 * Review decisions as a sweep's constraints: `deno task sweep --decisions <run>/decisions.jsonl`
 * (or, without the flag, the decisions of the run folder that holds `--embeddings`) become the
 * must-link and cannot-link pairs of `--constraints`, merged with that file's pairs when both are
 * given.
 * @module
 */
import { dirname, join } from "node:path";
import { ToolkitError } from "../errors.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { planReview } from "./apply.ts";
import { DECISIONS_FILE, NOT_A_FACE, parseLog, replay } from "./decisions.ts";

/** The pairs of a `--constraints` file. */
export interface ConstraintPairs {
  /** Row pairs that are the same person. */
  mustLink: [number, number][];
  /** Row pairs that are not. */
  cannotLink: [number, number][];
}

/** What {@link sweepDecisions} found. */
export interface SweepDecisions {
  /** The decision log used. */
  file: string;
  /** Constraints: the decisions' pairs, then those of the `--constraints` file. */
  constraints: ConstraintPairs;
  /** One line per thing to tell the user (counts, skipped lines, what a sweep cannot honour). */
  notes: string[];
}

function pairsOf(flat: Int32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p + 1 < flat.length; p += 2) out.push([flat[p], flat[p + 1]]);
  return out;
}

async function readFaces(embeddings: string): Promise<FaceMeta[]> {
  const file = join(embeddings, "faces.jsonl");
  const text = await Deno.readTextFile(file);
  return text.split("\n").filter((l) => l.trim() !== "").map((l, i) => {
    try {
      return JSON.parse(l) as FaceMeta;
    } catch (e) {
      throw new ToolkitError(`${file}: line ${i + 1} is not JSON`, { cause: e });
    }
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await Deno.stat(file)).isFile;
  } catch {
    return false;
  }
}

/**
 * The decisions that apply to a sweep of `embeddings`: `decisions` when given, else
 * `<run>/decisions.jsonl` when `embeddings` is inside a run folder that has one; undefined when
 * neither. `constraints` (a `--constraints` file) is merged in.
 */
export async function sweepDecisions(
  embeddings: string,
  decisions?: string,
  constraints?: string,
): Promise<SweepDecisions | undefined> {
  const file = decisions ?? join(dirname(embeddings), DECISIONS_FILE);
  if (decisions === undefined && !(await exists(file))) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    throw new ToolkitError(`${file}: cannot read the decisions (${(e as Error).message})`, { cause: e });
  }
  const parsed = parseLog(bytes, file);
  const notes = [...parsed.warnings];
  const state = replay(parsed.decisions);
  const faces = await readFaces(embeddings);
  const plan = planReview(state, faces);
  const out: ConstraintPairs = { mustLink: pairsOf(plan.mustLink), cannotLink: pairsOf(plan.cannotLink) };
  const notFaces = plan.fixed.filter((l) => l === NOT_A_FACE).length;
  notes.push(
    `${state.applied.length} decisions from ${file}: ${plan.people.length} people, ` +
      `${out.mustLink.length} must-link and ${out.cannotLink.length} cannot-link pairs`,
  );
  if (notFaces > 0) {
    notes.push(
      `${notFaces} faces rejected as not faces stay in the sweep (its methods cluster every row) ` +
        `but take part in no constraint`,
    );
  }
  for (const u of plan.unhonoured) {
    notes.push(`not honoured: ${u.decision}${u.path ? ` in ${u.path}` : ""}: ${u.reason}`);
  }
  if (constraints !== undefined) {
    let c: Partial<ConstraintPairs>;
    try {
      c = JSON.parse(await Deno.readTextFile(constraints));
    } catch (e) {
      throw new ToolkitError(`${constraints}: not a constraints file (${(e as Error).message})`, {
        cause: e,
      });
    }
    for (const key of ["mustLink", "cannotLink"] as const) {
      const list = c[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((p) => Array.isArray(p) && p.length === 2)) {
        throw new ToolkitError(`${constraints}: "${key}" must be a list of [a, b] pairs`);
      }
      out[key].push(...list);
    }
  }
  return { file, constraints: out, notes };
}
