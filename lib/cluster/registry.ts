/**
 * Every clustering method by name, with one way to run any of them: defaults filled in,
 * parameters validated, the k-NN graph re-ranked when asked, and constraints enforced after the
 * fact for methods that do not enforce them while running. What a method reads besides the
 * vectors (its declared `needs`) comes in its input, computed once by the caller (prepare.ts).
 * @module
 */
import { agglomerative } from "./agglomerative.ts";
import { chineseWhispers } from "./chinese_whispers.ts";
import { enforceConstraints, violations } from "./constraints.ts";
import { dbscan } from "./dbscan.ts";
import { distanceMatrix } from "../graph/distance_matrix.ts";
import { graphAgglomerative } from "./graph_agglomerative.ts";
import { hdbscan } from "./hdbscan.ts";
import { knnGraph } from "../graph/knn.ts";
import { MAX_ROWS_UNPREPARED } from "./input.ts";
import { kmeans } from "./kmeans.ts";
import { louvain } from "./louvain.ts";
import { optics } from "./optics.ts";
import { rankOrder } from "./rank_order.ts";
import {
  RERANK_DEFAULTS,
  RERANK_SPECS,
  rerankGraph,
  type RerankParams,
  splitRerank,
} from "./rerank_params.ts";
import { type Clusterer, type ClusterInput, type RunContext, validateParams } from "./types.ts";

/** A clusterer with its parameter types erased, as the registry holds them. */
export type AnyClusterer = Clusterer<Record<string, unknown>>;

/** Every registered method. */
export const CLUSTERERS: readonly AnyClusterer[] = [
  dbscan,
  optics,
  hdbscan,
  kmeans,
  chineseWhispers,
  louvain,
  rankOrder,
  graphAgglomerative,
  agglomerative,
] as unknown as AnyClusterer[];

/** The method called `name`; throws a RangeError listing the known names otherwise. */
export function getClusterer(name: string): AnyClusterer {
  const c = CLUSTERERS.find((m) => m.name === name);
  if (!c) {
    throw new RangeError(
      `unknown clustering method "${name}" (known: ${CLUSTERERS.map((m) => m.name).join(", ")})`,
    );
  }
  return c;
}

/**
 * Defaults overlaid with `params`, validated. A graph method (one with `neighbours`) also takes
 * the re-ranking parameters of lib/cluster/rerank_params.ts (`rerank` = k1, `rerankK2`, `rerankLambda`).
 */
export function resolveParams(
  c: AnyClusterer,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  const { rerank, rest } = splitRerank(params);
  const p = validateParams(c.name, c.params, { ...c.defaults, ...rest });
  if (!rerank) return p;
  if (c.needs !== "graph") {
    throw new RangeError(`${c.name}: re-ranking (rerank, rerankK2, rerankLambda) needs a graph method`);
  }
  return { ...p, ...validateParams(c.name, RERANK_SPECS, { ...RERANK_DEFAULTS, ...rerank }) };
}

/** The k-NN graph size a run needs (0 when it uses none): the method's own, or re-ranking's k1. */
export function neighboursNeeded(c: AnyClusterer, params: Record<string, unknown>): number {
  if (c.needs !== "graph") return 0;
  const { rerank, rest } = splitRerank(resolveParams(c, params));
  const own = c.graphK ? c.graphK(rest) : 0;
  return Math.max(own, typeof rerank?.rerank === "number" ? rerank.rerank : 0);
}

/**
 * The input with what `c` needs added where missing on a large input (the k-NN graph with
 * onnxruntime, the distance matrix), so that a run given only `x` still works; small inputs are
 * left to the clusterer (brute force). Callers of many runs compute these once instead
 * (`prepareInputs` in prepare.ts).
 */
async function completeInput(
  c: AnyClusterer,
  input: ClusterInput,
  params: Record<string, unknown>,
): Promise<ClusterInput> {
  const x = input.x;
  if (x.rows <= MAX_ROWS_UNPREPARED) return input;
  if (c.needs === "graph") {
    const k = neighboursNeeded(c, params);
    const want = Math.min(k, Math.max(0, x.rows - 1));
    if (k > 0 && (!input.graph || input.graph.k < want)) return { ...input, graph: await knnGraph(x, k) };
  }
  if (c.needs === "distances" && !input.distances) return { ...input, distances: await distanceMatrix(x) };
  return input;
}

/** Result of {@link runClusterer}. */
export interface ClusterRun {
  /** Final labels (constraints enforced), -1 for noise. */
  labels: Int32Array;
  /** Cannot-link violations the method itself left (fixed by splitting). */
  violationsFixed: number;
}

/**
 * Runs `c` with defaults overlaid by `params` (validated) on `input` (its `graph` re-ranked first
 * when the parameters ask for it), then enforces must-link and cannot-link constraints after the
 * fact where the method left them unmet.
 */
export async function runClusterer(
  c: AnyClusterer,
  input: ClusterInput,
  params: Record<string, unknown>,
  ctx: RunContext,
): Promise<ClusterRun> {
  const { rerank, rest: p } = splitRerank(resolveParams(c, params));
  const ready = await completeInput(c, input, params);
  const view = rerank && rerank.rerank! > 0
    ? { ...ready, graph: rerankGraph(ready.x, ready.graph, rerank as RerankParams, neighboursNeeded(c, p)) }
    : ready;
  const { labels } = await c.run(view, p, ctx);
  if (labels.length !== input.x.rows) {
    throw new RangeError(`${c.name}: returned ${labels.length} labels for ${input.x.rows} rows`);
  }
  const v = violations(labels, input.cannotLink);
  const hasMust = input.mustLink !== undefined && input.mustLink.length > 0;
  if (v === 0 && !hasMust) return { labels, violationsFixed: 0 };
  return {
    labels: enforceConstraints(input.x, labels, input.cannotLink, input.mustLink),
    violationsFixed: v,
  };
}
