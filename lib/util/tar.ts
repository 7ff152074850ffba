/**
 * Reading files out of a gzipped tar archive (the format of npm package tarballs),
 * with no external tools.
 * @module
 */
import { ToolkitError } from "../errors.ts";

/** Gunzips bytes with the platform's DecompressionStream. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function text(block: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && block[end] !== 0) end++;
  return new TextDecoder().decode(block.subarray(start, end));
}

/**
 * Returns the files of an (uncompressed) tar archive whose paths are in `wanted`
 * (all regular files when `wanted` is omitted), as path -> bytes.
 * `name` names the archive in error messages.
 */
export function untar(
  tar: Uint8Array,
  wanted?: ReadonlySet<string>,
  name = "archive",
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const sizeText = text(header, 124, 12).trim();
    const size = parseInt(sizeText || "0", 8);
    if (!Number.isFinite(size)) throw new ToolkitError(`${name}: corrupt tar header at byte ${off}`);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = text(header, 345, 155);
    let path = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    const dataStart = off + 512;
    if (dataStart + size > tar.length) throw new ToolkitError(`${name}: truncated tar entry ${path}`);
    const data = tar.subarray(dataStart, dataStart + size);
    if (type === "L") longName = text(data, 0, data.length);
    else if (type === "0" || type === "\0") {
      path = path.replace(/^\.\//, "");
      if (!wanted || wanted.has(path)) out.set(path, data.slice());
    }
    off = dataStart + Math.ceil(size / 512) * 512;
  }
  return out;
}
