/**
 * A local folder of photos as an {@link ImageSource}: recursive, common image types,
 * the first folder level as an optional ground-truth label. Every entry with an image name that
 * cannot be offered (an unreadable folder, a symbolic-link loop, a dangling link, a FIFO or socket)
 * is reported with its reason instead of being skipped in silence, and the listing goes on.
 * @module
 */
import { type FileFailure, ToolkitError } from "../errors.ts";
import type { ImageRef, ImageSource, OnSkipped } from "./types.ts";
import { withDefaults } from "../util/defaults.ts";

/** File extensions taken as images (lower case). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".gif",
  ".tif",
  ".tiff",
  ".avif",
  ".heic",
  ".heif",
  ".bmp",
]);

/** Options of {@link LocalFolderSource}. */
export interface LocalFolderOptions {
  /** Use the first folder level under the root as each photo's label. @default false */
  labelsFromFolders?: boolean;
  /** Follow symbolic links to files and folders (loops are cut and reported). @default true */
  followSymlinks?: boolean;
  /**
   * Lists one folder; tests replace it to make a folder fail the way an unreadable one does
   * (root can read every folder). @default Deno.readDir
   */
  readDir?: (path: string) => AsyncIterable<Deno.DirEntry>;
}

/** Whether `name` ends in one of {@link IMAGE_EXTENSIONS} (case-insensitive). */
export function hasImageName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}

/** A name with no extension at all: a link so named may have been a folder. */
function hasNoExtension(name: string): boolean {
  return name.lastIndexOf(".") <= 0;
}

/** The operating system's reason, without the path Deno appends (`...: readdir '/x'`). */
export function osReason(e: unknown): string {
  const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
  return msg.replace(/:\s*\w+\s+'.*'$/, "").trim() || msg;
}

/**
 * The reason an entry could not be opened; a name that is not valid UTF-8 comes back from the
 * listing with U+FFFD in it and then names no file, which is said instead of "not found".
 */
function openReason(name: string, e: unknown): string {
  if (e instanceof Deno.errors.NotFound && name.includes("\uFFFD")) {
    return "its name is not valid UTF-8 (shown with \uFFFD) and cannot be opened: rename it";
  }
  return osReason(e);
}

/** What kind of special file `st` is, in words. */
function specialKind(st: Deno.FileInfo): string {
  if (st.isFifo) return "a FIFO (named pipe)";
  if (st.isSocket) return "a socket";
  if (st.isCharDevice) return "a character device";
  if (st.isBlockDevice) return "a block device";
  return "neither a file nor a folder";
}

/** Photos under a folder on disk. */
export class LocalFolderSource implements ImageSource {
  /** The folder, as given. */
  readonly root: string;
  readonly #opts: Required<LocalFolderOptions>;

