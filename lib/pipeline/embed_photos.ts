/**
 * The face stage over a whole source: every photo read, hashed, looked up in the store, and
 * (if new) decoded and analysed; per-file failures recorded and the run goes on.
 * @module
 */
import { errorMessage, type FileFailure, FileStageError, type Stage } from "../errors.ts";
import { type AnalyzerOptions, FaceAnalyzer } from "../faces/analyzer.ts";
import { decodeImage, DEFAULT_MAX_PIXELS } from "../images/decode.ts";
import { DETECTOR_DEFAULTS, type DetectorOptions } from "../faces/detector.ts";
import { type AlignedMode, sampleAligned } from "../faces/aligned_input.ts";
import { withDefaults } from "../util/defaults.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import { FaceStore } from "../store/face_store.ts";
import type { EmbeddingStore, FaceToStore, StoredImage, StoreOpener } from "../store/types.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { AnalyzePool } from "./analyze_pool.ts";
import { sha256Hex } from "../util/hash.ts";
import { Progress } from "../util/progress.ts";
import { TTA_KEY, ttaKey } from "../faces/tta.ts";

/**
 * Test-time augmentation (lib/faces/tta.ts: the crop and a zoomed-out view, each with its mirror)
 * is on unless a run says otherwise: with the automatic choice it scores higher on both development
 * sets (LFW, pins) and lower on two simulated regimes with strangers (README, "How the clustering
 * is chosen"); its cost is in the README ("Test-time augmentation").
 */
export const DEFAULT_TTA = true;

/** Options of {@link embedPhotos}. */
export interface EmbedOptions extends AnalyzerOptions {
  /** Root folder of embedding stores (the SQLite store; unused when `openStore` is given). */
  storeDir: string;
  /** Pixel limit for decoding. @default 100 megapixels */
  maxPixels?: number;
  /**
   * Photos are decoded with the long side at most this many pixels (JPEG shrink-on-load);
   * faces smaller than the embedder's input there are cropped from the full resolution.
   * @default 1280
   */
  maxSide?: number;
  /**
   * Face workers (each decodes and analyses photos with its own single-threaded models, so
   * that every core is busy); 0 runs everything in this thread.
   * @default the number of cores
   */
  workers?: number;
  /** Photos in flight at once. @default 2 per worker on the CPU, 4 per worker on a GPU (2 without workers) */
  concurrency?: number;
  /**
   * `on`: every image is an already aligned face crop, embedded directly (no detection, no
   * re-alignment); `off`: photos; `auto`: `on` when a sample of the listed images are (nearly)
   * all squares of the embedder's input size (112x112). Replaces `alignedInput`. @default "auto"
   */
  aligned?: AlignedMode;
  /** Show progress lines. @default true */
  progress?: boolean;
  /** Stops the run; what is stored stays stored. */
  signal?: AbortSignal;
}

/** The outcome for one listed photo. */
export interface PhotoResult {
  /** The photo. */
  ref: ImageRef;
  /** Content hash, when the bytes could be read. */
  hash?: string;
  /** What the store holds for it (faces, or a decode error). */
  record?: StoredImage;
  /** Why it failed, if it did. */
  failure?: FileFailure;
}

/** {@link EmbedOptions} with the store to use instead of the SQLite store under `storeDir`. */
export interface EmbedIntoOptions extends EmbedOptions {
  /**
   * Opens the store (e.g. the shared PostgreSQL store of ../store/postgres/, through
   * `storeOpener(url)` of ../store/open.ts).
   */
  openStore: StoreOpener;
}

/** What {@link embedPhotos} returns (`S`: the store's type, the SQLite one unless `openStore` was given). */
export interface EmbedResult<S extends EmbeddingStore = FaceStore> {
  /** One entry per listed photo, and one (stage `list`) per entry the listing could not offer, in listing order. */
  photos: PhotoResult[];
  /** The store holding the faces. */
  store: S;
  /** Model ids used. */
  models: string[];
  /** Execution provider the models ran on (`cpu`, `cuda`, `tensorrt`). */
  provider: string;
  /** Photos analysed in this run (the rest came from the store). */
  computed: number;
  /** Seconds spent per stage in this run. */
  timings: Record<string, number>;
  /**
   * The face stage's options that change results, defaults filled in (the store key; `tta` and
   * `aligned` enter it only when on), and `alignedRule`, why `aligned` is what it is.
   */
  options: Record<string, unknown>;
}

/** Lists `source` and makes sure every photo is in the store that `opts.openStore` opens. */
export function embedPhotos(
  source: ImageSource,
  opts: EmbedIntoOptions,
): Promise<EmbedResult<EmbeddingStore>>;
/**
 * Lists `source` and makes sure every photo is in the store, analysing only new content.
 * A killed run loses at most the photos in flight.
 */
