/**
 * Which embeddings a sweep folder's results belong to. A sweep folder resumes the runs it holds,
 * so results made on other embeddings (other photos, other models) must not be mixed in: the
 * folder records a fingerprint of its embeddings, and `runSweep` (./runner.ts) refuses (or, asked to
 * restart, clears) a folder that belongs to others. The notebooks have it clear such a folder
 * without asking, since their sweep folder follows their run folder.
 * @module
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { ToolkitError } from "../errors.ts";

/** File in the sweep folder holding the fingerprint of its embeddings. */
export const FINGERPRINT_FILE = "embeddings.sha256";

/** The sweep's own outputs (lib/sweep/runner.ts), removed when stale. */
const SWEEP_OUTPUTS = ["runs.jsonl", "runs.csv", "runs.json", "best.json", "labels"];

/** Fingerprint and face count of an embedding set, each file read once. */
async function readFingerprint(embeddingsDir: string): Promise<{ fingerprint: string; rows: number }> {
  const vectors = await Deno.readFile(join(embeddingsDir, "vectors.npy"));
  const faces = await Deno.readFile(join(embeddingsDir, "faces.jsonl"));
  const fingerprint = createHash("sha256").update(vectors).update(faces).digest("hex");
  const rows = new TextDecoder().decode(faces).split("\n").filter((l) => l.trim() !== "").length;
  return { fingerprint, rows };
}

/** SHA-256 of an embedding set's `vectors.npy` and `faces.jsonl` together. */
export async function embeddingsFingerprint(embeddingsDir: string): Promise<string> {
  return (await readFingerprint(embeddingsDir)).fingerprint;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** True when some label file in `labelsDir` has a length other than `rows` faces. */
async function labelsDisagree(labelsDir: string, rows: number): Promise<boolean> {
  try {
    for await (const e of Deno.readDir(labelsDir)) {
      if (e.isFile && e.name.endsWith(".i32")) {
        return (await Deno.stat(join(labelsDir, e.name))).size !== rows * 4;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return false;
}

/**
 * Whether `sweepDir` holds results of other embeddings than those in `embeddingsDir`: its
 * recorded fingerprint differs, or (with no record, e.g. a sweep from before records were kept)
 * its label files do not fit the number of faces. Also returns the embeddings' fingerprint.
 */
export async function sweepIsStale(
  sweepDir: string,
  embeddingsDir: string,
): Promise<{ stale: boolean; fingerprint: string }> {
  const { fingerprint, rows } = await readFingerprint(embeddingsDir);
  const before = await readText(join(sweepDir, FINGERPRINT_FILE));
  const stale = before === undefined
    ? await labelsDisagree(join(sweepDir, "labels"), rows)
    : before !== fingerprint;
  return { stale, fingerprint };
}

/** Removes a sweep folder's own outputs (other files stay); true when anything was removed. */
async function clearSweep(sweepDir: string): Promise<boolean> {
  let removed = false;
  for (const name of SWEEP_OUTPUTS) {
    try {
      await Deno.remove(join(sweepDir, name), { recursive: true });
      removed = true;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return removed;
}

/** Options of {@link claimSweepFolder}. */
export interface ClaimOptions {
  /** What to do with results of other embeddings: clear them, or refuse (throw). */
  ifStale: "clear" | "refuse";
  /** Clear the folder's results whatever embeddings they belong to. @default false */
  restart?: boolean;
}

/**
 * Makes `sweepDir` belong to the embeddings in `embeddingsDir` and records it: results of
 * other embeddings are cleared or refused (see {@link ClaimOptions}). Results without a record
 * are kept when their label files fit the number of faces. Returns true when it removed
 * anything.
 */
export async function claimSweepFolder(
  sweepDir: string,
  embeddingsDir: string,
  opts: ClaimOptions,
): Promise<boolean> {
  const { stale, fingerprint } = await sweepIsStale(sweepDir, embeddingsDir);
  if (stale && !opts.restart && opts.ifStale === "refuse") {
    throw new ToolkitError(
      `${sweepDir} holds sweep results of other embeddings than ${embeddingsDir}; ` +
        `use another --out, or --restart to clear them`,
    );
  }
  const removed = stale || opts.restart ? await clearSweep(sweepDir) : false;
  await Deno.mkdir(sweepDir, { recursive: true });
  await Deno.writeTextFile(join(sweepDir, FINGERPRINT_FILE), fingerprint + "\n");
  return removed;
}

/** {@link claimSweepFolder} clearing results of other embeddings without asking. */
export function resetStaleSweep(sweepDir: string, embeddingsDir: string): Promise<boolean> {
  return claimSweepFolder(sweepDir, embeddingsDir, { ifStale: "clear" });
}
