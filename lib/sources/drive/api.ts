/**
 * The few Drive v3 calls the source needs, over `@googleapis/drive`, each with a timeout,
 * retries, and errors turned into credential-free {@link HttpError}/{@link TransientError}.
 * @module
 */
import { drive, type drive_v3 } from "@googleapis/drive";
import { ToolkitError } from "../../errors.ts";
import { redact } from "./redact.ts";
import {
  HttpError,
  newRetryStats,
  type RetryOptions,
  type RetryStats,
  TransientError,
  withRetry,
} from "./retry.ts";

/** MIME type of Drive folders. */
export const FOLDER_MIME = "application/vnd.google-apps.folder";
/** MIME type of Drive shortcuts. */
export const SHORTCUT_MIME = "application/vnd.google-apps.shortcut";

/** What googleapis accepts as `auth` (an auth client, a GoogleAuth, or an API key). */
export type DriveAuth = NonNullable<drive_v3.Options["auth"]>;

/** The metadata of one Drive item the source uses. */
export interface DriveFile {
  /** File id. */
  id: string;
  /** Name as shown in Drive (unsafe on disk as it is). */
  name: string;
  /** MIME type. */
  mimeType: string;
  /** Hex MD5 of the content (binary files only). */
  md5?: string;
  /** Size in bytes (0 for folders and Google Docs). */
  size: number;
  /** Modification time, ms since the epoch. */
  modified: number;
  /** Creation time, ms since the epoch. */
  created: number;
  /** In the trash. */
  trashed: boolean;
  /** Shared drive it belongs to, if any. */
  driveId?: string;
  /** For shortcuts: the target. */
  shortcut?: { targetId: string; targetMimeType: string };
}

/** A shared drive. */
export interface SharedDrive {
  /** Drive id (also the id of its root folder). */
  id: string;
  /** Its name. */
  name: string;
}

/** Options of {@link DriveApi}. */
export interface DriveApiOptions {
  /** Credentials: an auth client from {@link ./auth.ts}, a GoogleAuth, or an API key. */
  auth: DriveAuth;
  /** API root, e.g. an emulator's `http://127.0.0.1:PORT/` (default Google's). */
  rootUrl?: string;
  /** Retry settings. */
  retry?: RetryOptions;
  /** Time without any progress after which an attempt is abandoned (default 60 s). */
  idleTimeoutMs?: number;
  /** Counters to add to (default: fresh ones, see {@link DriveApi.stats}). */
  stats?: RetryStats;
  /** Results per files.list page (default 1000, Drive's maximum). */
  pageSize?: number;
}

const FILE_FIELDS =
  "id,name,mimeType,md5Checksum,size,modifiedTime,createdTime,trashed,driveId,shortcutDetails(targetId,targetMimeType)";

/** files.list parameters that reach shared drives: the one drive when known, else all the user's. */
function corpusOf(driveId?: string) {
  return driveId
    ? { corpora: "drive", driveId, supportsAllDrives: true, includeItemsFromAllDrives: true }
    : { supportsAllDrives: true, includeItemsFromAllDrives: true };
}

