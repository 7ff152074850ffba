/**
 * The whole job: photos in, face clusters, CSV files and an HTML report out.
 * @module
 */
import type { FileFailure } from "../errors.ts";
import type { Matrix } from "../matrix.ts";
import { writeAssignmentsCsv, writeErrorsCsv } from "../run/csv.ts";
import { writeRunLabels } from "../run/labels.ts";
import { writeRunJson } from "../run/run_json.ts";
import { writeRunReport } from "../report/run/run_report.ts";
import type { ReportFace, RunReport } from "../run/types.ts";
import type { ImageSource } from "../sources/types.ts";
import { type FaceMeta, writeEmbeddingSet } from "../store/embedding_set.ts";
import { FaceStore } from "../store/face_store.ts";
import type { EmbeddingStore, StoreOpener } from "../store/types.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { adaptMatrix } from "../models/adapters.ts";
import { errorMessage } from "../errors.ts";
import { type EmbedOptions, embedPhotos, type EmbedResult } from "./embed_photos.ts";
import { joinThreshold, openReview, reviewClustering } from "../review/run_hook.ts";
import { graphLine, graphNeeds, obtainRunGraph, type RunGraph } from "./run_graph.ts";
import type { RunGraphRecord } from "../run/saved_graph.ts";

/** Options of {@link runPipeline}. */
export interface RunOptions extends Partial<EmbedOptions> {
  /** Output folder (created). */
  out: string;
  /**
   * Clustering method: a name registered in `lib/cluster/registry.ts` (e.g. `agglomerative`,
   * `chinese-whispers`). Undefined = chosen automatically from the run's own embeddings.
   */
  method?: string;
  /**
   * Parameters of the clustering that override the chosen (or the method's default) ones, e.g.
   * `{ threshold: 0.6, linkage: "average" }`.
   */
  cluster?: Record<string, unknown>;
  /**
   * Clusters with fewer faces than this are reported as not assigned (-1): a person seen once
   * is not a group. Metrics in `embeddings/` keep the raw labels. @default 2
   */
  minClusterSize?: number;
  /** Title of the report. */
  title?: string;
  /**
   * A trained adapter of the catalogue (`deno task learn`) applied to the vectors read from the
   * store (which keeps the embedder's own); `embeddings/` then holds the adapted vectors.
   */
  adapter?: string;
  /**
   * Opens the embedding store instead of the SQLite store under `storeDir`: e.g. the shared
   * PostgreSQL store, `storeOpener("postgres://user@host/db")` of ../store/open.ts. Whichever it
   * is, the run closes the store it opened when it ends, also when it fails.
   */
  openStore?: StoreOpener;
}

/** What a run produced. */
export interface RunSummary {
  /** Photos listed. */
  photos: number;
  /** Faces found. */
  faces: number;
  /** Clusters of at least `minClusterSize` faces. */
  clusters: number;
  /** Faces not in such a cluster. */
  unassigned: number;
  /** Photos without a face. */
  noFace: number;
  /** Files that failed. */
  failures: FileFailure[];
  /** Photos analysed in this run (the rest came from the store). */
  computed: number;
  /** Execution provider the models ran on. */
  provider: string;
  /** Seconds per stage. */
  timings: Record<string, number>;
  /** How the faces were clustered and why, e.g. "chinese-whispers, threshold 0.45 ..., chosen from the data: ...". */
  clustering: string;
  /** How the k-NN graph was obtained (built, grown, rebuilt and why); absent when the clustering reads none. */
  graph?: RunGraphRecord;
  /** Raw cluster label per face (singletons included), aligned with `embeddings/faces.jsonl`. */
  labels: Int32Array;
  /** Files written. */
  files: string[];
}

/**
 * The faces of an embed result as an embedding set (rows in listing order, then face order),
 * read from its store, whichever backend holds it.
 */
export async function facesOf(
  res: Pick<EmbedResult<EmbeddingStore>, "photos" | "store">,
): Promise<{ x: Matrix; faces: FaceMeta[] }> {
  const dim = res.store.dim;
  const faces: FaceMeta[] = [];
  const hashes: string[] = [];
  for (const p of res.photos) {
    if (!p.record || p.failure) continue;
    hashes.push(p.hash!);
    p.record.faces.forEach((f, i) => {
      faces.push({
        path: p.ref.path,
        face: i,
        imageId: p.hash!,
        label: p.ref.label,
        box: f.box,
        score: f.score,
        webUrl: p.ref.webUrl,
      });
    });
  }
  // Faces are addressed by (photo hash, face index): one row per face, photo by photo.
  const data = await res.store.vectors(hashes);
  return { x: { data, rows: faces.length, cols: dim }, faces };
}

/**
 * Runs the whole pipeline on `source` and writes into `opts.out`: `assignments.csv`,
 * `errors.csv`, `index.html` (+ assets), `embeddings/` (vectors.npy, faces.jsonl, thumbs.bin),
 * `labels.npy` (int32 raw cluster label per embedding row, singletons included) and `run.json`
 * (source, models, method, parameters, timings, photos without a face). The embedding store is
 * the SQLite one under `opts.storeDir`, or the one `opts.openStore` opens; it is closed when the
 * run ends, also on error.
 */
export async function runPipeline(source: ImageSource, opts: RunOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const storeDir = opts.storeDir ?? `${cacheDir()}/store`;
  const open: StoreOpener = opts.openStore ?? ((key, o) => FaceStore.open(storeDir, key, o));
  // The store the face stage opens, closed here however the run ends (a SQLite connection, a
  // PostgreSQL pool: a notebook running this again must not pile them up, nor a process wait on them).
  let opened: EmbeddingStore | undefined;
  try {
    return await runWith(source, {
      ...opts,
      storeDir,
      log,
      openStore: async (key, o) => (opened = await open(key, o)),
    });
  } finally {
    await opened?.close().catch((e) => log(`store ${opened!.location}: closing: ${errorMessage(e)}`));
  }
}

