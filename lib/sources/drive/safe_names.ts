/**
 * Turning Drive names (which may hold `/`, `..`, control characters, and repeat within a folder)
 * into names that are safe as one path segment on any disk.
 * @module
 */

/** The folder inside a mirror that holds its own bookkeeping; no Drive name may take it. */
export const MIRROR_META_DIR = ".facegroup-drive";

/** Longest segment in UTF-8 bytes (most file systems allow 255). */
const MAX_SEGMENT_BYTES = 200;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Makes one Drive name safe as a single path segment: separators and characters that some file
 * systems refuse become `_`, control characters go, `.`/`..`/empty become `_`, trailing dots and
 * spaces go, reserved names get a `_` prefix, and the length is capped keeping the extension.
 *
 * @example
 * ```ts
 * safeName("a/b..jpg"); // "a_b..jpg"
 * safeName(".."); // "_"
 * ```
 */
export function safeName(name: string): string {
  let s = name.normalize("NFC")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/[/\\:*?"<>|]/g, "_")
    .trim()
    .replace(/[. ]+$/, "");
  if (s === "" || /^\.+$/.test(s)) s = "_";
  if (WINDOWS_RESERVED.test(s) || s.toLowerCase() === MIRROR_META_DIR) s = `_${s}`;
  return capBytes(s, MAX_SEGMENT_BYTES);
}

/** Splits a name into stem and extension (`.jpg`); a leading dot is part of the stem. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || name.length - dot > 10) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

/** Cuts `s` to at most `max` UTF-8 bytes, keeping its extension and never splitting a character. */
function capBytes(s: string, max: number): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= max) return s;
  const [stem, ext] = splitExtension(s);
  let out = "";
  let used = enc.encode(ext).length;
  for (const ch of stem) {
    const n = enc.encode(ch).length;
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out + ext;
}

/**
 * Hands out unique safe names within one folder. Uniqueness ignores case (so a mirror works on
 * case-insensitive disks); a repeat gets ` (2)`, ` (3)`… before its extension.
 * Give it names in a stable order (e.g. sorted) so that reruns give the same answer.
 */
export class SafeNamer {
  #taken = new Set<string>();

  /** Returns a safe name for `name` not yet handed out by this namer. */
  take(name: string): string {
    const base = safeName(name);
    let candidate = base;
    const [stem, ext] = splitExtension(base);
    for (let i = 2; this.#taken.has(candidate.toLowerCase()); i++) {
      candidate = capBytes(`${stem} (${i})`, MAX_SEGMENT_BYTES - new TextEncoder().encode(ext).length) + ext;
    }
    this.#taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** True when `path` is a relative `/`-joined path whose every segment is what {@link safeName} gives. */
export function isSafeRelativePath(path: string): boolean {
  if (path === "") return false;
  return path.split("/").every((seg) => seg !== "" && safeName(seg) === seg);
}
