/**
 * File and folder names made from outside text (a person's name, a photo's file name) that are
 * safe on every common file system: one path component, never `.`/`..`, hidden or reserved, and
 * distinct from the names already used (compared without case, as macOS and Windows do).
 * @module
 */

/** Windows device names, refused as names whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** Longest name in UTF-8 bytes (file systems allow 255; room is left for a ` (n)` suffix). */
export const MAX_NAME_BYTES = 120;

const enc = new TextEncoder();

/** `s` cut to at most `max` UTF-8 bytes, on a code point boundary. */
function cutBytes(s: string, max: number): string {
  if (enc.encode(s).length <= max) return s;
  let out = "";
  for (const ch of s) {
    if (enc.encode(out + ch).length > max) break;
    out += ch;
  }
  return out;
}

/**
 * `text` as one safe path component: Unicode NFC; path separators, control characters and
 * `<>:"|?*` become `_`; runs of white space one space; leading dots and spaces, and trailing dots
 * and spaces, dropped; a Windows device name gets a trailing `_`; at most {@link MAX_NAME_BYTES}
 * bytes (an extension `.ext` of up to 10 characters is kept when the rest is cut). Returns ""
 * when nothing is left.
 */
export function safeName(text: string): string {
  let s = text.normalize("NFC")
    // deno-lint-ignore no-control-regex -- control characters are what is replaced
    .replace(/[\u0000-\u001f\u007f-\u009f/\\<>:"|?*]/g, "_")
    .replace(/\s+/gu, " ")
    .replace(/^[.\s]+/u, "")
    .replace(/[.\s]+$/u, "");
  if (RESERVED.test(s)) s = s.replace(/^([^.]*)/, "$1_");
  if (enc.encode(s).length > MAX_NAME_BYTES) {
    const m = /(\.[^.\s]{1,10})$/.exec(s);
    const ext = m ? m[1] : "";
    s = cutBytes(s.slice(0, s.length - ext.length), MAX_NAME_BYTES - enc.encode(ext).length).replace(
      /[.\s]+$/u,
      "",
    ) +
      ext;
  }
  return s;
}

/**
 * Hands out names that differ from each other and from `reserved`, without case: the first
 * asking for `Ada` gets `Ada`, the next `Ada (2)`, and so on (before the extension for files:
 * `a.jpg`, `a (2).jpg`).
 */
export class UniqueNames {
  readonly #used = new Set<string>();

  /** Names taken from the start (e.g. a file that sits beside the folders). */
  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.#used.add(r.toLowerCase());
  }

  /** A name not handed out yet, made from `wanted` (already safe) and `fallback` when empty. */
  take(wanted: string, fallback: string, keepExtension = false): string {
    const base = wanted || fallback;
    const m = keepExtension ? /^(.+?)(\.[^.]{1,10})?$/.exec(base) : null;
    const stem = m ? m[1] : base, ext = m?.[2] ?? "";
    let name = base;
    for (let n = 2; this.#used.has(name.toLowerCase()); n++) name = `${stem} (${n})${ext}`;
    this.#used.add(name.toLowerCase());
    return name;
  }
}
