/**
 * Every clustering method by name, with one way to run any of them: defaults filled in,
 * parameters validated, shared precomputation (k-NN graph, distance matrix) prepared, and
 * constraints enforced after the fact for methods that cannot respect them while running.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { agglomerative } from "./agglomerative.ts";
import { chineseWhispers } from "./chinese_whispers.ts";
import { enforceConstraints, violations } from "./constraints.ts";
import { dbscan } from "./dbscan.ts";
import { cosineDistances, MAX_DENSE_ROWS } from "../graph/distance_matrix.ts";
import { graphAgglomerative } from "./graph_agglomerative.ts";
import { prepareKnn } from "../graph/graph_cache.ts";
import { hdbscan } from "./hdbscan.ts";
import type { KnnOptions } from "../graph/knn.ts";
import { kmeans } from "./kmeans.ts";
import { louvain } from "./louvain.ts";
import { optics } from "./optics.ts";
import { rankOrder } from "./rank_order.ts";
import {
  RERANK_DEFAULTS,
  RERANK_SPECS,
  rerankedView,
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

/** Methods that respect cannot-link pairs while clustering (others are split afterwards). */
export const NATIVE_CANNOT_LINK: ReadonlySet<string> = new Set([
  "dbscan",
  "chinese-whispers",
  "louvain",
  "rank-order",
  "graph-agglomerative",
  "agglomerative",
]);

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
  if (!("neighbours" in c.params)) {
    throw new RangeError(`${c.name}: re-ranking (rerank, rerankK2, rerankLambda) needs a graph method`);
  }
  return { ...p, ...validateParams(c.name, RERANK_SPECS, { ...RERANK_DEFAULTS, ...rerank }) };
}

/** The k-NN graph size a run needs (0 when it uses none). */
export function neighboursNeeded(c: AnyClusterer, params: Record<string, unknown>): number {
  const p = resolveParams(c, params);
  if (typeof p.neighbours !== "number") return 0;
  const ms = typeof p.minSamples === "number" ? p.minSamples - 1 : 0;
  return Math.max(p.neighbours, ms, typeof p.rerank === "number" ? p.rerank : 0);
}

/**
 * Computes, once, what the runs of `c` with `params` share: the k-NN graph with
 * onnxruntime, or the dense distance matrix for exact agglomerative clustering.
 */
export async function prepare(
  x: Matrix,
  runs: readonly { method: string; params: Record<string, unknown> }[],
  opts: KnnOptions = {},
): Promise<void> {
  let k = 0, dense = false;
  for (const r of runs) {
    const c = getClusterer(r.method);
    k = Math.max(k, neighboursNeeded(c, r.params));
    if (c.name === "agglomerative") dense = true;
  }
  if (k > 0) await prepareKnn(x, k, opts);
  if (dense && x.rows <= MAX_DENSE_ROWS) await cosineDistances(x, opts.threads ?? 0);
}

/** Result of {@link runClusterer}. */
export interface ClusterRun {
  /** Final labels (constraints enforced), -1 for noise. */
  labels: Int32Array;
  /** Cannot-link violations the method itself left (fixed by splitting). */
  violationsFixed: number;
}

/**
 * Runs `c` with defaults overlaid by `params` (validated), then enforces must-link and
 * cannot-link constraints after the fact where the method left them unmet.
 */
export function runClusterer(
  c: AnyClusterer,
  input: ClusterInput,
  params: Record<string, unknown>,
  ctx: RunContext,
): ClusterRun {
  const { rerank, rest: p } = splitRerank(resolveParams(c, params));
  const view = rerank && rerank.rerank! > 0
    ? { ...input, x: rerankedView(input.x, rerank as RerankParams, neighboursNeeded(c, p)) }
    : input;
  const { labels } = c.run(view, p, ctx);
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
