/**
 * The contract every clustering method follows.
 * @module
 */
import type { DistanceMatrix } from "../graph/distance_matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import type { Matrix } from "../matrix.ts";
import type { Random } from "../util/random.ts";

/** A declared constraint on one parameter, checked by {@link validateParams}. */
export type ParamSpec =
  | { type: "int"; min?: number; max?: number; description: string }
  | { type: "number"; min?: number; max?: number; exclusiveMin?: boolean; description: string }
  | { type: "enum"; values: readonly string[]; description: string }
  | { type: "boolean"; description: string };

/** What a clusterer gets besides its parameters. */
export interface ClusterInput {
  /** L2-normalised embeddings, one row per face. */
  x: Matrix;
  /**
   * Pairs of row indices that must never share a cluster (e.g. two faces of one photo),
   * as a flat list `[a0, b0, a1, b1, ...]`.
   */
  cannotLink?: Int32Array;
  /** Pairs that should share a cluster (from manual review), flat like `cannotLink`. */
  mustLink?: Int32Array;
  /**
   * The k-NN graph of `x`, for a clusterer that `needs: "graph"`: at least the neighbours its
   * parameters ask for ({@link Clusterer.graphK}); it uses the first ones of each row. Computed
   * once by the caller (`prepareInputs` in lib/cluster/prepare.ts) and shared by every run.
   */
  graph?: KnnGraph;
  /**
   * The full cosine-distance matrix of `x`, for a clusterer that `needs: "distances"`. Computed
   * once by the caller, read-only.
   */
  distances?: DistanceMatrix;
  /**
   * Labels to start from (one per row, -1 = own class), for an iterative clusterer that can
   * warm-start (Chinese whispers): e.g. the labels of a stricter threshold's run, so that a run
   * at a looser threshold converges in a few passes. Clusterers that cannot use it ignore it.
   */
  initialLabels?: Int32Array;
}

/**
 * What a clusterer reads besides the vectors, declared so that callers compute it once
 * (as scikit-learn's precomputed inputs): the k-NN graph, the dense distances, or nothing.
 */
export type ClusterNeeds = "graph" | "distances" | "vectors";

/** Run-time context: the only source of randomness, and a way to stop. */
export interface RunContext {
  /** Seeded random source; a clusterer uses no other. */
  random: Random;
  /** Aborts a long run. */
  signal?: AbortSignal;
}

/** A clustering method with declared, validated parameters. */
export interface Clusterer<P extends Record<string, unknown>> {
  /** Short stable name, e.g. `agglomerative`. */
  readonly name: string;
  /** Default parameters. */
  readonly defaults: P;
  /** One constraint per parameter. */
  readonly params: { readonly [K in keyof P]: ParamSpec };
  /** What the input must carry besides `x` (see {@link ClusterInput}). */
  readonly needs: ClusterNeeds;
  /** For `needs: "graph"`: the neighbours per row that a run with `params` (validated) reads. */
  graphK?(params: P): number;
  /**
   * True when the method keeps cannot-link pairs apart while clustering; the registry splits
   * the clusters of the others afterwards.
   */
  readonly enforcesCannotLink: boolean;
  /**
   * Clusters the input: one label per row, -1 for noise / unassigned. A missing `graph` or
   * `distances` is computed for small inputs and refused for large ones.
   */
  run(input: ClusterInput, params: P, ctx: RunContext): Promise<{ labels: Int32Array }>;
}

/**
 * Checks `params` against the declared `specs`, throwing a RangeError that names the
 * clusterer, the parameter and the allowed range. Unknown parameters are errors too.
 */
export function validateParams<P extends Record<string, unknown>>(
  name: string,
  specs: { readonly [K in keyof P]: ParamSpec },
  params: Record<string, unknown>,
): P {
  for (const key of Object.keys(params)) {
    if (!(key in specs)) {
      throw new RangeError(`${name}: unknown parameter "${key}" (known: ${Object.keys(specs).join(", ")})`);
    }
  }
  for (const [key, spec] of Object.entries(specs) as [string, ParamSpec][]) {
    const v = params[key];
    const where = `${name}: parameter "${key}" (${spec.description})`;
    switch (spec.type) {
      case "int":
      case "number": {
        if (typeof v !== "number" || Number.isNaN(v)) {
          throw new RangeError(`${where} must be a number, got ${JSON.stringify(v)}`);
        }
        if (spec.type === "int" && !Number.isInteger(v)) {
          throw new RangeError(`${where} must be an integer, got ${v}`);
        }
        if (spec.min !== undefined) {
          const bad = spec.type === "number" && spec.exclusiveMin ? v <= spec.min : v < spec.min;
          if (bad) {
            throw new RangeError(
              `${where} must be ${
                spec.type === "number" && spec.exclusiveMin ? ">" : ">="
              } ${spec.min}, got ${v}`,
            );
          }
        }
        if (spec.max !== undefined && v > spec.max) {
          throw new RangeError(`${where} must be <= ${spec.max}, got ${v}`);
        }
        break;
      }
      case "enum":
        if (typeof v !== "string" || !spec.values.includes(v)) {
          throw new RangeError(`${where} must be one of ${spec.values.join(", ")}, got ${JSON.stringify(v)}`);
        }
        break;
      case "boolean":
        if (typeof v !== "boolean") {
          throw new RangeError(`${where} must be true or false, got ${JSON.stringify(v)}`);
        }
        break;
    }
  }
  return params as P;
}
