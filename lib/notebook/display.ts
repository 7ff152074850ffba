/**
 * Rich output for Jupyter's Deno kernel without depending on it: values that carry a MIME
 * bundle under `Symbol.for("Jupyter.display")` (what the kernel calls on a cell's last
 * expression and in `Deno.jupyter.display`), and {@link show}, which displays them in a
 * notebook and prints their text form anywhere else (tests, scripts).
 * @module
 */
import { Buffer } from "node:buffer";
import type { SafeHtml } from "../util/html.ts";

/** The symbol the Deno kernel looks for (`Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** MIME type -> content (text, or base64 for images), as Jupyter's display_data carries it. */
export type MimeBundle = Record<string, string>;

/** A value the Deno kernel shows richly; `text` is its plain-text form. */
export interface Displayable {
  /** The MIME bundle (always with `text/plain`). */
  [JUPYTER_DISPLAY](): MimeBundle;
  /** The plain-text form. */
  readonly text: string;
}

/** Wraps a bundle (a `text/plain` entry is added from `text` when missing). */
export function displayable(bundle: MimeBundle, text = bundle["text/plain"] ?? ""): Displayable {
  const full = { ...bundle, "text/plain": bundle["text/plain"] ?? text };
  return {
    [JUPYTER_DISPLAY]: () => ({ ...full }),
    text: full["text/plain"],
    toString: () => full["text/plain"],
  } as Displayable;
}

/** True when `v` carries a Jupyter MIME bundle. */
export function isDisplayable(v: unknown): v is Displayable {
  return typeof v === "object" && v !== null &&
    typeof (v as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function";
}

/** The bundle of a displayable value. */
export function bundleOf(v: Displayable): MimeBundle {
  return v[JUPYTER_DISPLAY]();
}

/** HTML (built with `markup`, so every outside string is escaped) with a plain-text form. */
export function html(content: SafeHtml, text = "[HTML]"): Displayable {
  return displayable({ "text/html": content.value, "text/plain": text });
}

/**
 * An SVG figure (e.g. from lib/viz); `text` names it in text form. The bundle carries the SVG
 * twice: inline in `text/html`, which every front end and exporter shows first (Debian's
 * nbconvert 6.5 writes every `image/svg+xml` output as an empty image in HTML, a known bug),
 * and as `image/svg+xml` for the front ends that prefer it.
 */
export function svg(svgText: string, text = "[SVG figure]"): Displayable {
  if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svgText)) {
    throw new RangeError("svg: the text does not start with an <svg> element");
  }
  const full = withSvgNamespace(svgText.replace(/^\s*<\?xml[^>]*>\s*/, ""));
  return displayable({
    "text/html": `<div class="facegroup-figure">${full}</div>`,
    "image/svg+xml": full,
    "text/plain": text,
  });
}

/**
 * Adds the SVG namespace (and the xlink one where used) to the root `<svg>` when missing:
 * JupyterLab shows `image/svg+xml` as an image, and an SVG image without its namespace is
 * blank (Observable Plot's server-side markup has none).
 */
export function withSvgNamespace(svgText: string): string {
  return svgText.replace(/<svg\b([^>]*)>/, (tag, attrs: string) => {
    let extra = "";
    if (!/\sxmlns=/.test(attrs)) extra += ' xmlns="http://www.w3.org/2000/svg"';
    if (svgText.includes("xlink:") && !/\sxmlns:xlink=/.test(attrs)) {
      extra += ' xmlns:xlink="http://www.w3.org/1999/xlink"';
    }
    return extra ? `<svg${extra}${attrs}>` : tag;
  });
}

/**
 * A figure from lib/viz: an `<svg>` is shown as `image/svg+xml`; Observable Plot's `<figure>`
 * (an SVG with a title or legend, its text escaped by the renderer) as HTML.
 */
export function figure(markupText: string, text = "[figure]"): Displayable {
  if (/^\s*<figure[\s>]/.test(markupText)) {
    return displayable({ "text/html": markupText, "text/plain": text });
  }
  return svg(markupText, text);
}

/** Bytes as base64 (what Jupyter expects for binary MIME types). */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Sniffs PNG or JPEG from the first bytes; undefined otherwise. */
export function imageType(bytes: Uint8Array): "image/png" | "image/jpeg" | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "image/png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

