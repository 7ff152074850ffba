/**
 * Walking a Drive folder tree for images: recursive, paged, shortcuts followed once, trashed
 * items skipped, names made safe, stable order; folder listings are fetched a few at a time.
 * @module
 */
import type { FileFailure } from "../../errors.ts";
import { type DriveApi, type DriveFile, FOLDER_MIME, SHORTCUT_MIME } from "./api.ts";
import { createLimiter } from "./pool.ts";
import { safeErrorMessage } from "./redact.ts";
import { HttpError } from "./retry.ts";
import { safeName, SafeNamer } from "./safe_names.ts";

/** File extensions taken as images (lower case, no dot). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  "jpg",
  "jpeg",
  "jpe",
  "png",
  "webp",
  "gif",
  "bmp",
  "tif",
  "tiff",
  "heic",
  "heif",
  "avif",
]);

/** MIME types taken as images. */
export const IMAGE_MIME_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/pjpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/bmp",
  "image/x-ms-bmp",
  "image/tiff",
  "image/heic",
  "image/heif",
  "image/avif",
]);

/** True for downloadable images, by MIME type or by extension (Google Docs types never). */
export function isImage(f: Pick<DriveFile, "name" | "mimeType">): boolean {
  if (f.mimeType.startsWith("application/vnd.google-apps.")) return false;
  if (IMAGE_MIME_TYPES.has(f.mimeType.toLowerCase())) return true;
  const dot = f.name.lastIndexOf(".");
  return dot > 0 && IMAGE_EXTENSIONS.has(f.name.slice(dot + 1).toLowerCase());
}

/** One image found by the walk. */
export interface ListedImage {
  /** Its metadata (for an image reached through a shortcut, the target's). */
  file: DriveFile;
  /** Safe relative path, folder names joined by `/`. */
  path: string;
  /** First folder level of `path`, if the image is in a subfolder. */
  label?: string;
}

/** Options of {@link walkImages}. */
export interface WalkOptions {
  /** Folder listings fetched at once (default 4). */
  concurrency?: number;
  /** Told about each folder or shortcut that could not be listed (stage `list`). */
  onFailure?: (f: FileFailure) => void;
  /** Stops the walk. */
  signal?: AbortSignal;
  /** The shared drive the root folder is in, if any. */
  driveId?: string;
}

/** How a walk ended. */
export interface WalkSummary {
  /** False when some folder could not be listed, so absent files may still exist in Drive. */
  complete: boolean;
}

interface Entry {
  file: DriveFile;
  safe: string;
  folder: boolean;
}

/**
 * Yields every image under `rootId` in a stable order (a folder's images by name, then its
 * subfolders by name, depth first). Each file id is yielded once even if reachable twice, and a
 * folder is entered once, so shortcut loops end. Failures are reported and the walk goes on;
 * `summary.complete` tells whether anything was missed.
 */
export async function* walkImages(
  api: DriveApi,
  rootId: string,
  options: WalkOptions = {},
  summary: WalkSummary = { complete: true },
): AsyncGenerator<ListedImage> {
  const ctl = new AbortController();
  const onUserAbort = () => ctl.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onUserAbort, { once: true });
  const signal = ctl.signal;
  const limit = createLimiter(options.concurrency ?? 4);
  const listings = new Map<string, Promise<DriveFile[]>>();
  const visited = new Set<string>([rootId]);
  const seen = new Set<string>();
  summary.complete = true;

  const fail = (path: string, e: unknown, permanent = false) => {
    if (!permanent) summary.complete = false;
    options.onFailure?.({ path: path || ".", stage: "list", message: safeErrorMessage(e) });
  };
  const prefetch = (id: string, driveId?: string) => {
    if (listings.has(id)) return;
    const p = limit(async () => {
      const out: DriveFile[] = [];
      for await (const f of api.listChildren(id, signal, driveId)) out.push(f);
      return out;
    });
    p.catch(() => {}); // awaited (and reported) when its turn comes
    listings.set(id, p);
  };

  async function entriesOf(folderId: string, prefix: string): Promise<Entry[]> {
    let children: DriveFile[];
    try {
      children = await listings.get(folderId)!;
    } catch (e) {
      if (signal.aborted) throw e;
      fail(prefix, e);
      return [];
    } finally {
      listings.delete(folderId);
    }
    // real items before shortcuts (so a file linked in its own folder keeps its own name), then by name
    children.sort((a, b) =>
      Number(a.mimeType === SHORTCUT_MIME) - Number(b.mimeType === SHORTCUT_MIME) || cmp(a.name, b.name) ||
      a.created - b.created || cmp(a.id, b.id)
    );
    const namer = new SafeNamer();
    const out: Entry[] = [];
    for (const child of children) {
      let f = child;
      if (f.mimeType === SHORTCUT_MIME) {
        const t = f.shortcut;
        if (
          !t || (t.targetMimeType !== FOLDER_MIME && !isImage({ name: f.name, mimeType: t.targetMimeType }))
        ) {
          continue;
        }
        if (visited.has(t.targetId) || seen.has(t.targetId)) continue;
        try {
          f = await api.getFile(t.targetId, signal);
        } catch (e) {
          if (signal.aborted) throw e;
          fail(join(prefix, safeName(child.name)), e, e instanceof HttpError && e.status === 404);
          continue;
        }
        if (f.trashed) continue;
      }
      const folder = f.mimeType === FOLDER_MIME;
      if (folder ? visited.has(f.id) : !isImage(f) || seen.has(f.id)) continue;
      if (folder) visited.add(f.id);
      else seen.add(f.id);
      // the name shown in this folder is the shortcut's, as in the Drive UI
      out.push({ file: f, safe: namer.take(child.name), folder });
    }
    return out;
  }

  async function* walk(folderId: string, prefix: string): AsyncGenerator<ListedImage> {
    const entries = await entriesOf(folderId, prefix);
    for (const e of entries) if (e.folder) prefetch(e.file.id, e.file.driveId);
    for (const e of entries) {
      if (e.folder) continue;
      const path = join(prefix, e.safe);
      const slash = path.indexOf("/");
      yield { file: e.file, path, label: slash > 0 ? path.slice(0, slash) : undefined };
    }
    for (const e of entries) if (e.folder) yield* walk(e.file.id, join(prefix, e.safe));
  }

  try {
    prefetch(rootId, options.driveId);
    yield* walk(rootId, "");
  } finally {
    ctl.abort();
    options.signal?.removeEventListener("abort", onUserAbort);
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}/${name}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
