/**
 * The clustering step of a run: the automatic choice (lib/select/choose.ts) unless a method or
 * parameters are given, in which case any registered clusterer runs with them. Either way the
 * faces of one photo are kept apart, and the review decisions' constraints (must-link, cannot-link)
 * are passed in.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareInputs } from "../cluster/prepare.ts";
import { getClusterer, resolveParams, runClusterer } from "../cluster/registry.ts";
import { type FaceMeta, samePhotoPairs } from "../store/embedding_set.ts";
import { seededRandom } from "../util/random.ts";
import { type Choice, chooseClustering } from "./choose.ts";

/** How a run's faces were clustered. */
export interface FaceClustering {
  /** Registered method. */
  method: string;
  /** Its full parameters. */
  params: Record<string, unknown>;
  /** One label per face. */
  labels: Int32Array;
  /** One line: what ran and why (chosen from the data, or given). */
  summary: string;
  /** The automatic choice's evidence, when it was made. */
  choice?: Choice["evidence"];
}

/** Row index of each face's photo (faces of one photo share it). */
export function photoIndex(faces: readonly FaceMeta[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(faces, (f) => {
    let id = ids.get(f.imageId);
    if (id === undefined) ids.set(f.imageId, id = ids.size);
    return id;
  });
}

/** Constraints besides "faces of one photo apart", e.g. a review's decisions (lib/review/run_hook.ts). */
export interface FaceConstraints {
  /** Row pairs (flat) that must not share a cluster; faces of one photo are added to them. */
  cannotLink?: Int32Array;
  /** Row pairs (flat) that must share a cluster. */
  mustLink?: Int32Array;
  /**
   * The k-NN graph of `x` when already at hand (e.g. saved by an earlier run and grown with the new
   * photos, lib/scale/incremental.ts): used instead of computing one when it has enough neighbours.
   */
  graph?: KnnGraph;
}

/** The pairs of `a`, then those of `b` not already in `a` (either order). */
function union(a: Int32Array, b: Int32Array | undefined): Int32Array {
  if (!b || b.length === 0) return a;
  const key = (p: number, q: number) => (p < q ? `${p},${q}` : `${q},${p}`);
  const seen = new Set<string>();
  for (let i = 0; i + 1 < a.length; i += 2) seen.add(key(a[i], a[i + 1]));
  const out = Array.from(a);
  for (let i = 0; i + 1 < b.length; i += 2) {
    const k = key(b[i], b[i + 1]);
    if (!seen.has(k)) seen.add(k), out.push(b[i], b[i + 1]);
  }
  return Int32Array.from(out);
}

/**
 * Clusters `x` (faces `faces`; faces of one photo never share a cluster, nor do the pairs of
 * `constraints.cannotLink`; `constraints.mustLink` pairs share one). With neither `method` nor
 * `overrides`, the clustering is chosen from the data; `overrides` alone (e.g. `threshold`,
 * `linkage`) apply to agglomerative clustering, as `--threshold`/`--linkage` always did.
 */
export async function clusterFaces(
  x: Matrix,
  faces: readonly FaceMeta[],
  method?: string,
  overrides: Record<string, unknown> = {},
  constraints: FaceConstraints = {},
): Promise<FaceClustering> {
  const cannotLink = union(samePhotoPairs(faces), constraints.cannotLink);
  const mustLink = constraints.mustLink && constraints.mustLink.length > 0 ? constraints.mustLink : undefined;
  const given = Object.keys(overrides).length > 0;
  if (method === undefined && !given) {
    const c = await chooseClustering(x, {
      imageOf: photoIndex(faces),
      cannotLink,
      mustLink,
      graph: constraints.graph,
    });
    return { method: c.method, params: c.params, labels: c.labels, summary: c.summary, choice: c.evidence };
  }
  const c = getClusterer(method ?? "agglomerative");
  const params = resolveParams(c, overrides);
  const summary = `${c.name}, parameters given (${method ? "--method" : "--threshold/--linkage"})`;
  if (x.rows === 0) return { method: c.name, params, labels: new Int32Array(0), summary };
  const have = constraints.graph ? { graph: constraints.graph } : undefined;
  const prepared = await prepareInputs(x, [{ method: c.name, params }], { have });
  const { labels } = await runClusterer(c, { x, cannotLink, mustLink, ...prepared }, params, {
    random: seededRandom(1),
  });
  return { method: c.name, params, labels, summary };
}
