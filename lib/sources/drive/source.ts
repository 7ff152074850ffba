/**
 * Google Drive as an image source: lists the images under a folder (id, URL or path) and reads
 * them from a local mirror that is filled on demand or all at once with {@link DriveSource.sync}.
 * @module
 */
import { type FileFailure, ToolkitError } from "../../errors.ts";
import type { ImageRef, ImageSource } from "../types.ts";
import { DriveApi, type DriveAuth, type DriveFile } from "./api.ts";
import { type AuthChoice, type AuthOptions, createDriveAuth } from "./auth.ts";
import { type ListedImage, walkImages, type WalkSummary } from "./listing.ts";
import { defaultMirrorDir, Mirror, sameVersion } from "./mirror.ts";
import { forEachLimited } from "./pool.ts";
import { type ProgressSnapshot, ProgressTracker } from "./progress.ts";
import { safeErrorMessage } from "./redact.ts";
import { type ResolvedFolder, resolveFolder } from "./resolve.ts";
import type { RetryOptions, RetryStats } from "./retry.ts";
import { isSafeRelativePath } from "./safe_names.ts";

/** Options of {@link createDriveSource}. */
export interface DriveSourceOptions {
  /** The folder: an id, a Drive URL, or a path (`My Drive/datasets/people`, `<shared drive>/path`). */
  folder: string;
  /** Local mirror directory (created if needed; one Drive folder per directory; default {@link defaultMirrorDir}). */
  mirrorDir?: string;
  /** An auth client (e.g. from {@link createDriveAuth}) or which credentials to use. */
  auth: DriveAuth | AuthChoice;
  /** Options for building credentials when `auth` is an {@link AuthChoice}. */
  authOptions?: AuthOptions;
  /** API root, e.g. an emulator's (default Google's). */
  rootUrl?: string;
  /** Downloads (and folder listings) at once (default 4). */
  concurrency?: number;
  /** Retry settings (attempts, base and max delay). */
  retry?: RetryOptions;
  /** An attempt with no progress for this long is abandoned and retried (default 60 s). */
  idleTimeoutMs?: number;
  /** files.list page size (default 1000). */
  pageSize?: number;
  /** Progress reports (files listed, bytes, rate, time left). */
  onProgress?: (s: ProgressSnapshot) => void;
  /** Told of each file that could not be listed or downloaded. */
  onFailure?: (f: FileFailure) => void;
}

/** What a {@link DriveSource.sync} did. */
export interface SyncResult {
  /** Images in the folder. */
  listed: number;
  /** Files downloaded (new or changed). */
  downloaded: number;
  /** Files already mirrored and unchanged (including ones found complete on disk). */
  skipped: number;
  /** Files renamed or moved locally, following Drive, without downloading. */
  moved: number;
  /** Mirrored files that left the folder and were deleted. */
  removed: number;
  /** Bytes downloaded. */
  bytes: number;
  /** Files that could not be listed (stage `list`) or downloaded (stage `download`). */
  failures: FileFailure[];
  /** Failed attempts (rate limits, 5xx, cut connections, stalls, bad checksums) that a retry overcame. */
  faultsSurvived: number;
  /** False if a folder could not be listed; removal was then skipped. */
  complete: boolean;
}

/** A Drive folder as an {@link ImageSource}, with a local mirror. */
export interface DriveSource extends ImageSource {
  /** The folder, resolved. */
  readonly folder: ResolvedFolder;
  /** The mirror directory. */
  readonly mirrorDir: string;
  /** Retry counters since creation. */
  readonly stats: RetryStats;
  /** Mirrors every image (N downloads at once) and deletes mirrored files that left the folder. */
  sync(signal?: AbortSignal): Promise<SyncResult>;
  /** Where the mirror keeps (or will keep) the bytes of `ref`. */
  localPath(ref: ImageRef): string;
}

/** Link to a Drive file's page. */
export function driveWebUrl(id: string): string {
  return `https://drive.google.com/file/d/${encodeURIComponent(id)}/view`;
}

function isAuthChoice(a: DriveAuth | AuthChoice): a is AuthChoice {
  return typeof a === "object" && a !== null && "method" in a && typeof a.method === "string" &&
    !("request" in a);
}

/** Resolves the folder, opens the mirror, and returns the source. */
export async function createDriveSource(options: DriveSourceOptions): Promise<DriveSource> {
  const auth = isAuthChoice(options.auth)
    ? await createDriveAuth(options.auth, options.authOptions)
    : options.auth;
  const api = new DriveApi({
    auth,
    rootUrl: options.rootUrl,
    retry: options.retry,
    idleTimeoutMs: options.idleTimeoutMs,
    pageSize: options.pageSize,
  });
  const folder = await resolveFolder(api, options.folder);
  const mirror = await Mirror.open(options.mirrorDir ?? defaultMirrorDir(folder.id), folder.id);
  return new Source(api, folder, mirror, options);
}

class Source implements DriveSource {
  readonly description: string;
  #known = new Map<string, ListedImage>();
  #inFlight = new Map<string, Promise<void>>();
  #concurrency: number;

