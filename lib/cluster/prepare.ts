/**
 * What a list of clustering runs needs besides the vectors, computed once for all of them (a
 * sweep's grid, the automatic choice's scan): the k-NN graph with the largest k any run reads,
 * and the dense distance matrix when a run `needs: "distances"` (and it fits).
 * @module
 */
import { type DistanceMatrix, distanceMatrix, MAX_DENSE_ROWS } from "../graph/distance_matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn, type PrepareKnnOptions } from "../graph/prepare_knn.ts";
import type { Matrix } from "../matrix.ts";
import { DENSE_MAX_ROWS, denseRefusal, scalePlan } from "../scale/policy.ts";
import { ivfGraph } from "../scale/knn_ivf.ts";
import { getClusterer, neighboursNeeded } from "./registry.ts";

/** One run to prepare for: a method's name and its parameters. */
export interface RunRequest {
  /** Registered method name. */
  readonly method: string;
  /** Its parameters (defaults filled in for the rest). */
  readonly params: Record<string, unknown>;
}

/** What a list of runs reads besides the vectors. */
export interface InputNeeds {
  /** Neighbours per row of the k-NN graph (0: none). */
  k: number;
  /** True when some run needs the dense distance matrix. */
  distances: boolean;
}

/** What `runs` need; throws on an unknown method or invalid parameters (naming them). */
export function inputNeeds(runs: readonly RunRequest[]): InputNeeds {
  let k = 0, distances = false;
  for (const r of runs) {
    const c = getClusterer(r.method);
    k = Math.max(k, neighboursNeeded(c, r.params));
    if (c.needs === "distances") distances = true;
  }
  return { k, distances };
}

/** The parts of a `ClusterInput` computed once for many runs. */
export interface PreparedInputs {
  /** The k-NN graph (k = the largest any run reads), when some run needs one. */
  graph?: KnnGraph;
  /** The dense distances, when some run needs them and there are at most `MAX_DENSE_ROWS` rows. */
  distances?: DistanceMatrix;
}

/** Options of {@link prepareInputs}. */
export interface PrepareOptions extends PrepareKnnOptions {
  /** Progress lines (what was computed, how long it took). */
  log?: (line: string) => void;
  /** Inputs already at hand (e.g. a graph loaded from disk): kept when they suffice, not recomputed. */
  have?: PreparedInputs;
}

/**
 * Computes, once, what `runs` need on `x`. A distance matrix too large for memory is left out:
 * the run that needs it then fails with the size limit in its message.
 */
export async function prepareInputs(
  x: Matrix,
  runs: readonly RunRequest[],
  opts: PrepareOptions = {},
): Promise<PreparedInputs> {
  const needs = inputNeeds(runs);
  const out: PreparedInputs = {};
  const have = opts.have ?? {};
  const want = Math.min(needs.k, Math.max(0, x.rows - 1));
  if (needs.k > 0 && have.graph && have.graph.n === x.rows && have.graph.k >= want) out.graph = have.graph;
  else if (needs.k > 0 && x.rows > 1) {
    const t0 = performance.now();
    // Past the exact-graph size of lib/scale/policy.ts, the IVF graph (unless asked otherwise).
    out.graph = opts.approximate === undefined && scalePlan(x.rows).approximateKnn
      ? (await ivfGraph(x, needs.k, { threads: opts.threads })).graph
      : await prepareKnn(x, needs.k, opts);
    opts.log?.(`k-NN graph k=${out.graph.k} over ${x.rows} rows in ${seconds(t0)} s`);
  }
  if (needs.distances && have.distances?.n === x.rows) out.distances = have.distances;
  else if (needs.distances && x.rows > Math.min(MAX_DENSE_ROWS, DENSE_MAX_ROWS)) {
    opts.log?.(denseRefusal("every method that needs the distance matrix", x.rows)!);
  } else if (needs.distances) {
    const t0 = performance.now();
    out.distances = await distanceMatrix(x, opts.threads ?? 0);
    opts.log?.(`distance matrix over ${x.rows} rows in ${seconds(t0)} s`);
  }
  return out;
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
