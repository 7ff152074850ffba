/**
 * The run's k-NN graph: built, or grown from the one an earlier run saved into the same run folder
 * (lib/run/saved_graph.ts), so that adding photos to a large run costs in proportion to the new
 * photos.
 *
 * A saved graph is grown only when it is the graph of the same thing: the same store key (models,
 * face options), embedding length, adapter, k, and exact-or-approximate, and every one of its rows
 * (faces, by photo hash and face index) is still in the new set, in any order. Its similarities
 * are then checked against the new vectors on a sample of rows, so that vectors that changed under
 * the same ids (an adapter retrained under its old name) are caught too. The saved rows are
 * matched to the new set's rows, the graph is grown with the rest (lib/scale/incremental.ts
 * `growExact` up to the exact-graph size, lib/scale/knn_ivf.ts `growIvf` past it) and put into the
 * new set's row order. Anything else (photos removed, another key, another k, a damaged file)
 * rebuilds the graph and says why; a stale graph is never used.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import { inputNeeds } from "../cluster/prepare.ts";
import { getClusterer, resolveParams } from "../cluster/registry.ts";
import { growExact } from "../scale/incremental.ts";
import { growIvf, ivfGraph, type IvfIndex } from "../scale/knn_ivf.ts";
import { scalePlan } from "../scale/policy.ts";
import { choiceNeighbours } from "../select/choose.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import {
  type GraphToSave,
  loadSavedGraph,
  rowIds,
  type RunGraphRecord,
  SAVED_GRAPH_DIR,
  SAVED_GRAPH_MANIFEST,
  type SavedGraph,
  type SavedGraphKey,
  saveRunGraph,
} from "../run/saved_graph.ts";
import { errorMessage } from "../errors.ts";

/** The graph a clustering reads: its k and whether it is approximate; undefined when it reads none. */
export function graphNeeds(
  rows: number,
  method?: string,
  overrides: Record<string, unknown> = {},
): { k: number; approximate: boolean } | undefined {
  if (rows <= 1) return undefined;
  const given = Object.keys(overrides).length > 0;
  // The automatic choice's k (lib/select/choose.ts): 64, 32 past 50,000 faces.
  let k = choiceNeighbours(rows);
  if (method !== undefined || given) {
    // As lib/select/cluster_faces.ts: a given method (or agglomerative for --threshold/--linkage).
    const c = getClusterer(method ?? "agglomerative");
    k = inputNeeds([{ method: c.name, params: resolveParams(c, overrides) }]).k;
  }
  if (k <= 0) return undefined;
  return { k, approximate: scalePlan(rows).approximateKnn };
}

/** Options of {@link obtainRunGraph}. */
export interface ObtainOptions {
  /** The run folder (where the graph is saved). */
  runDir: string;
  /** The store key, embedding length and adapter of the vectors (k and approximate are added). */
  key: Omit<SavedGraphKey, "k" | "approximate">;
  /** Neighbours asked for. */
  k: number;
  /** An approximate (IVF) graph (default: past lib/scale/policy.ts's exact-graph size). */
  approximate?: boolean;
  /** Rows whose saved similarities are checked against the vectors (default 256). */
  checkRows?: number;
  /** onnxruntime threads. */
  threads?: number;
}

/** The run's graph, how it was obtained, and how to save it. */
export interface RunGraph {
  /** The graph of `x`, in `x`'s row order. */
  graph: KnnGraph;
  /** How it was obtained (run.json's `graph`; `saved` is filled in by {@link RunGraph.save}). */
  record: RunGraphRecord;
  /**
   * Saves it into the run folder (nothing to write when a grown graph is the saved one unchanged);
   * a failure is not thrown: `record.saved` and the returned line say what went wrong.
   */
  save(): Promise<string>;
}

/** Rows where the saved graph does not fit its manifest (indices, order, self-loops); undefined when sound. */
function structuralProblem(g: KnnGraph, k: number): string | undefined {
  if (g.k !== Math.min(k, Math.max(0, g.n - 1))) return `k is ${g.k}, expected min(${k}, rows - 1)`;
  for (let i = 0; i < g.n; i++) {
    let prev = Infinity;
    for (let t = 0; t < g.k; t++) {
      const j = g.indices[i * g.k + t], s = g.sims[i * g.k + t];
      if (j === -1) {
        prev = -Infinity;
        continue;
      }
      if (j < 0 || j >= g.n || j === i || !Number.isFinite(s) || s > prev + 1e-6 || prev === -Infinity) {
        return `row ${i}'s neighbour list is not a sorted list of other rows`;
      }
      prev = s;
    }
  }
  return undefined;
}