/** Quotes a value for the Drive query language. */
export function quoteQuery(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Thin, retried, timed and sanitised wrapper over the Drive v3 client. */
export class DriveApi {
  /** Retry counters of every call made through this object. */
  readonly stats: RetryStats;
  #drive: drive_v3.Drive;
  #retry: RetryOptions;
  #idleMs: number;
  #pageSize: number;

  /** @param options credentials, root URL, retry and timeout settings */
  constructor(options: DriveApiOptions) {
    this.#drive = drive({ version: "v3", auth: options.auth, rootUrl: options.rootUrl });
    this.#retry = options.retry ?? {};
    this.#idleMs = options.idleTimeoutMs ?? 60_000;
    this.stats = options.stats ?? newRetryStats();
    this.#pageSize = options.pageSize ?? 1000;
  }

  /** Runs one JSON call with retries, each attempt bounded by the idle timeout. */
  #call<T>(
    what: string,
    fn: (opts: Record<string, unknown>) => Promise<{ data: T }>,
    signal?: AbortSignal,
  ): Promise<T> {
    return withRetry(
      () => this.#callOnce(what, fn, signal),
      this.#retry,
      this.stats,
      signal,
    );
  }

  /** Every item matching the query `q`, page by page (`what` names the request in errors). */
  async *#query(
    what: string,
    q: string,
    pageSize: number,
    signal?: AbortSignal,
    driveId?: string,
  ): AsyncGenerator<DriveFile> {
    let pageToken: string | undefined;
    do {
      const data: drive_v3.Schema$FileList = await this.#call(
        what,
        (o) =>
          this.#drive.files.list({
            q,
            pageSize,
            pageToken,
            fields: `nextPageToken, files(${FILE_FIELDS})`,
            ...corpusOf(driveId),
          }, o),
        signal,
      );
      for (const f of data.files ?? []) yield toDriveFile(f);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
  }

  /**
   * Every item directly in `folderId` that is not trashed, page by page. Give the folder's shared
   * drive, if any, so that the query searches that drive (`corpora=drive`).
   */
  async *listChildren(folderId: string, signal?: AbortSignal, driveId?: string): AsyncGenerator<DriveFile> {
    const q = `${quoteQuery(folderId)} in parents and trashed = false`;
    for await (const file of this.#query(`listing folder ${folderId}`, q, this.#pageSize, signal, driveId)) {
      if (!file.trashed) yield file;
    }
  }

  /** Folders and shortcuts named exactly `name` directly in `parentId` (not trashed), in shared drive `driveId` if given. */
  async findChildren(
    parentId: string,
    name: string,
    signal?: AbortSignal,
    driveId?: string,
  ): Promise<DriveFile[]> {
    const q = `${quoteQuery(parentId)} in parents and name = ${quoteQuery(name)} and trashed = false and ` +
      `(mimeType = '${FOLDER_MIME}' or mimeType = '${SHORTCUT_MIME}')`;
    const out: DriveFile[] = [];
    for await (const file of this.#query(`looking up ${name}`, q, 100, signal, driveId)) out.push(file);
    return out;
  }

  /** Metadata of one item (`root` names My Drive). */
  async getFile(fileId: string, signal?: AbortSignal): Promise<DriveFile> {
    const data = await this.#call(
      `reading metadata of ${fileId}`,
      (o) => this.#drive.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true }, o),
      signal,
    );
    return toDriveFile(data);
  }

  /**
   * Creates a folder named `name` in `parentId` (needs a scope that may write: `drive.file` or
   * `drive`). Not retried: a lost answer could leave two.
   */
  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<DriveFile> {
    const data = await this.#callOnce(
      `creating folder ${name}`,
      (o) =>
        this.#drive.files.create({
          requestBody: { name, mimeType: FOLDER_MIME, parents: [parentId] },
          fields: FILE_FIELDS,
          supportsAllDrives: true,
        }, o),
      signal,
    );
    return toDriveFile(data);
  }

  /**
   * Creates a shortcut named `name` in `parentId` pointing at `targetId` (mimeType
   * {@link SHORTCUT_MIME}, `shortcutDetails.targetId`; needs `drive.file` or `drive`). Not retried.
   */
  async createShortcut(
    parentId: string,
    name: string,
    targetId: string,
    signal?: AbortSignal,
  ): Promise<DriveFile> {
    const data = await this.#callOnce(
      `creating a shortcut to ${targetId}`,
      (o) =>
        this.#drive.files.create({
          requestBody: { name, mimeType: SHORTCUT_MIME, parents: [parentId], shortcutDetails: { targetId } },
          fields: FILE_FIELDS,
          supportsAllDrives: true,
        }, o),
      signal,
    );
    return toDriveFile(data);
  }

  /** One JSON call without retries (writes), bounded by the idle timeout. */
  async #callOnce<T>(
    what: string,
    fn: (opts: Record<string, unknown>) => Promise<{ data: T }>,
    signal?: AbortSignal,
  ): Promise<T> {
    const attempt = new Attempt(this.#idleMs, signal);
    try {
      return (await fn(attempt.requestOptions())).data;
    } catch (e) {
      throw attempt.convert(e, what);
    } finally {
      attempt.end();
    }
  }

  /** Every shared drive the credentials can see. */
  async listDrives(signal?: AbortSignal): Promise<SharedDrive[]> {
    const out: SharedDrive[] = [];
    let pageToken: string | undefined;
    do {
      const data: drive_v3.Schema$DriveList = await this.#call(
        "listing shared drives",
        (o) =>
          this.#drive.drives.list({ pageSize: 100, pageToken, fields: "nextPageToken, drives(id,name)" }, o),
        signal,
      );
      for (const d of data.drives ?? []) if (d.id) out.push({ id: d.id, name: d.name ?? "" });
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /**
   * Downloads a file's content once (no retry: the caller retries the whole download with its
   * checksum check), passing each chunk to `onChunk`. An attempt with no byte for the idle
   * timeout is abandoned as a {@link TransientError}. Errors thrown by `onChunk` pass unchanged.
   */
  async download(
    fileId: string,
    onChunk: (chunk: Uint8Array) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const attempt = new Attempt(this.#idleMs, signal);
    try {
      const res = await this.#drive.files.get(
        { fileId, alt: "media", supportsAllDrives: true },
        { ...attempt.requestOptions(), responseType: "stream" },
      );
      attempt.alive();
      const body = res.data as unknown as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
      const stream = body instanceof ReadableStream ? body : ReadableStream.from(body);
      for await (const chunk of stream) {
        attempt.alive();
        try {
          await onChunk(chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk));
        } catch (e) {
          throw new LocalError(e);
        }
      }
    } catch (e) {
      if (e instanceof LocalError) throw e.inner;
      throw attempt.convert(e, `downloading ${fileId}`);
    } finally {
      attempt.end();
    }
  }
}

