/**
 * The face stage over a whole source: every photo read, hashed, looked up in the store, and
 * (if new) decoded and analysed; per-file failures recorded and the run goes on.
 * @module
 */
import { errorMessage, type FileFailure, type Stage } from "../errors.ts";
import { type AnalyzerOptions, FaceAnalyzer } from "../faces/analyzer.ts";
import { decodeImage } from "../images/decode.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import { FaceStore, type StoredImage } from "../store/face_store.ts";
import { sha256Hex } from "../util/hash.ts";
import { Progress } from "../util/progress.ts";

/** Options of {@link embedPhotos}. */
export interface EmbedOptions extends AnalyzerOptions {
  /** Root folder of embedding stores. */
  storeDir: string;
  /** Pixel limit for decoding. @default 100 megapixels */
  maxPixels?: number;
  /** Photos in flight at once (reading and decoding overlap inference). @default 2 */
  concurrency?: number;
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

/** What {@link embedPhotos} returns. */
export interface EmbedResult {
  /** One entry per listed photo, in listing order. */
  photos: PhotoResult[];
  /** The store holding the faces. */
  store: FaceStore;
  /** Model ids used. */
  models: string[];
  /** Photos analysed in this run (the rest came from the store). */
  computed: number;
  /** Seconds spent per stage in this run. */
  timings: Record<string, number>;
}

/**
 * Lists `source` and makes sure every photo is in the store, analysing only new content.
 * A killed run loses at most the photos in flight.
 */
export async function embedPhotos(source: ImageSource, opts: EmbedOptions): Promise<EmbedResult> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  const refs: ImageRef[] = [];
  for await (const r of source.list(opts.signal)) refs.push(r);
  const tList = performance.now();
  const analyzer = await FaceAnalyzer.create({ ...opts, log });
  const store = await FaceStore.open(opts.storeDir, {
    models: analyzer.modelIds,
    dim: analyzer.dim,
    options: {
      scoreThreshold: opts.scoreThreshold ?? 0.65,
      nmsThreshold: opts.nmsThreshold ?? 0.4,
      minFaceSize: opts.minFaceSize ?? 20,
      thumbnailSize: opts.thumbnailSize ?? 96,
      maxPixels: opts.maxPixels ?? 100_000_000,
    },
  });
  const progress = new Progress("faces", {
    unit: "photos",
    total: refs.length,
    write: opts.progress === false ? () => {} : undefined,
  });
  const photos: PhotoResult[] = refs.map((ref) => ({ ref }));
  let computed = 0;
  let readMs = 0, decodeMs = 0;
  const fail = (p: PhotoResult, stage: Stage, e: unknown) => {
    p.failure = { path: p.ref.path, stage, message: errorMessage(e) };
  };
  let next = 0;
  const worker = async () => {
    while (next < photos.length) {
      opts.signal?.throwIfAborted();
      const p = photos[next++];
      let bytes: Uint8Array;
      let t = performance.now();
      try {
        bytes = await source.read(p.ref, opts.signal);
      } catch (e) {
        fail(p, "read", e);
        progress.tick();
        continue;
      }
      p.hash = await sha256Hex(bytes);
      readMs += performance.now() - t;
      const known = store.get(p.hash);
      if (!known) {
        t = performance.now();
        let img;
        try {
          img = await decodeImage(bytes, { name: p.ref.path, maxPixels: opts.maxPixels });
        } catch (e) {
          p.record = await store.put(p.hash, { error: { stage: "decode", message: errorMessage(e) } });
        }
        decodeMs += performance.now() - t;
        if (img) {
          try {
            const faces = await analyzer.analyze(img);
            p.record = await store.put(p.hash, { width: img.width, height: img.height, faces });
            computed++;
          } catch (e) {
            fail(p, "detect", e);
          }
        }
      } else {
        p.record = known;
      }
      if (p.record?.error) {
        p.failure = {
          path: p.ref.path,
          stage: p.record.error.stage as Stage,
          message: p.record.error.message,
        };
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  await store.flush();
  progress.finish();
  const tm = analyzer.times;
  return {
    photos,
    store,
    models: analyzer.modelIds,
    computed,
    timings: {
      list: (tList - t0) / 1000,
      read: readMs / 1000,
      decode: decodeMs / 1000,
      detect: tm.detect / 1000,
      landmarks: tm.landmarks / 1000,
      align: tm.align / 1000,
      embed: tm.embed / 1000,
      total: (performance.now() - t0) / 1000,
    },
  };
}
