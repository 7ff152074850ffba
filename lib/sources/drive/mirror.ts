/**
 * The local mirror of a Drive folder: files stored under their safe paths, and a manifest keyed
 * by file id recording the md5Checksum (or size and time) of what is on disk, so a rerun fetches
 * only new or changed files. Downloads go to a temp file, are checked against size and MD5, then
 * renamed into place: an interrupted download never leaves a partial file where a good one goes.
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { ToolkitError } from "../../errors.ts";
import type { DriveApi, DriveFile } from "./api.ts";
import { type RetryOptions, type RetryStats, TransientError, withRetry } from "./retry.ts";
import { isSafeRelativePath, MIRROR_META_DIR } from "./safe_names.ts";

/** What the manifest knows of one mirrored file. */
export interface ManifestEntry {
  /** Safe relative path in the mirror. */
  path: string;
  /** Hex MD5 from Drive, if Drive gave one. */
  md5?: string;
  /** Size in bytes. */
  size: number;
  /** Drive modification time, ms since the epoch. */
  modified: number;
}

interface ManifestFile {
  version: 1;
  folderId: string;
  files: Record<string, ManifestEntry>;
}

/** Options of {@link Mirror.fetch}. */
export interface FetchOptions {
  /** Retry settings for the whole download-and-verify. */
  retry?: RetryOptions;
  /** Retry counters to add to. */
  stats?: RetryStats;
  /** Told of every chunk's size, and of a failed attempt's bytes as a negative number. */
  onBytes?: (delta: number) => void;
  /** Stops the download (the temp file is removed). */
  signal?: AbortSignal;
}

/**
 * Default mirror of a folder: `$XDG_CACHE_HOME/facegroup/drive/<folder id>`, else
 * `~/.cache/facegroup/drive/<folder id>` (`%LOCALAPPDATA%` on Windows).
 */