/** Saved similarities that differ from the vectors' dot products, on `count` rows spread over the graph. */
function similarityProblem(g: KnnGraph, x: Matrix, count: number): string | undefined {
  const d = x.cols, step = Math.max(1, Math.floor(g.n / Math.max(1, count)));
  for (let i = 0; i < g.n; i += step) {
    for (let t = 0; t < g.k; t++) {
      const j = g.indices[i * g.k + t];
      if (j < 0) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += x.data[i * d + c] * x.data[j * d + c];
      if (Math.abs(s - g.sims[i * g.k + t]) > 1e-3) {
        return `the saved similarity of rows ${i} and ${j} is ${g.sims[i * g.k + t].toFixed(4)}, ` +
          `the vectors give ${s.toFixed(4)} (the embeddings changed)`;
      }
    }
  }
  return undefined;
}

/** Rows of `x` in the order `order` (new matrix; `x` itself when the order is the identity). */
function gatherRows(x: Matrix, order: Int32Array): Matrix {
  if (order.every((r, i) => r === i)) return x;
  const d = x.cols, data = new Float32Array(order.length * d);
  for (let p = 0; p < order.length; p++) data.set(x.data.subarray(order[p] * d, (order[p] + 1) * d), p * d);
  return { data, rows: order.length, cols: d };
}

/** `g` (rows in the order `order`: row p is row order[p] of the set) in the set's own row order. */
function reorderGraph(g: KnnGraph, order: Int32Array): KnnGraph {
  const k = g.k, indices = new Int32Array(g.n * k), sims = new Float32Array(g.n * k);
  for (let p = 0; p < g.n; p++) {
    const o = order[p] * k;
    for (let t = 0; t < k; t++) {
      const j = g.indices[p * k + t];
      indices[o + t] = j < 0 ? -1 : order[j];
      sims[o + t] = g.sims[p * k + t];
    }
  }
  return { n: g.n, k, indices, sims };
}

/** `idx` (rows in the order `order`) in the set's own row order. */
function reorderIvf(idx: IvfIndex, order: Int32Array): IvfIndex {
  const sp = idx.spill, cellOf = new Int32Array(order.length), listedIn = new Int32Array(order.length * sp);
  for (let p = 0; p < order.length; p++) {
    cellOf[order[p]] = idx.cellOf[p];
    listedIn.set(idx.listedIn.subarray(p * sp, (p + 1) * sp), order[p] * sp);
  }
  return { ...idx, cellOf, listedIn };
}

/**
 * `g` with `k` slots per row (k > g.k): only for a graph that lists every other row (g.k = n - 1,
 * a set smaller than k), whose lists stay exact with empty slots to fill.
 */
function roomFor(g: KnnGraph, k: number): KnnGraph {
  const indices = new Int32Array(g.n * k).fill(-1), sims = new Float32Array(g.n * k).fill(-Infinity);
  for (let i = 0; i < g.n; i++) {
    indices.set(g.indices.subarray(i * g.k, (i + 1) * g.k), i * k);
    sims.set(g.sims.subarray(i * g.k, (i + 1) * g.k), i * k);
  }
  return { n: g.n, k, indices, sims };
}

/** Why `saved` cannot be grown into the graph of `ids` under `key`; or the matching of its rows. */
function match(
  saved: SavedGraph,
  key: SavedGraphKey,
  ids: readonly string[],
): { reason: string } | { order: Int32Array } {
  const m = saved.manifest;
  if (m.store !== key.store) return { reason: `the store key differs (saved ${m.store}, now ${key.store})` };
  if (m.dim !== key.dim) return { reason: `the embedding length differs (saved ${m.dim}, now ${key.dim})` };
  if (m.adapter !== key.adapter) {
    return { reason: `the adapter differs (saved ${m.adapter ?? "none"}, now ${key.adapter ?? "none"})` };
  }
  if (m.k !== key.k) return { reason: `k differs (saved ${m.k}, now ${key.k})` };
  if (m.approximate !== key.approximate) {
    return {
      reason: key.approximate
        ? `the set is past the exact-graph size (${ids.length} faces): the saved graph is exact`
        : `the saved graph is approximate, this set (${ids.length} faces) gets the exact one`,
    };
  }
  if (m.approximate && ids.length > 2 * (m.cellsTrainedOn ?? m.rows)) {
    return {
      reason: `the set (${ids.length} faces) is more than twice the ${m.cellsTrainedOn ?? m.rows} ` +
        `the IVF cells were trained on`,
    };
  }
  const at = new Map<string, number>();
  ids.forEach((id, i) => at.set(id, i));
  const n = saved.rows.length;
  const order = new Int32Array(ids.length);
  const taken = new Uint8Array(ids.length);
  let missing = 0, example = "";
  for (let p = 0; p < n; p++) {
    const r = at.get(saved.rows[p]);
    if (r === undefined || taken[r]) {
      if (missing++ === 0) example = saved.rows[p];
      continue;
    }
    order[p] = r;
    taken[r] = 1;
  }
  if (missing > 0) {
    return {
      reason: `${missing} of the saved graph's ${n} faces are no longer in the set ` +
        `(photos removed or changed, e.g. ${example})`,
    };
  }
  let p = n;
  for (let r = 0; r < ids.length; r++) if (!taken[r]) order[p++] = r;
  return { order };
}

