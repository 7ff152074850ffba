/**
 * The clustering step of a run: the automatic choice (lib/select/choose.ts) unless a method or
 * parameters are given, in which case any registered clusterer runs with them.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { agglomerate, type AgglomerativeParams } from "../cluster/agglomerative.ts";
import { getClusterer, prepare, resolveParams, runClusterer } from "../cluster/registry.ts";
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

/**
 * Clusters `x` (faces `faces`; faces of one photo never share a cluster). With neither `method`
 * nor `overrides`, the clustering is chosen from the data; `overrides` alone (e.g. `threshold`,
 * `linkage`) apply to agglomerative clustering, as `--threshold`/`--linkage` always did.
 */
export async function clusterFaces(
  x: Matrix,
  faces: readonly FaceMeta[],
  method?: string,
  overrides: Record<string, unknown> = {},
): Promise<FaceClustering> {
  const cannotLink = samePhotoPairs(faces);
  const given = Object.keys(overrides).length > 0;
  if (method === undefined && !given) {
    const c = await chooseClustering(x, { imageOf: photoIndex(faces), cannotLink });
    return { method: c.method, params: c.params, labels: c.labels, summary: c.summary, choice: c.evidence };
  }
  const c = getClusterer(method ?? "agglomerative");
  const params = resolveParams(c, overrides);
  const summary = `${c.name}, parameters given (${method ? "--method" : "--threshold/--linkage"})`;
  if (x.rows === 0) return { method: c.name, params, labels: new Int32Array(0), summary };
  if (c.name === "agglomerative") {
    const labels = await agglomerate(x, params as AgglomerativeParams, cannotLink);
    return { method: c.name, params, labels, summary };
  }
  await prepare(x, [{ method: c.name, params }]);
  const { labels } = runClusterer(c, { x, cannotLink }, params, { random: seededRandom(1) });
  return { method: c.name, params, labels, summary };
}
