/**
 * Progress of a Drive sync: files listed, bytes downloaded, rate and time left.
 * @module
 */
import { formatBytes, formatDuration } from "../../util/progress.ts";

/** Size and duration formatting, shared with the rest of the toolkit. */
export { formatBytes, formatDuration };

/** Where a sync stands. */
export interface ProgressSnapshot {
  /** `list` while walking folders, `download` while fetching, `done` at the end. */
  phase: "list" | "download" | "done";
  /** Images found so far. */
  filesListed: number;
  /** Their total size in bytes. */
  bytesListed: number;
  /** Images that need downloading in this run. */
  filesToDownload: number;
  /** Of those, how many are finished (downloaded or failed for good). */
  filesDone: number;
  /** Bytes that need downloading in this run. */
  bytesToDownload: number;
  /** Bytes received so far (including the unfinished parts of files in flight). */
  bytesDone: number;
  /** Mean download rate since downloading began, bytes per second (0 before any time has passed). */
  bytesPerSecond: number;
  /** Estimated seconds left, or undefined while the rate is unknown. */
  etaSeconds?: number;
  /** Milliseconds since the tracker was made. */
  elapsedMs: number;
}

/** Options of {@link ProgressTracker}. */
export interface ProgressOptions {
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
  /** Least time between two reports, except forced ones (default 250 ms). */
  minIntervalMs?: number;
}

/** Counts listing and download progress and reports it, at most every `minIntervalMs`. */
export class ProgressTracker {
  #now: () => number;
  #minInterval: number;
  #start: number;
  #downloadStart?: number;
  #lastEmit = -Infinity;
  #s: Omit<ProgressSnapshot, "bytesPerSecond" | "etaSeconds" | "elapsedMs"> = {
    phase: "list",
    filesListed: 0,
    bytesListed: 0,
    filesToDownload: 0,
    filesDone: 0,
    bytesToDownload: 0,
    bytesDone: 0,
  };

  /**
   * @param onProgress receives snapshots; nothing is reported without it
   * @param options clock and throttle
   */
  constructor(private readonly onProgress?: (s: ProgressSnapshot) => void, options: ProgressOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#minInterval = options.minIntervalMs ?? 250;
    this.#start = this.#now();
  }

  /** One more image found, of `size` bytes. */
  listed(size: number): void {
    this.#s.filesListed++;
    this.#s.bytesListed += size;
    this.#emit(false);
  }

  /** Downloading begins: `files` files of `bytes` bytes in all. */
  plan(files: number, bytes: number): void {
    this.#s.phase = "download";
    this.#s.filesToDownload = files;
    this.#s.bytesToDownload = bytes;
    this.#downloadStart = this.#now();
    this.#emit(true);
  }

  /** Bytes received (negative to take back those of an attempt that failed). */
  bytes(delta: number): void {
    this.#s.bytesDone += delta;
    this.#emit(false);
  }

  /** One planned file is finished. */
  fileDone(): void {
    this.#s.filesDone++;
    this.#emit(false);
  }

  /** The run is over; reports a last snapshot. */
  done(): void {
    this.#s.phase = "done";
    this.#emit(true);
  }

  /** The current state, with rate and time left. */
  snapshot(): ProgressSnapshot {
    const now = this.#now();
    const secs = this.#downloadStart === undefined ? 0 : (now - this.#downloadStart) / 1000;
    const rate = secs > 0 ? this.#s.bytesDone / secs : 0;
    const left = Math.max(0, this.#s.bytesToDownload - this.#s.bytesDone);
    const etaSeconds = this.#s.phase === "done" ? 0 : rate > 0 ? left / rate : undefined;
    return { ...this.#s, bytesPerSecond: rate, etaSeconds, elapsedMs: now - this.#start };
  }

  #emit(force: boolean): void {
    if (!this.onProgress) return;
    const now = this.#now();
    if (!force && now - this.#lastEmit < this.#minInterval) return;
    this.#lastEmit = now;
    this.onProgress(this.snapshot());
  }
}

/** One line for a terminal, e.g. `download 120/800 files, 35.2 MB/210.0 MB, 4.1 MB/s, 43s left`. */
export function formatProgress(s: ProgressSnapshot): string {
  if (s.phase === "list") return `listing: ${s.filesListed} images (${formatBytes(s.bytesListed)})`;
  const eta = s.etaSeconds === undefined ? "?" : formatDuration(s.etaSeconds);
  return `${s.phase}: ${s.filesDone}/${s.filesToDownload} files, ` +
    `${formatBytes(s.bytesDone)}/${formatBytes(s.bytesToDownload)}, ` +
    `${formatBytes(s.bytesPerSecond)}/s, ${eta} left (${s.filesListed} images listed)`;
}
