/**
 * A local folder of photos as an {@link ImageSource}: recursive, common image types,
 * the first folder level as an optional ground-truth label.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import type { ImageRef, ImageSource } from "./types.ts";
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
  /** Follow symbolic links to files and folders (loops are cut). @default true */
  followSymlinks?: boolean;
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
    }, opts);
  }

  /** Human-readable description. */
  get description(): string {
    return `folder ${this.root}`;
  }

  /** Lists images recursively, sorted by path; a missing root is an error naming it. */
  async *list(signal?: AbortSignal): AsyncIterable<ImageRef> {
    try {
      const st = await Deno.stat(this.root);
      if (!st.isDirectory) throw new ToolkitError(`${this.root}: not a folder`);
    } catch (e) {
      if (e instanceof ToolkitError) throw e;
      throw new ToolkitError(`${this.root}: cannot open the input folder (${(e as Error).message})`, {
        cause: e,
      });
    }
    const seen = new Set<string>();
    yield* this.#walk("", signal, seen);
  }

  async *#walk(rel: string, signal: AbortSignal | undefined, seen: Set<string>): AsyncIterable<ImageRef> {
    signal?.throwIfAborted();
    const dir = rel ? `${this.root}/${rel}` : this.root;
    const real = await Deno.realPath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory, isFile = e.isFile;
      if (e.isSymlink) {
        if (!this.#opts.followSymlinks) continue;
        try {
          const st = await Deno.stat(`${this.root}/${childRel}`);
          isDir = st.isDirectory, isFile = st.isFile;
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) {
        yield* this.#walk(childRel, signal, seen);
      } else if (isFile) {
        const dot = e.name.lastIndexOf(".");
        if (dot < 0 || !IMAGE_EXTENSIONS.has(e.name.slice(dot).toLowerCase())) continue;
        const st = await Deno.stat(`${this.root}/${childRel}`);
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