  /** A source reading the images under `root`. */
  constructor(root: string, opts: LocalFolderOptions = {}) {
    this.root = root.replace(/\/+$/, "") || "/";
    this.#opts = withDefaults<Required<LocalFolderOptions>>({
      labelsFromFolders: false,
      followSymlinks: true,
      readDir: (p) => Deno.readDir(p),
    }, opts);
  }

  /** Human-readable description. */
  get description(): string {
    return `folder ${this.root}`;
  }

  /**
   * Lists images recursively, sorted by path. A missing or unreadable root is an error naming
   * it; below it, each entry that cannot be listed is given to `onSkipped` (stage `list`) and the
   * listing goes on: an unreadable folder, a symbolic link that loops or leads to a folder already
   * listed, a dangling link, and a FIFO, socket or device with an image name. Hidden entries
   * (`.name`) and files without an image extension are left out without a word.
   */
  async *list(signal?: AbortSignal, onSkipped?: OnSkipped): AsyncIterable<ImageRef> {
    try {
      const st = await Deno.stat(this.root);
      if (!st.isDirectory) throw new ToolkitError(`${this.root}: not a folder`);
    } catch (e) {
      if (e instanceof ToolkitError) throw e;
      throw new ToolkitError(`${this.root}: cannot open the input folder (${osReason(e)})`, { cause: e });
    }
    const skip = (path: string, reason: string) => {
      const f: FileFailure = { path, stage: "list", message: `${path}: ${reason}` };
      onSkipped?.(f);
    };
    yield* this.#walk("", signal, new Map(), [], skip);
  }

  async *#walk(
    rel: string,
    signal: AbortSignal | undefined,
    seen: Map<string, string>,
    ancestors: string[],
    skip: (path: string, reason: string) => void,
  ): AsyncIterable<ImageRef> {
    signal?.throwIfAborted();
    const dir = rel ? `${this.root}/${rel}` : this.root;
    let real: string;
    try {
      real = await Deno.realPath(dir);
    } catch (e) {
      if (!rel) throw new ToolkitError(`${this.root}: cannot open the input folder (${osReason(e)})`);
      return skip(rel, `folder cannot be opened (${openReason(rel, e)}); its photos are not included`);
    }
    const first = seen.get(real);
    if (first !== undefined) {
      const where = first === "" ? "the input folder" : `folder ${first}`;
      return skip(
        rel,
        ancestors.includes(real)
          ? `symbolic link loop: leads back to ${where}; not followed`
          : `leads to ${where}, already listed; not listed twice`,
      );
    }
    seen.set(real, rel);
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of this.#opts.readDir(dir)) entries.push(e);
    } catch (e) {
      if (!rel) throw new ToolkitError(`${this.root}: cannot read the input folder (${osReason(e)})`);
      skip(
        rel,
        `folder cannot be read (${osReason(e)}); ` +
          (entries.length ? "only part of it was listed" : "its photos are not included"),
      );
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const inside = [...ancestors, real];
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const full = `${this.root}/${childRel}`;
      const imageName = hasImageName(e.name);
      let st: Deno.FileInfo;
      if (e.isSymlink) {
        if (!this.#opts.followSymlinks) {
          if (imageName) skip(childRel, "symbolic link not followed (followSymlinks is off)");
          continue;
        }
        try {
          st = await Deno.stat(full);
        } catch (err) {
          if (imageName || hasNoExtension(e.name)) skip(childRel, await brokenLink(full, err));
          continue;
        }
      } else if (e.isDirectory) {
        yield* this.#walk(childRel, signal, seen, inside, skip);
        continue;
      } else if (!imageName) {
        continue;
      } else {
        try {
          st = await Deno.stat(full);
        } catch (err) {
          skip(childRel, `cannot be read (${openReason(e.name, err)})`);
          continue;
        }
      }
      if (st.isDirectory) {
        yield* this.#walk(childRel, signal, seen, inside, skip);
      } else if (!imageName) {
        continue;
      } else if (!st.isFile) {
        skip(childRel, `not a regular file but ${specialKind(st)}; not read`);
      } else {
        const slash = childRel.indexOf("/");
        yield {
          id: childRel,
          path: childRel,
          size: st.size,
          modified: st.mtime?.getTime() ?? 0,
          label: this.#opts.labelsFromFolders && slash > 0 ? childRel.slice(0, slash) : undefined,
        };
      }
    }
  }

  /** Reads one image's bytes. */
  async read(ref: ImageRef): Promise<Uint8Array> {
    return await Deno.readFile(`${this.root}/${ref.path}`);
  }
}

/** Why the symbolic link at `full` cannot be followed, in words. */
async function brokenLink(full: string, err: unknown): Promise<string> {
  if (err instanceof Deno.errors.NotFound) {
    let target = "";
    try {
      target = await Deno.readLink(full);
    } catch { /* the reason stays general */ }
    return `dangling symbolic link: its target ${target ? `${target} ` : ""}does not exist`;
  }
  const reason = osReason(err);
  if (/too many levels of symbolic links|os error 40\b/i.test(reason)) {
    return "symbolic link loop: the link leads back to itself";
  }
  return `symbolic link cannot be followed (${reason})`;
}
