/**
 * The k-NN graph of the exploration report (the map's layout, the nearest cluster of unassigned
 * faces, the internal metrics past their exact size): the run's own graph when it has one, else
 * one computed by lib/scale/policy.ts's rule, exact up to EXACT_KNN_MAX_ROWS faces and the IVF
 * graph (lib/scale/knn_ivf.ts) past it, so that no all-pairs work is done on a large run.
 * @module
 */
import { knnBruteForce, type KnnGraph, knnGraph, truncateKnn } from "../../graph/knn.ts";
import type { Matrix } from "../../matrix.ts";
import { loadSavedGraph, rowIds } from "../../run/saved_graph.ts";
import type { FaceMeta } from "../../store/embedding_set.ts";
import { ivfGraph } from "../../scale/knn_ivf.ts";
import { EXACT_KNN_MAX_ROWS } from "../../scale/policy.ts";

/** Up to this many faces, neighbours are found in plain JavaScript (no onnxruntime session). */
const SMALL_GRAPH_ROWS = 1500;

/** Where the report's graph came from. */
export type SiteGraphSource = "run" | "brute-force" | "exact" | "ivf";

/** Options of {@link siteGraph}. */
export interface SiteGraphOptions {
  /** The run's graph, when it has one: used (its first `k` neighbours) when it covers the faces. */
  given?: KnnGraph;
  /** Most faces for an exact graph; default lib/scale/policy.ts's EXACT_KNN_MAX_ROWS (tests lower it). */
  exactMaxRows?: number;
  /** Why a given graph was not used, and what was computed. */
  log?: (line: string) => void;
}

/** The report's k-NN graph of `x` with `k` neighbours, and where it came from. */
export async function siteGraph(
  x: Matrix,
  k: number,
  opts: SiteGraphOptions = {},
): Promise<{ graph: KnnGraph; source: SiteGraphSource }> {
  const n = x.rows;
  const g = opts.given;
  if (g && g.n === n && g.k >= k) return { graph: truncateKnn(g, k), source: "run" };
  if (g) {
    opts.log?.(
      `report: the run's graph (${g.n} rows, k=${g.k}) does not cover ${n} faces with k=${k}; computing one`,
    );
  }
  const exactMax = opts.exactMaxRows ?? EXACT_KNN_MAX_ROWS;
  if (n > exactMax) return { graph: (await ivfGraph(x, k)).graph, source: "ivf" };
  if (n <= SMALL_GRAPH_ROWS) return { graph: knnBruteForce(x, k), source: "brute-force" };
  return { graph: await knnGraph(x, k), source: "exact" };
}

/**
 * The run folder's saved graph (`<run>/knn/`, written by `deno task run`: lib/run/saved_graph.ts), or
 * undefined when there is none. A graph that cannot be read (damaged, foreign, truncated), or whose
 * rows are not the faces `faces` in their order (when given), is reported through `log` (naming the
 * file and the problem) and the report computes its own.
 */
export async function loadRunGraph(
  runDir: string,
  log: (line: string) => void = () => {},
  faces?: readonly Pick<FaceMeta, "imageId" | "face">[],
): Promise<KnnGraph | undefined> {
  const got = await loadSavedGraph(runDir);
  if (got.status === "unusable") log(`report: ${got.reason}; the report computes its own graph`);
  if (got.status !== "ok") return undefined;
  if (faces) {
    const ids = rowIds(faces), rows = got.saved.rows;
    if (ids.length !== rows.length || ids.some((id, i) => id !== rows[i])) {
      log(
        `report: ${runDir}/knn is not the graph of the run's faces (rows differ); the report computes its own`,
      );
      return undefined;
    }
  }
  return got.saved.graph;
}