export function embedPhotos(source: ImageSource, opts: EmbedOptions): Promise<EmbedResult<FaceStore>>;
export async function embedPhotos(
  source: ImageSource,
  opts: EmbedOptions & { openStore?: StoreOpener },
): Promise<EmbedResult<EmbeddingStore>> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  const refs: ImageRef[] = [];
  // Entries the listing could not offer (an unreadable folder, a link loop, a FIFO...) become
  // failures at stage `list`, in their place in the listing order.
  const skipped: { at: number; failure: FileFailure }[] = [];
  for await (const r of source.list(opts.signal, (failure) => skipped.push({ at: refs.length, failure }))) {
    refs.push(r);
  }
  const tList = performance.now();
  const workers = opts.workers ?? navigator.hardwareConcurrency ?? 1;
  // Every option that changes results, with its default filled in: the analyser gets exactly
  // what the store key records.
  const detector = withDefaults<Required<DetectorOptions>>(DETECTOR_DEFAULTS, {
    scoreThreshold: opts.scoreThreshold,
    nmsThreshold: opts.nmsThreshold,
    minFaceSize: opts.minFaceSize,
    tiling: opts.tiling,
  });
  // Aligned crops or photos; the embedder's input size decides `auto`.
  const cat = opts.catalogue ?? await loadCatalogue();
  const specs = pipelineModels(cat, opts.pipeline ?? "default");
  const alignedMode = opts.aligned ?? "auto";
  const decision = alignedMode === "auto"
    ? await sampleAligned(refs, (r) => source.read(r, opts.signal), specs.embedder.input.width)
    : undefined;
  const aligned = decision ? decision.aligned : alignedMode === "on";
  const alignedRule = decision?.reason ?? `${alignedMode} (given)`;
  if (aligned) log(`aligned face crops: embedded directly, no detection (${alignedRule})`);
  const tta = opts.tta ?? DEFAULT_TTA;
  const effective = {
    ...detector,
    thumbnailSize: opts.thumbnailSize ?? 96,
    maxPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxSide: opts.maxSide ?? 1280,
  };
  const analyzerOpts = {
    pipeline: opts.pipeline,
    device: opts.device ?? "cpu",
    threads: opts.threads ?? 1,
    batchSize: opts.batchSize ?? 32,
    ...detector,
    thumbnailSize: effective.thumbnailSize,
    tta,
    alignedInput: aligned,
  } as const;
  let pool: AnalyzePool | undefined;
  let analyzer: FaceAnalyzer | undefined;
  if (workers > 0) {
    // Fetch and verify the models once here, so that workers never download side by side.
    await ensureModels([specs.detector, ...(specs.landmarks ? [specs.landmarks] : []), specs.embedder], {
      log,
    });
    pool = await AnalyzePool.create(workers, { ...analyzerOpts, catalogue: cat }, log);
  } else {
    analyzer = await FaceAnalyzer.create({ ...analyzerOpts, catalogue: cat, log });
  }
  const models = pool?.modelIds ?? analyzer!.modelIds;
  // `format` changes whenever stored results of the same options would differ (2: boxes in
  // original pixels with reduced decoding; 3: detector input resized in one pass; 4: the
  // smallest face measured in original pixels with reduced decoding). TTA and aligned input
  // enter the key only when on, so that stores made before they existed stay valid.
  const storeKey = {
    models,
    dim: pool?.dim ?? analyzer!.dim,
    options: storeKeyOptions(effective, { tta, aligned }),
  };
  const store: EmbeddingStore = opts.openStore
    ? await opts.openStore(storeKey, { log })
    : await FaceStore.open(opts.storeDir, storeKey, { log });
  const progress = new Progress("faces", {
    unit: "photos",
    total: refs.length,
    write: opts.progress === false ? () => {} : undefined,
  });
  const photos: PhotoResult[] = refs.map((ref) => ({ ref }));
  let computed = 0;
  let readMs = 0;
  const localTimes = { decode: 0 };
  type Outcome =
    | { ok: true; width: number; height: number; faces: FaceToStore[] }
    | { ok: false; stage: Stage; message: string };
  const analyzeOne = async (bytes: Uint8Array, name: string): Promise<Outcome> => {
    const { maxSide, maxPixels } = effective;
    if (pool) return await pool.analyze(bytes, name, maxPixels, maxSide);
    const t = performance.now();
    let img;
    try {
      img = await decodeImage(bytes, { name, maxPixels, maxSide });
    } catch (e) {
      return { ok: false, stage: "decode", message: errorMessage(e) };
    } finally {
      localTimes.decode += performance.now() - t;
    }
    try {
      const faces = await analyzer!.analyze(
        img,
        () => decodeImage(bytes, { name, maxPixels }),
        name,
      );
      return { ok: true, width: img.width, height: img.height, faces };
    } catch (e) {
      return { ok: false, stage: "detect", message: errorMessage(e) };
    }
  };
  const fail = (p: PhotoResult, stage: Stage, e: unknown) => {
    p.failure = { path: p.ref.path, stage, message: typeof e === "string" ? e : errorMessage(e) };
  };
  let next = 0;
  // Photos that another process using the store is computing right now: taken up again once
  // everything else is done, by when they are usually stored.
  const deferred: PhotoResult[] = [];
  const worker = async () => {
    for (;;) {
      opts.signal?.throwIfAborted();
      const again = next >= photos.length;
      const p = again ? deferred.shift() : photos[next++];
      if (!p) break;
      if (again) {
        const stored = await store.waitFor(p.hash!, { signal: opts.signal });
        if (stored) {
          p.record = stored;
          if (stored.error) {
            p.failure = {
              path: p.ref.path,
              stage: stored.error.stage as Stage,
              message: `${p.ref.path}: ${stored.error.message}`,
            };
          }
          progress.tick();
          continue;
        }
      }
      let bytes: Uint8Array;
      const t = performance.now();
      try {
        bytes = await source.read(p.ref, opts.signal);
      } catch (e) {
        const stage = e instanceof FileStageError ? e.stage : "read";
        fail(p, stage, e);
        progress.tick();
        continue;
      }
      p.hash = await sha256Hex(bytes);
      readMs += performance.now() - t;
      const known = await store.record(p.hash);
      if (known) {
        p.record = known;
      } else if (!again && !(await store.claim(p.hash))) {
        deferred.push(p);
        continue;
      } else {
        const r = await analyzeOne(bytes, p.ref.path);
        if (r.ok) {
          p.record = await store.put(p.hash, r);
          computed++;
        } else if (r.stage === "decode") {
          // Stored by content, so without this file's name: a copy under another name (or this
          // file renamed) reports its own name.
          const prefix = `${p.ref.path}: `;
          const message = r.message.startsWith(prefix) ? r.message.slice(prefix.length) : r.message;
          p.record = await store.put(p.hash, { error: { stage: "decode", message } });
        } else {
          await store.release(p.hash);
          fail(p, r.stage, r.message);
        }
      }
      if (p.record?.error) {
        p.failure = {
          path: p.ref.path,
          stage: p.record.error.stage as Stage,
          message: `${p.ref.path}: ${p.record.error.message}`,
        };
      }
      progress.tick();
    }
  };
  try {
    // Two photos per worker: on the CPU a worker runs them one after another, so the next one is
    // ready the moment the last ends; on a GPU they overlap to fill the batches.
    const perWorker = (opts.device ?? "cpu") === "cpu" ? 2 : 4;
    const inFlight = opts.concurrency ?? (workers > 0 ? perWorker * workers : 2);
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, worker));
  } finally {
    // Frees the models' native memory: a long-lived process (a notebook) may run this again.
    await pool?.close();
    await analyzer?.release();
  }
  await store.flush();
  progress.finish();
  const tm = pool ? pool.times : { ...analyzer!.times, decode: localTimes.decode + analyzer!.times.decode };
  return {
    photos: withListFailures(photos, skipped),
    store,
    models,
    provider: pool?.provider ?? analyzer!.provider,
    computed,
    options: { ...effective, tta: tta ? "on" : "off", aligned: aligned ? "on" : "off", alignedRule },
    timings: {
      list: (tList - t0) / 1000,
      read: readMs / 1000,
      decode: tm.decode / 1000,
      detect: tm.detect / 1000,
      landmarks: tm.landmarks / 1000,
      align: tm.align / 1000,
      embed: tm.embed / 1000,
      total: (performance.now() - t0) / 1000,
    },
  };
}

