/**
 * The re-ranking parameters every graph method accepts (`rerank` = k1, `rerankK2`, `rerankLambda`),
 * declared once, and the re-ranked graph that a graph method then clusters
 * (k-reciprocal re-ranking itself is lib/graph/rerank.ts).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { rerankKnn } from "../graph/rerank.ts";
import { graphOf } from "./input.ts";
import type { ParamSpec } from "./types.ts";

/** The parameters a registered method accepts to re-rank its graph first; `rerank` 0 = off. */
export type RerankParams = { rerank: number; rerankK2: number; rerankLambda: number };

/** Defaults of the re-ranking parameters (re-ranking off). */
export const RERANK_DEFAULTS: RerankParams = { rerank: 0, rerankK2: 6, rerankLambda: 0.3 };

/** Declared constraints of the re-ranking parameters. */
export const RERANK_SPECS: { readonly [K in keyof RerankParams]: ParamSpec } = {
  rerank: { type: "int", min: 0, max: 500, description: "k1 of k-reciprocal re-ranking (0: off)" },
  rerankK2: { type: "int", min: 1, max: 100, description: "k2 (query expansion) of re-ranking" },
  rerankLambda: {
    type: "number",
    min: 0,
    max: 1,
    description: "weight of the cosine distance after re-ranking",
  },
};

/** True when `key` is one of the re-ranking parameters. */
export function isRerankParam(key: string): key is keyof RerankParams {
  return key in RERANK_SPECS;
}

const reranked = new WeakMap<KnnGraph, Map<string, KnnGraph>>();

/**
 * The graph `g` of `x` (at least `K = max(k, k1)` neighbours, else brute force on small inputs)
 * re-ranked with `p`, as a graph method then clusters it. Memoised per given graph object and
 * parameters, so that the runs of a sweep that share a graph and re-ranking parameters re-rank once.
 */
export function rerankGraph(x: Matrix, g: KnnGraph | undefined, p: RerankParams, k: number): KnnGraph {
  const K = Math.max(k, p.rerank);
  const base = graphOf({ x, graph: g }, K, "re-ranking");
  const key = `${p.rerank}/${p.rerankK2}/${p.rerankLambda}/${K}`;
  const memoKey = g ?? base;
  let byKey = reranked.get(memoKey);
  if (!byKey) reranked.set(memoKey, byKey = new Map());
  const hit = byKey.get(key);
  if (hit) return hit;
  const out = x.rows > 1
    ? rerankKnn(x, base, { k1: p.rerank, k2: p.rerankK2, lambda: p.rerankLambda })
    : base;
  byKey.set(key, out);
  return out;
}

/** Splits `params` into the re-ranking ones (undefined when none is given) and the rest. */
export function splitRerank(
  params: Record<string, unknown>,
): { rerank?: Partial<RerankParams>; rest: Record<string, unknown> } {
  const rest: Record<string, unknown> = {};
  let rerank: Partial<RerankParams> | undefined;
  for (const [k, v] of Object.entries(params)) {
    if (isRerankParam(k)) (rerank ??= {})[k] = v as number;
    else rest[k] = v;
  }
  return { rerank, rest };
}