/** A PNG or JPEG image (e.g. a contact sheet); `text` describes it in text form. */
export function image(bytes: Uint8Array, text?: string): Displayable {
  const type = imageType(bytes);
  if (!type) throw new RangeError("image: the bytes are neither PNG nor JPEG");
  return displayable({ [type]: base64(bytes), "text/plain": text ?? `[${type}, ${bytes.length} bytes]` });
}

/** Markdown text (trusted: written by the notebook, never built from outside strings). */
export function markdown(text: string): Displayable {
  return displayable({ "text/markdown": text, "text/plain": text });
}

interface JupyterNamespace {
  display(obj: unknown, options?: { raw?: boolean }): Promise<void>;
}

/** `Deno.jupyter` when running in the Deno kernel, else undefined. */
export function jupyter(): JupyterNamespace | undefined {
  try {
    const j = (Deno as unknown as { jupyter?: JupyterNamespace }).jupyter;
    return j && typeof j.display === "function" ? j : undefined;
  } catch {
    return undefined; // Deno.jupyter throws outside the kernel in some versions.
  }
}

/**
 * Milliseconds to wait after displaying `chars` characters of output. Deno's kernel (2.x)
 * queues display messages and may report the cell finished ("idle") before it has sent them
 * all; a headless runner (nbclient) then drops the late ones, and so may a front end. The
 * wait lets the queue drain: measured here at well over 10 MB/s, so 100 ms per MB is ample.
 */
export function settleDelayMs(chars: number): number {
  return Math.ceil(20 + chars / 10_000);
}

function sizeOf(item: unknown): number {
  if (!isDisplayable(item)) return 1000;
  return Object.values(bundleOf(item)).reduce((n, v) => n + v.length, 0);
}

/**
 * Shows each item, in order: in the Deno kernel as rich output (several per cell; end a cell
 * with `await show(...)` rather than a bare expression, see {@link settleDelayMs}), elsewhere
 * as text on stdout (a displayable's text form; other values with console.log).
 */
export async function show(...items: unknown[]): Promise<void> {
  const j = jupyter();
  let chars = 0;
  for (const item of items) {
    if (j) {
      await j.display(item);
      chars += sizeOf(item);
    } else if (isDisplayable(item)) console.log(item.text);
    else console.log(item);
  }
  if (j) await new Promise((resolve) => setTimeout(resolve, settleDelayMs(chars)));
}

/**
 * A log function for long loops that writes every line except those matching `repeated`, of
 * which it writes only every `every`-th as a count (e.g. one line per finished sweep run).
 * Lines go to stdout by default: a notebook shows stderr as red, as if it were an error.
 */
export function thinLog(
  repeated: RegExp,
  every = 25,
  write: (line: string) => void = (l) => console.log(l),
): (line: string) => void {
  let count = 0;
  return (line) => {
    if (!repeated.test(line)) return write(line);
    if (++count % every === 0) write(`  ... ${count} done`);
  };
}

/**
 * Runs `fn` with whatever it writes to standard error (e.g. the pipeline's progress lines,
 * lib/util/progress.ts) sent to standard output instead, so that a notebook shows progress as
 * ordinary output, not in red as if it were an error; standard error is restored afterwards.
 * Meant for a notebook cell (it swaps the process's stderr writers while `fn` runs).
 */
export async function progressOnStdout<T>(fn: () => Promise<T>): Promise<T> {
  const err = Deno.stderr as unknown as {
    writeSync: (b: Uint8Array) => number;
    write: (b: Uint8Array) => Promise<number>;
  };
  const { writeSync, write } = err;
  const hadOwn = Object.hasOwn(err, "writeSync"), hadOwnWrite = Object.hasOwn(err, "write");
  // Through console.log: the Deno kernel sends what it logs to the notebook, not Deno.stdout.
  const dec = new TextDecoder();
  const line = (b: Uint8Array) => {
    const text = dec.decode(b).replace(/\r?\n$/, "");
    if (text) console.log(text);
    return b.length;
  };
  err.writeSync = line;
  err.write = (b) => Promise.resolve(line(b));
  const log = console.error;
  console.error = console.log;
  try {
    return await fn();
  } finally {
    console.error = log;
    if (hadOwn) err.writeSync = writeSync;
    else delete (err as Partial<typeof err>).writeSync;
    if (hadOwnWrite) err.write = write;
    else delete (err as Partial<typeof err>).write;
  }
}