/**
 * The options part of the store key: the face stage's options, `format`, and `tta` (its views,
 * {@link TTA_KEY}; `true`, the mirror alone, for aligned input) and `aligned` only when on (vectors of one mode are never reused for another;
 * stores of runs with both off keep the key they had before these modes existed).
 */
export function storeKeyOptions(
  effective: Record<string, unknown>,
  modes: { tta: boolean; aligned: boolean },
): Record<string, unknown> {
  return {
    ...effective,
    format: 4,
    ...(modes.tta ? { tta: ttaKey(modes.aligned) } : {}),
    ...(modes.aligned ? { aligned: true } : {}),
  };
}

/** `photos` with an entry (stage `list`, no bytes) for each skipped entry, at its listing position. */
function withListFailures(
  photos: PhotoResult[],
  skipped: { at: number; failure: FileFailure }[],
): PhotoResult[] {
  if (skipped.length === 0) return photos;
  const out: PhotoResult[] = [];
  let k = 0;
  for (let i = 0; i <= photos.length; i++) {
    for (; k < skipped.length && skipped[k].at === i; k++) {
      const { failure } = skipped[k];
      out.push({ ref: { id: failure.path, path: failure.path, size: 0, modified: 0 }, failure });
    }
    if (i < photos.length) out.push(photos[i]);
  }
  return out;
}
