/**
 * The real embeddings a synthetic large set is grown from: embedding sets written by runs of the
 * toolkit over labelled photo folders (by default those of `deno task bench:devsets`, LFW and pins,
 * under reports/bench/devsets/<set>/run/embeddings). One face per photo (the largest box), labelled
 * by its set and folder; sets that are absent are reported, not fatal.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { readEmbeddingSet } from "../store/embedding_set.ts";
import type { BaseSet } from "./synthetic.ts";

/** The embedding sets looked for by default (relative to the repository root). */
export const DEFAULT_BASE_DIRS: readonly string[] = [
  "reports/bench/devsets/lfw/run/embeddings",
  "reports/bench/devsets/pins/run/embeddings",
];

/** A loaded base, with what was read and what was missing. */
export interface LoadedBase extends BaseSet {
  /** Directories read, with their faces kept. */
  read: { dir: string; faces: number; identities: number }[];
  /** Directories missing or unreadable, with why. */
  missing: { dir: string; why: string }[];
}

/** Reads `dirs` (embedding set directories), keeping the largest labelled face of each photo. */
export async function loadBase(dirs: readonly string[]): Promise<LoadedBase> {
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  const ids = new Map<string, number>();
  const read: LoadedBase["read"] = [], missing: LoadedBase["missing"] = [];
  let d = 0;
  for (const dir of dirs) {
    let set;
    try {
      set = await readEmbeddingSet(dir);
    } catch (e) {
      missing.push({
        dir,
        why: e instanceof Deno.errors.NotFound ? "not found" : String((e as Error).message ?? e),
      });
      continue;
    }
    if (d !== 0 && set.x.cols !== d) {
      missing.push({ dir, why: `vectors of ${set.x.cols} dimensions, the others ${d}` });
      continue;
    }
    d = set.x.cols;
    const best = new Map<string, number>();
    set.faces.forEach((f, i) => {
      if (f.label === undefined) return;
      const j = best.get(f.imageId);
      const area = (k: number) => (set.faces[k].box ? set.faces[k].box![2] * set.faces[k].box![3] : 0);
      if (j === undefined || area(i) > area(j)) best.set(f.imageId, i);
    });
    const before = ids.size;
    for (const i of best.values()) {
      const key = `${dir}\u0000${set.faces[i].label}`;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, id = ids.size);
      labels.push(id);
      rows.push(set.x.data.subarray(i * d, (i + 1) * d));
    }
    read.push({ dir, faces: best.size, identities: ids.size - before });
  }
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(r, i * d));
  const x: Matrix = { data, rows: rows.length, cols: d };
  return { x, labels: Int32Array.from(labels), read, missing };
}