/** Wraps an error raised by the caller's chunk handler so that it is not taken for a network error. */
class LocalError extends Error {
  constructor(readonly inner: unknown) {
    super("local");
  }
}

/** One attempt: its abort controller, idle timer, and the conversion of whatever it threw. */
class Attempt {
  #ctl = new AbortController();
  #timer?: ReturnType<typeof setTimeout>;
  #timedOut = false;
  #onAbort = () => this.#ctl.abort();

  constructor(private readonly idleMs: number, private readonly user?: AbortSignal) {
    user?.addEventListener("abort", this.#onAbort, { once: true });
    if (user?.aborted) this.#ctl.abort();
    this.alive();
  }

  /** Options every request gets: our signal, no gaxios retries, the platform's fetch. */
  requestOptions(): Record<string, unknown> {
    return { signal: this.#ctl.signal, retry: false, fetchImplementation: fetch };
  }

  /** Progress was made: restart the idle timer. */
  alive(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#ctl.abort();
    }, this.idleMs);
  }

  end(): void {
    clearTimeout(this.#timer);
    this.user?.removeEventListener("abort", this.#onAbort);
  }

  /** Turns anything thrown into a credential-free error the retry logic understands. */
  convert(e: unknown, what: string): unknown {
    if (this.user?.aborted) return this.user.reason ?? e;
    if (this.#timedOut) return new TransientError(`${what}: no answer for ${this.idleMs} ms`, "timeout");
    if (e instanceof ToolkitError) return e;
    if (e instanceof Error && "config" in e) {
      const res = (e as { response?: { status: number; data?: unknown; headers?: Headers } }).response;
      if (res) {
        const { reason, message } = googleErrorInfo(res.data);
        const ra = Number(res.headers?.get?.("retry-after"));
        return new HttpError(
          redact(`${what}: HTTP ${res.status}${reason ? ` ${reason}` : ""}: ${message ?? e.message}`),
          res.status,
          reason,
          Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined,
        );
      }
      return new TransientError(redact(`${what}: ${e.message.split("\n")[0]}`), "network");
    }
    if (
      e instanceof TypeError || e instanceof Deno.errors.ConnectionReset ||
      e instanceof Deno.errors.ConnectionAborted || e instanceof Deno.errors.UnexpectedEof ||
      e instanceof Deno.errors.BrokenPipe || (e instanceof DOMException && e.name === "AbortError")
    ) {
      return new TransientError(redact(`${what}: ${e.message.split("\n")[0]}`), "network");
    }
    return new ToolkitError(redact(`${what}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`));
  }
}

/** The first reason and the message of a Google JSON error body (object or text). */
function googleErrorInfo(data: unknown): { reason?: string; message?: string } {
  let d = data;
  if (typeof data === "string") {
    try {
      d = JSON.parse(data);
    } catch {
      return { message: data.slice(0, 200) };
    }
  }
  const err = (d as { error?: { message?: string; errors?: { reason?: string }[] } | string })?.error;
  if (typeof err === "string") return { message: err };
  return { reason: err?.errors?.[0]?.reason, message: err?.message };
}

function toDriveFile(f: drive_v3.Schema$File): DriveFile {
  return {
    id: f.id ?? "",
    name: f.name ?? "",
    mimeType: f.mimeType ?? "",
    md5: f.md5Checksum ?? undefined,
    size: Number(f.size ?? 0),
    modified: f.modifiedTime ? Date.parse(f.modifiedTime) : 0,
    created: f.createdTime ? Date.parse(f.createdTime) : 0,
    trashed: f.trashed ?? false,
    driveId: f.driveId ?? undefined,
    shortcut: f.shortcutDetails?.targetId
      ? { targetId: f.shortcutDetails.targetId, targetMimeType: f.shortcutDetails.targetMimeType ?? "" }
      : undefined,
  };
}
