/**
 * Which embeddings a sweep folder's results belong to. A sweep folder resumes the runs it holds,
 * so results made on other embeddings (other photos, other models) must not be mixed in: the
 * folder records a fingerprint of its embeddings, and `runSweep` (./runner.ts) refuses (or, asked to
 * restart, clears) a folder that belongs to others. The notebooks clear such a folder without
 * asking ({@link resetStaleSweep}), since their sweep folder follows their run folder.
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../util/hash.ts";

/** File in the sweep folder holding the fingerprint of its embeddings. */
export const FINGERPRINT_FILE = "embeddings.sha256";

/** The sweep's own outputs (lib/sweep/runner.ts), removed when stale. */
const SWEEP_OUTPUTS = ["runs.jsonl", "runs.csv", "runs.json", "best.json", "labels"];

/** SHA-256 of an embedding set's `vectors.npy` and `faces.jsonl` together. */
export async function embeddingsFingerprint(embeddingsDir: string): Promise<string> {
  const a = await Deno.readFile(join(embeddingsDir, "vectors.npy"));
  const b = await Deno.readFile(join(embeddingsDir, "faces.jsonl"));
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return await sha256Hex(both);
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
  const fingerprint = await embeddingsFingerprint(embeddingsDir);
  const before = await readText(join(sweepDir, FINGERPRINT_FILE));
  const rows = (await Deno.readTextFile(join(embeddingsDir, "faces.jsonl"))).split("\n")
    .filter((l) => l.trim() !== "").length;
  const stale = before === undefined
    ? await labelsDisagree(join(sweepDir, "labels"), rows)
    : before !== fingerprint;
  return { stale, fingerprint };
}

/** Removes a sweep folder's own outputs (other files stay); true when anything was removed. */
export async function clearSweep(sweepDir: string): Promise<boolean> {
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

/** Records that `sweepDir` belongs to the embeddings with this fingerprint. */
export async function recordSweepEmbeddings(sweepDir: string, fingerprint: string): Promise<void> {
  await Deno.mkdir(sweepDir, { recursive: true });
  await Deno.writeTextFile(join(sweepDir, FINGERPRINT_FILE), fingerprint + "\n");
}

/**
 * Makes `sweepDir` belong to the embeddings in `embeddingsDir`: results recorded for other
 * embeddings are removed. Results without a record are kept when their label files fit the
 * number of faces, and removed otherwise. Returns true when it removed anything. The
 * fingerprint is written either way.
 */
export async function resetStaleSweep(sweepDir: string, embeddingsDir: string): Promise<boolean> {
  const { stale, fingerprint } = await sweepIsStale(sweepDir, embeddingsDir);
  const removed = stale ? await clearSweep(sweepDir) : false;
  await recordSweepEmbeddings(sweepDir, fingerprint);
  return removed;
}
