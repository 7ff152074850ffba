/**
 * The re-ranking parameters every graph method accepts (`rerank` = k1, `rerankK2`, `rerankLambda`),
 * declared once, and the re-ranked view of a matrix that a graph method then clusters
 * (k-reciprocal re-ranking itself is lib/graph/rerank.ts).
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { neighbours, rememberKnn } from "../graph/graph_cache.ts";
import { rerankKnn } from "../graph/rerank.ts";
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

const aliases = new WeakMap<Float32Array, Map<string, Matrix>>();

/**
 * A view of `x` (same rows, no copy) whose registered k-NN graph is `x`'s graph of `k` (at least
 * k1) neighbours re-ranked with `p`: a graph method run on it clusters the re-ranked graph.
 * Cached per matrix and parameters, so a sweep re-ranks once.
 */
export function rerankedView(x: Matrix, p: RerankParams, k: number): Matrix {
  const K = Math.max(k, p.rerank);
  const key = `${p.rerank}/${p.rerankK2}/${p.rerankLambda}/${K}`;
  let byKey = aliases.get(x.data);
  if (!byKey) aliases.set(x.data, byKey = new Map());
  const hit = byKey.get(key);
  if (hit) return hit;
  const view: Matrix = {
    rows: x.rows,
    cols: x.cols,
    data: new Float32Array(x.data.buffer, x.data.byteOffset, x.data.length),
  };
  if (x.rows > 1) {
    rememberKnn(
      view,
      rerankKnn(x, neighbours(x, K), { k1: p.rerank, k2: p.rerankK2, lambda: p.rerankLambda }),
    );
  }
  byKey.set(key, view);
  return view;
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