async function build(x: Matrix, key: SavedGraphKey, threads?: number) {
  if (key.approximate) {
    const { graph, index } = await ivfGraph(x, key.k, { threads });
    return { graph, ivf: index };
  }
  return { graph: await prepareKnn(x, key.k, { threads }) };
}

/**
 * The k-NN graph of `x` (rows `faces`) for this run: the saved one of `opts.runDir` grown with
 * the new rows when it fits (see the module doc), else built (`built` when nothing was saved,
 * `rebuilt` with the reason when a saved graph could not be used).
 */
export async function obtainRunGraph(
  x: Matrix,
  faces: readonly Pick<FaceMeta, "imageId" | "face">[],
  opts: ObtainOptions,
): Promise<RunGraph> {
  const t0 = performance.now();
  const key: SavedGraphKey = {
    ...opts.key,
    k: opts.k,
    approximate: opts.approximate ?? scalePlan(x.rows).approximateKnn,
  };
  const ids = rowIds(faces);
  const loaded = await loadSavedGraph(opts.runDir);
  let reason: string | undefined = loaded.status === "unusable" ? loaded.reason : undefined;
  let grown: { graph: KnnGraph; ivf?: IvfIndex; from: number; changed: number; same: boolean } | undefined;
  let cellsTrainedOn: number | undefined;
  if (loaded.status === "ok") {
    const saved = loaded.saved;
    const m = match(saved, key, ids);
    const bad = "reason" in m ? m.reason : structuralProblem(saved.graph, key.k);
    if (bad) reason = "reason" in m ? bad : `${opts.runDir}/knn: ${bad}`;
    else {
      const order = (m as { order: Int32Array }).order;
      const xp = gatherRows(x, order);
      const stale = similarityProblem(saved.graph, xp, opts.checkRows ?? 256);
      if (stale) reason = stale;
      else {
        const n = saved.graph.n;
        const want = Math.min(key.k, x.rows - 1);
        const start = want > saved.graph.k ? roomFor(saved.graph, want) : saved.graph;
        const growth = key.approximate
          ? await growIvf(start, xp, saved.ivf!, opts.threads)
          : await growExact(start, xp, opts.threads);
        grown = {
          graph: reorderGraph(growth.graph, order),
          ivf: saved.ivf ? reorderIvf(saved.ivf, order) : undefined,
          from: n,
          changed: growth.changedOldRows,
          same: n === x.rows && xp === x,
        };
        cellsTrainedOn = saved.manifest.cellsTrainedOn;
      }
    }
  }
  let graph: KnnGraph, ivf: IvfIndex | undefined;
  let how: Pick<RunGraphRecord, "how" | "summary" | "reason" | "fromRows" | "newRows" | "changedOldRows">;
  if (grown) {
    graph = grown.graph;
    ivf = grown.ivf;
    const added = x.rows - grown.from;
    how = {
      how: "grown",
      summary: `grown from ${grown.from} rows with ${added} new`,
      fromRows: grown.from,
      newRows: added,
      changedOldRows: grown.changed,
    };
  } else {
    ({ graph, ivf } = await build(x, key, opts.threads));
    cellsTrainedOn = x.rows;
    how = reason === undefined
      ? { how: "built", summary: "built (no saved graph)" }
      : { how: "rebuilt", summary: `rebuilt because ${reason}`, reason };
  }
  const record: RunGraphRecord = {
    ...how,
    rows: x.rows,
    k: graph.k,
    approximate: key.approximate,
    seconds: +((performance.now() - t0) / 1000).toFixed(3),
  };
  const toSave: GraphToSave = { key, rows: ids, graph, ...(ivf ? { ivf, cellsTrainedOn } : {}) };
  return {
    graph,
    record,
    async save() {
      if (grown?.same) {
        record.saved = `${SAVED_GRAPH_DIR}/${SAVED_GRAPH_MANIFEST} (unchanged)`;
        return `${opts.runDir}/${record.saved}`;
      }
      try {
        record.saved = await saveRunGraph(opts.runDir, toSave);
        return `${opts.runDir}/${record.saved}`;
      } catch (e) {
        record.saved = `not saved: ${errorMessage(e)}`;
        return `k-NN graph ${record.saved}`;
      }
    },
  };
}

/** One line for the run log: how the graph was obtained, its size and time. */
export function graphLine(r: RunGraphRecord): string {
  return `k-NN graph: ${r.summary} (${r.rows} rows, k=${r.k}, ${r.approximate ? "IVF" : "exact"}) in ` +
    `${r.seconds.toFixed(2)} s`;
}