  constructor(
    private readonly api: DriveApi,
    readonly folder: ResolvedFolder,
    private readonly mirror: Mirror,
    private readonly options: DriveSourceOptions,
  ) {
    this.description = `drive ${folder.display}`;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  get mirrorDir(): string {
    return this.mirror.dir;
  }

  get stats(): RetryStats {
    return this.api.stats;
  }

  localPath(ref: ImageRef): string {
    return this.mirror.localPath(ref.path);
  }

  async *list(signal?: AbortSignal): AsyncIterable<ImageRef> {
    for await (const item of this.#walk(signal)) yield toRef(item);
  }

  async *#walk(
    signal?: AbortSignal,
    tracker?: ProgressTracker,
    failures?: FileFailure[],
    summary?: WalkSummary,
  ) {
    const onFailure = (f: FileFailure) => {
      failures?.push(f);
      this.options.onFailure?.(f);
    };
    for await (
      const item of walkImages(this.api, this.folder.id, {
        concurrency: this.#concurrency,
        onFailure,
        signal,
        driveId: this.folder.driveId,
      }, summary)
    ) {
      this.#known.set(item.file.id, item);
      tracker?.listed(item.file.size);
      yield item;
    }
  }

  async read(ref: ImageRef, signal?: AbortSignal): Promise<Uint8Array> {
    let item = this.#known.get(ref.id);
    if (!item) {
      if (!isSafeRelativePath(ref.path)) throw new ToolkitError(`unsafe path for Drive file ${ref.id}`);
      const file = await this.api.getFile(ref.id, signal);
      item = { file, path: ref.path, label: ref.label };
      this.#known.set(ref.id, item);
    }
    try {
      await this.#ensure(item, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      const failure: FileFailure = { path: item.path, stage: "download", message: safeErrorMessage(e) };
      this.options.onFailure?.(failure);
      throw new ToolkitError(`${item.path}: ${failure.message}`);
    }
    return await Deno.readFile(this.mirror.localPath(item.path));
  }

  /** Makes sure the mirror holds the current version of `item` at its path (one download per id at a time). */
  #ensure(item: ListedImage, signal?: AbortSignal, tracker?: ProgressTracker): Promise<void> {
    const running = this.#inFlight.get(item.file.id);
    if (running) return running;
    const p = (async () => {
      const { file, path } = item;
      if (await this.mirror.isCurrent(file, path)) return;
      const e = this.mirror.get(file.id);
      if (e && sameVersion(e, file) && e.path !== path) {
        await this.mirror.relocate([{ id: file.id, path }]);
        if (await this.mirror.isCurrent(file, path)) return;
      }
      if (await this.mirror.adopt(file, path)) return;
      await this.mirror.fetch(this.api, file, path, {
        retry: this.options.retry,
        stats: this.api.stats,
        onBytes: tracker ? (d) => tracker.bytes(d) : undefined,
        signal,
      });
    })();
    this.#inFlight.set(item.file.id, p);
    return p.finally(() => this.#inFlight.delete(item.file.id));
  }

  async sync(signal?: AbortSignal): Promise<SyncResult> {
    const tracker = new ProgressTracker(this.options.onProgress);
    const failures: FileFailure[] = [];
    const summary: WalkSummary = { complete: true };
    const survivedBefore = this.api.stats.faultsSurvived;
    const items: ListedImage[] = [];
    for await (const item of this.#walk(signal, tracker, failures, summary)) items.push(item);

    const result: SyncResult = {
      listed: items.length,
      downloaded: 0,
      skipped: 0,
      moved: 0,
      removed: 0,
      bytes: 0,
      failures,
      faultsSurvived: 0,
      complete: summary.complete,
    };

    // 1. files that left the folder (only when the listing is known to be complete)
    const present = new Set(items.map((i) => i.file.id));
    if (summary.complete) {
      for (const id of this.mirror.ids()) {
        if (!present.has(id)) {
          await this.mirror.remove(id);
          result.removed++;
        }
      }
    }
    // 2. renames and moves of unchanged files; 3. what needs fetching
    const moves: { id: string; path: string }[] = [];
    const toFetch: ListedImage[] = [];
    for (const item of items) {
      if (await this.mirror.isCurrent(item.file, item.path)) {
        result.skipped++;
        continue;
      }
      const e = this.mirror.get(item.file.id);
      if (e && sameVersion(e, item.file) && e.path !== item.path) {
        moves.push({ id: item.file.id, path: item.path });
      }
      toFetch.push(item);
    }
    await this.mirror.relocate(moves);
    const fetchList: ListedImage[] = [];
    for (const item of toFetch) {
      if (await this.mirror.isCurrent(item.file, item.path)) result.moved++;
      else fetchList.push(item);
    }

    tracker.plan(fetchList.length, fetchList.reduce((s, i) => s + i.file.size, 0));
    try {
      await this.#download(fetchList, result, tracker, signal);
    } finally {
      await this.mirror.save();
    }
    signal?.throwIfAborted();
    result.faultsSurvived = this.api.stats.faultsSurvived - survivedBefore;
    tracker.done();
    return result;
  }

  async #download(
    fetchList: ListedImage[],
    result: SyncResult,
    tracker: ProgressTracker,
    signal?: AbortSignal,
  ) {
    await forEachLimited(fetchList, this.#concurrency, async (item) => {
      if (signal?.aborted) return;
      try {
        if (await this.mirror.adopt(item.file, item.path)) result.skipped++;
        else {
          await this.#ensure(item, signal, tracker);
          result.downloaded++;
          result.bytes += item.file.size;
        }
      } catch (e) {
        if (signal?.aborted) return;
        const f: FileFailure = { path: item.path, stage: "download", message: safeErrorMessage(e) };
        result.failures.push(f);
        this.options.onFailure?.(f);
      } finally {
        tracker.fileDone();
      }
    });
  }
}

function toRef(item: ListedImage): ImageRef {
  const f: DriveFile = item.file;
  const ref: ImageRef = {
    id: f.id,
    path: item.path,
    size: f.size,
    modified: f.modified,
    webUrl: driveWebUrl(f.id),
  };
  if (item.label !== undefined) ref.label = item.label;
  return ref;
}
