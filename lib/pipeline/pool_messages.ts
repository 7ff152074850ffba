/**
 * The messages between {@link AnalyzePool} and its face workers.
 * @module
 */
import type { AnalyzerOptions } from "../faces/analyzer.ts";
import type { FaceToStore } from "../store/face_store.ts";

/** Analyzer options that can cross to a worker (no functions). */
export type WorkerOptions = Omit<AnalyzerOptions, "log">;

/** Milliseconds spent per stage on one photo. */
export interface PhotoTimes {
  /** Decoding. */
  decode: number;
  /** Detector. */
  detect: number;
  /** Landmarks. */
  landmarks: number;
  /** Alignment warps and thumbnails. */
  align: number;
  /** Embedder. */
  embed: number;
}

/** Main thread to worker. */
export type ToWorker =
  | { type: "init"; options: WorkerOptions }
  | { type: "close" }
  | { type: "job"; id: number; bytes: Uint8Array; name: string; maxPixels?: number; maxSide?: number };

/** Worker to main thread. */
export type FromWorker =
  | { type: "ready"; modelIds: string[]; dim: number; provider: string }
  | { type: "fatal"; message: string }
  | { type: "log"; line: string }
  | { type: "closed" }
  | {
    type: "result";
    id: number;
    width: number;
    height: number;
    faces: (Omit<FaceToStore, "landmarks"> & { landmarks: number[] })[];
    times: PhotoTimes;
  }
  | { type: "error"; id: number; stage: "decode" | "detect" | "embed"; message: string };