/** {@link runPipeline} with the store's opener given (the store left open). */
async function runWith(
  source: ImageSource,
  opts: RunOptions & { storeDir: string; log: (l: string) => void; openStore: StoreOpener },
): Promise<RunSummary> {
  const { log } = opts;
  await Deno.mkdir(opts.out, { recursive: true });
  // Review decisions of this run folder (read before embeddings/ is rewritten).
  const review = await openReview(opts.out, log);
  const res = await embedPhotos(source, opts);
  const read = await facesOf(res);
  const faces = read.faces;
  const x = await adaptMatrix(opts.adapter, read.x, { device: opts.device, log });
  // In the order of `faces`.
  const thumbs = await res.store.thumbnails(
    res.photos.flatMap((p) => (p.record && !p.failure ? [p.hash!] : [])),
  );
  await writeEmbeddingSet(`${opts.out}/embeddings`, { x, faces }, thumbs);

  const step = reviewClustering(review, x, faces);
  // The k-NN graph the clustering reads: the one saved in the run folder grown with the new
  // photos when it is still the graph of these faces, else built (./run_graph.ts).
  const need = graphNeeds(step.x.rows, opts.method, opts.cluster);
  let graph: RunGraph | undefined;
  if (need) {
    graph = await obtainRunGraph(step.x, step.faces, {
      runDir: opts.out,
      key: { store: res.store.keyId, dim: x.cols, adapter: opts.adapter ?? null },
      ...need,
    });
    log(graphLine(graph.record));
  }
  const t = performance.now();
  // The decisions' must-link and cannot-link pairs go into the clustering (the choice included).
  const clustering = await clusterFaces(step.x, step.faces, opts.method, opts.cluster, {
    cannotLink: step.cannotLink,
    mustLink: step.mustLink,
    graph: graph?.graph,
  });
  const { params } = clustering;
  log(`clustering: ${clustering.summary}`);

  // Clusters under the minimum size are not groups; the rest are renumbered largest first
  // (with decisions: people named or formed in review keep their faces and are always shown).
  const minSize = opts.minClusterSize ?? 2;
  const threshold = joinThreshold(clustering.method, params);
  const decided = step.finish(clustering.labels, { threshold, minClusterSize: minSize, log });
  const { labels, shown } = decided;
  const clusterSeconds = (performance.now() - t) / 1000;
  // Saved for the next run into this folder (atomically; a failure is logged, the run goes on).
  if (graph) log(`k-NN graph saved: ${await graph.save()}`);
  const clusterCount = shown.reduce((m, l) => Math.max(m, l + 1), 0);

  const reportFaces: ReportFace[] = faces.map((f, i) => ({
    path: f.path,
    face: f.face,
    box: { x: f.box![0], y: f.box![1], w: f.box![2], h: f.box![3] },
    score: f.score!,
    cluster: shown[i],
    ...(decided.names[i] ? { person: decided.names[i] } : {}),
    thumbnail: thumbs[i],
    webUrl: f.webUrl,
  }));
  const noFace = res.photos.filter((p) => p.record && !p.failure && p.record.faces.length === 0)
    .map((p) => ({ path: p.ref.path, webUrl: p.ref.webUrl }));
  const failures = res.photos.flatMap((p) => (p.failure ? [p.failure] : []));
  const timings = {
    ...res.timings,
    ...(graph ? { graph: graph.record.seconds } : {}),
    cluster: clusterSeconds,
  };
  const report: RunReport = {
    title: opts.title ?? "Faces grouped by person",
    source: source.description,
    models: opts.adapter ? [...res.models, opts.adapter] : res.models,
    createdAt: new Date().toISOString(),
    method: clustering.method,
    params: {
      ...params,
      minClusterSize: minSize,
      cannotLink: "faces of one photo",
      chosen: clustering.summary,
    },
    faceOptions: res.options,
    images: res.photos.length,
    faces: reportFaces,
    noFace,
    errors: failures,
    timings,
  };
  await writeRunLabels(opts.out, labels);
  const { faces: _f, noFace: _n, errors: _e, ...meta } = report;
  await writeRunJson(opts.out, {
    ...meta,
    provider: res.provider,
    noFace,
    counts: { faces: faces.length, clusters: clusterCount },
    choice: { summary: clustering.summary, ...(clustering.choice ?? {}) },
    ...(graph ? { graph: graph.record } : {}),
    ...(decided.decisions ? { people: decided.people, decisions: decided.decisions } : {}),
  });
  await writeAssignmentsCsv(`${opts.out}/assignments.csv`, report);
  await writeErrorsCsv(`${opts.out}/errors.csv`, failures);
  const written = await writeRunReport(opts.out, report);
  return {
    photos: res.photos.length,
    faces: faces.length,
    clusters: clusterCount,
    unassigned: shown.filter((l) => l < 0).length,
    noFace: noFace.length,
    failures,
    computed: res.computed,
    provider: res.provider,
    timings,
    clustering: clustering.summary,
    ...(graph ? { graph: graph.record } : {}),
    labels,
    files: [
      `${opts.out}/assignments.csv`,
      `${opts.out}/errors.csv`,
      `${opts.out}/labels.npy`,
      `${opts.out}/run.json`,
      ...written.files,
    ],
  };
}