export function defaultMirrorDir(
  folderId: string,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string {
  const base = env("XDG_CACHE_HOME") ?? (Deno.build.os === "windows" ? env("LOCALAPPDATA") : undefined) ??
    join(env("HOME") ?? env("USERPROFILE") ?? ".", ".cache");
  return join(base, "facegroup", "drive", folderId.replace(/[^A-Za-z0-9_-]/g, "_"));
}

/** True when the Drive file and the manifest entry describe the same content. */
export function sameVersion(e: ManifestEntry, f: Pick<DriveFile, "md5" | "size" | "modified">): boolean {
  if (e.size !== f.size) return false;
  if (e.md5 !== undefined || f.md5 !== undefined) return e.md5 === f.md5;
  return e.modified === f.modified;
}

/** A mirror directory and its manifest. Make one with {@link Mirror.open}. */
export class Mirror {
  #files: Map<string, ManifestEntry>;
  /** Lower-cased path → file id, so that one path never belongs to two entries. */
  #byPath = new Map<string, string>();
  #saving: Promise<void> = Promise.resolve();
  #dirty = 0;
  #lastSave = Date.now();
  #tmpSeq = 0;

  private constructor(readonly dir: string, readonly folderId: string, files: Map<string, ManifestEntry>) {
    this.#files = files;
    for (const [id, e] of files) this.#byPath.set(e.path.toLowerCase(), id);
  }

  /**
   * Opens (or creates) the mirror of folder `folderId` in `dir`, clearing temp files left by an
   * interrupted run. Refuses a directory that mirrors another folder.
   */
  static async open(dir: string, folderId: string): Promise<Mirror> {
    await Deno.mkdir(join(dir, MIRROR_META_DIR, "tmp"), { recursive: true });
    const files = new Map<string, ManifestEntry>();
    let fresh = false;
    try {
      const m = JSON.parse(
        await Deno.readTextFile(join(dir, MIRROR_META_DIR, "manifest.json")),
      ) as ManifestFile;
      if (m.folderId !== folderId) {
        throw new ToolkitError(
          `${dir} mirrors another Drive folder (${m.folderId}), not ${folderId}; use another --mirror directory`,
        );
      }
      for (const [id, e] of Object.entries(m.files ?? {})) if (isSafeRelativePath(e.path)) files.set(id, e);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        if (e instanceof ToolkitError) throw e;
        throw new ToolkitError(`unreadable mirror manifest in ${dir}: ${(e as Error).message}`);
      }
      fresh = true;
    }
    for await (const t of Deno.readDir(join(dir, MIRROR_META_DIR, "tmp"))) {
      await Deno.remove(join(dir, MIRROR_META_DIR, "tmp", t.name), { recursive: true }).catch(() => {});
    }
    const mirror = new Mirror(dir, folderId, files);
    if (fresh) {
      mirror.#dirty++;
      await mirror.save(); // claim the directory for this folder at once
    }
    return mirror;
  }

  /** The manifest entry of a file id. */
  get(id: string): ManifestEntry | undefined {
    return this.#files.get(id);
  }

  /** Every file id in the manifest. */
  ids(): string[] {
    return [...this.#files.keys()];
  }

  /** Absolute path of a safe relative path (which must not escape the mirror). */
  localPath(rel: string): string {
    if (!isSafeRelativePath(rel)) throw new ToolkitError(`unsafe mirror path: ${JSON.stringify(rel)}`);
    return join(this.dir, ...rel.split("/"));
  }

  /** True when the manifest has this version of the file at `path` and the disk has a file of its size there. */
  async isCurrent(file: DriveFile, path: string): Promise<boolean> {
    const e = this.#files.get(file.id);
    if (!e || e.path !== path || !sameVersion(e, file)) return false;
    return await sizeOnDisk(this.localPath(path)) === file.size;
  }

  /**
   * Takes a file found on disk at `path` that the manifest lacks (e.g. after a crash between the
   * rename and the manifest save) if its MD5 matches. Returns whether it did.
   */
  async adopt(file: DriveFile, path: string): Promise<boolean> {
    if (!file.md5) return false;
    const abs = this.localPath(path);
    if (await sizeOnDisk(abs) !== file.size) return false;
    const hash = createHash("md5");
    using f = await Deno.open(abs);
    for await (const chunk of f.readable) hash.update(chunk);
    if (hash.digest("hex") !== file.md5) return false;
    this.#record(file.id, entryOf(file, path));
    return true;
  }

  /**
   * Downloads `file` to `path`: into a temp file, checked against Drive's size and MD5, then
   * renamed into place and recorded. Network errors, stalls and checksum mismatches are retried.
   */
  async fetch(api: DriveApi, file: DriveFile, path: string, options: FetchOptions = {}): Promise<void> {
    const dest = this.localPath(path);
    await withRetry(
      async () => {
        const tmp = join(this.dir, MIRROR_META_DIR, "tmp", `${file.id}.${++this.#tmpSeq}.part`);
        let got = 0;
        try {
          const hash = createHash("md5");
          {
            using out = await Deno.open(tmp, { write: true, create: true, truncate: true });
            await api.download(file.id, async (chunk) => {
              hash.update(chunk);
              for (let off = 0; off < chunk.length;) off += await out.write(chunk.subarray(off));
              got += chunk.length;
              options.onBytes?.(chunk.length);
            }, options.signal);
            await out.syncData();
          }
          if (got !== file.size) {
            throw new TransientError(`${path}: got ${got} bytes, Drive says ${file.size}`, "integrity");
          }
          const md5 = hash.digest("hex");
          if (file.md5 && md5 !== file.md5) {
            throw new TransientError(`${path}: MD5 ${md5} does not match Drive's ${file.md5}`, "integrity");
          }
          await Deno.mkdir(dirname(dest), { recursive: true });
          await Deno.rename(tmp, dest);
        } catch (e) {
          options.onBytes?.(-got);
          await Deno.remove(tmp).catch(() => {});
          throw e;
        }
      },
      options.retry,
      options.stats,
      options.signal,
    );
    if (file.modified > 0) await Deno.utime(dest, new Date(), new Date(file.modified)).catch(() => {});
    const old = this.#files.get(file.id);
    this.#record(file.id, entryOf(file, path));
    if (old && old.path.toLowerCase() !== path.toLowerCase()) await this.#unlink(old.path);
    await this.maybeSave();
  }

  /**
   * Moves mirrored files to new paths (Drive renames and moves) without downloading them again.
   * Goes through temp names first, so that swaps and chains of renames are safe.
   */
  async relocate(moves: { id: string; path: string }[]): Promise<void> {
    const staged: { id: string; path: string; tmp: string }[] = [];
    for (const m of moves) {
      const e = this.#files.get(m.id);
      if (!e || e.path === m.path) continue;
      const tmp = join(this.dir, MIRROR_META_DIR, "tmp", `${m.id}.${++this.#tmpSeq}.move`);
      try {
        await Deno.rename(this.localPath(e.path), tmp);
        staged.push({ ...m, tmp });
        // the old path is free now (it may be the new path of another file in this batch)
        if (this.#byPath.get(e.path.toLowerCase()) === m.id) this.#byPath.delete(e.path.toLowerCase());
      } catch {
        this.#forget(m.id); // gone from disk: it will be downloaded again
      }
      await this.#pruneDirs(e.path);
    }
    for (const s of staged) {
      const dest = this.localPath(s.path);
      await Deno.mkdir(dirname(dest), { recursive: true });
      await Deno.rename(s.tmp, dest);
      const e = this.#files.get(s.id)!;
      this.#record(s.id, { ...e, path: s.path });
    }
    await this.maybeSave();
  }

  /** Deletes a mirrored file and forgets it. */
  async remove(id: string): Promise<void> {
    const e = this.#forget(id);
    if (!e) return;
    await this.#unlink(e.path);
    await this.maybeSave();
  }

  #record(id: string, entry: ManifestEntry): void {
    this.#forget(id);
    const key = entry.path.toLowerCase();
    const holder = this.#byPath.get(key);
    if (holder !== undefined) this.#forget(holder); // its file was replaced on disk
    this.#files.set(id, entry);
    this.#byPath.set(key, id);
    this.#dirty++;
  }

  #forget(id: string): ManifestEntry | undefined {
    const e = this.#files.get(id);
    if (!e) return undefined;
    this.#files.delete(id);
    if (this.#byPath.get(e.path.toLowerCase()) === id) this.#byPath.delete(e.path.toLowerCase());
    this.#dirty++;
    return e;
  }

  /** Deletes the file at `path` unless another entry now owns that path. */
  async #unlink(path: string): Promise<void> {
    if (this.#byPath.has(path.toLowerCase())) return;
    await Deno.remove(this.localPath(path)).catch(() => {});
    await this.#pruneDirs(path);
  }

  /** Removes the now-empty folders above `path`, up to the mirror root. */
  async #pruneDirs(path: string): Promise<void> {
    const segs = path.split("/");
    for (let n = segs.length - 1; n > 0; n--) {
      try {
        await Deno.remove(join(this.dir, ...segs.slice(0, n)));
      } catch {
        return; // not empty (or already gone)
      }
    }
  }

  /** Saves the manifest if enough has changed or enough time has passed since the last save. */
  async maybeSave(): Promise<void> {
    if (this.#dirty >= 500 || (this.#dirty > 0 && Date.now() - this.#lastSave > 5000)) await this.save();
  }

  /** Writes the manifest atomically (temp file, then rename); saves are serialised. */
  save(): Promise<void> {
    const run = async () => {
      if (this.#dirty === 0) return;
      this.#dirty = 0;
      this.#lastSave = Date.now();
      const body: ManifestFile = {
        version: 1,
        folderId: this.folderId,
        files: Object.fromEntries(this.#files),
      };
      const target = join(this.dir, MIRROR_META_DIR, "manifest.json");
      const tmp = `${target}.${++this.#tmpSeq}.tmp`;
      await Deno.writeTextFile(tmp, JSON.stringify(body));
      await Deno.rename(tmp, target);
    };
    this.#saving = this.#saving.then(run, run);
    return this.#saving;
  }
}

function entryOf(file: DriveFile, path: string): ManifestEntry {
  return { path, md5: file.md5, size: file.size, modified: file.modified };
}

async function sizeOnDisk(path: string): Promise<number | undefined> {
  try {
    const st = await Deno.stat(path);
    return st.isFile ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Drive file id of each photo of a mirror, by its relative path, read from the manifest
 * without opening the mirror for writing; undefined when `dir` is not a Drive mirror.
 */
export async function readMirrorIds(dir: string): Promise<Map<string, string> | undefined> {
  const file = join(dir, MIRROR_META_DIR, "manifest.json");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new ToolkitError(`${file}: cannot read the mirror manifest (${(e as Error).message})`);
  }
  let m: ManifestFile;
  try {
    m = JSON.parse(text);
  } catch {
    throw new ToolkitError(`${file}: not a mirror manifest (not JSON)`);
  }
  const out = new Map<string, string>();
  for (const [id, e] of Object.entries(m.files ?? {})) {
    if (e && typeof e.path === "string" && isSafeRelativePath(e.path)) out.set(e.path, id);
  }
  return out;
}
