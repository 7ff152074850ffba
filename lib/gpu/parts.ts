/**
 * Splits a large file into parts under a size limit, and joins them back, with a manifest of
 * SHA-256 sums: the device machine takes at most 64 MiB per call, and a provider tarball is
 * 180 MB. `deno run -A lib/gpu/parts.ts --help`.
 * @module
 */
import { basename, join } from "node:path";
import { ToolkitError } from "../errors.ts";
import { sha256File } from "./file_hash.ts";

/** One part of a split file. */
export interface PartInfo {
  /** File name of the part (no folder). */
  name: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256. */
  sha256: string;
}

/** What `<file>.parts.json` holds. */
export interface PartsManifest {
  /** Name of the whole file (no folder). */
  file: string;
  /** Bytes of the whole file. */
  size: number;
  /** SHA-256 of the whole file. */
  sha256: string;
  /** Parts in order. */
  parts: PartInfo[];
}

/** Name of the manifest written beside the parts of `file`. */
export function manifestName(file: string): string {
  return `${basename(file)}.parts.json`;
}

/** Name of the `sha256sum -c` list written beside the manifest (for joining with coreutils alone). */
export function sha256sumName(file: string): string {
  return `${basename(file)}.parts.sha256`;
}

/** The parts' SHA-256 sums in `sha256sum` format, one line per part, in order. */
export function sha256sumText(m: PartsManifest): string {
  return m.parts.map((p) => `${p.sha256}  ${p.name}\n`).join("");
}

/**
 * Splits `file` into parts of at most `partBytes` bytes. Part `i` goes to `outDirs[i]` when
 * several folders are given (one folder per device call), else all into `outDirs[0]`; the
 * manifest goes into the first folder. Returns the manifest.
 */
export async function splitFile(file: string, outDirs: string[], partBytes: number): Promise<PartsManifest> {
  if (!Number.isInteger(partBytes) || partBytes < 1) {
    throw new RangeError(`partBytes must be a whole number >= 1, got ${partBytes}`);
  }
  if (outDirs.length === 0) throw new RangeError("splitFile needs at least one output folder");
  const whole = await sha256File(file);
  const count = Math.max(1, Math.ceil(whole.size / partBytes));
  if (outDirs.length > 1 && outDirs.length < count) {
    throw new ToolkitError(
      `${file}: ${whole.size} bytes make ${count} parts of ${partBytes}, but only ${outDirs.length} folders were given`,
    );
  }
  for (const d of new Set(outDirs)) await Deno.mkdir(d, { recursive: true });
  const parts: PartInfo[] = [];
  using src = await Deno.open(file, { read: true });
  const buf = new Uint8Array(Math.min(partBytes, 1 << 22));
  for (let i = 0; i < count; i++) {
    const name = `${basename(file)}.part-${String(i).padStart(3, "0")}`;
    const dest = join(outDirs.length > 1 ? outDirs[i] : outDirs[0], name);
    {
      using out = await Deno.open(dest, { write: true, create: true, truncate: true });
      let left = Math.min(partBytes, whole.size - i * partBytes);
      while (left > 0) {
        const n = await src.read(buf.subarray(0, Math.min(buf.length, left)));
        if (n === null) throw new ToolkitError(`${file}: changed while it was being split`);
        let off = 0;
        while (off < n) off += await out.write(buf.subarray(off, n));
        left -= n;
      }
    }
    parts.push({ name, ...(await sha256File(dest)) });
  }
  const manifest: PartsManifest = { file: basename(file), size: whole.size, sha256: whole.sha256, parts };
  await Deno.writeTextFile(join(outDirs[0], manifestName(file)), JSON.stringify(manifest, null, 2) + "\n");
  await Deno.writeTextFile(join(outDirs[0], sha256sumName(file)), sha256sumText(manifest));
  return manifest;
}

/** Reads and checks a manifest written by {@link splitFile}. */
export async function readManifest(path: string): Promise<PartsManifest> {
  let m: PartsManifest;
  try {
    m = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ToolkitError(`cannot read parts manifest ${path}: ${(e as Error).message}`, { cause: e });
  }
  const hex = /^[0-9a-f]{64}$/;
  const ok = typeof m?.file === "string" && Number.isInteger(m.size) && hex.test(m.sha256) &&
    Array.isArray(m.parts) &&
    m.parts.every((p) =>
      typeof p?.name === "string" && !p.name.includes("/") && Number.isInteger(p.size) && hex.test(p.sha256)
    );
  if (!ok) throw new ToolkitError(`${path}: not a parts manifest (file, size, sha256, parts[])`);
  if (m.parts.reduce((s, p) => s + p.size, 0) !== m.size) {
    throw new ToolkitError(`${path}: the parts' sizes do not add up to ${m.size}`);
  }
  return m;
}

/** Where each part lies among `dirs`; lists the missing ones instead of failing on the first. */
export async function locateParts(
  m: PartsManifest,
  dirs: string[],
): Promise<{ found: Map<string, string>; missing: string[] }> {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const p of m.parts) {
    let at: string | undefined;
    for (const d of dirs) {
      try {
        if ((await Deno.stat(join(d, p.name))).isFile) {
          at = join(d, p.name);
          break;
        }
      } catch { /* not here */ }
    }
    if (at) found.set(p.name, at);
    else missing.push(p.name);
  }
  return { found, missing };
}

/**
 * Joins the parts of manifest `manifestPath`, looked for in `dirs` (default: the manifest's
 * folder), into `outFile`, checking each part's and the whole's size and SHA-256; the file
 * appears under its name only when complete and correct. An `outFile` that already holds the
 * right bytes is left alone (returns false); returns true when it was written.
 */
export async function joinParts(manifestPath: string, outFile: string, dirs?: string[]): Promise<boolean> {
  const m = await readManifest(manifestPath);
  try {
    const have = await sha256File(outFile);
    if (have.size === m.size && have.sha256 === m.sha256) return false;
  } catch { /* absent */ }
  const folders = dirs?.length
    ? dirs
    : [manifestPath.slice(0, Math.max(0, manifestPath.lastIndexOf("/"))) || "."];
  const { found, missing } = await locateParts(m, folders);
  if (missing.length) {
    throw new ToolkitError(
      `${m.file}: missing part(s) ${missing.join(", ")} (looked in ${folders.join(", ")})`,
    );
  }
  for (const p of m.parts) {
    const got = await sha256File(found.get(p.name)!);
    if (got.size !== p.size || got.sha256 !== p.sha256) {
      throw new ToolkitError(
        `${
          found.get(p.name)
        }: ${got.size} bytes, sha256 ${got.sha256}; the manifest says ${p.size} bytes, ${p.sha256}`,
      );
    }
  }
  const tmp = `${outFile}.joining`;
  {
    using out = await Deno.open(tmp, { write: true, create: true, truncate: true });
    for (const p of m.parts) {
      using src = await Deno.open(found.get(p.name)!, { read: true });
      await src.readable.pipeTo(out.writable, { preventClose: true });
    }
  }
  const whole = await sha256File(tmp);
  if (whole.size !== m.size || whole.sha256 !== m.sha256) {
    await Deno.remove(tmp);
    throw new ToolkitError(
      `${outFile}: joined ${whole.size} bytes, sha256 ${whole.sha256}; expected ${m.sha256}`,
    );
  }
  await Deno.rename(tmp, outFile);
  return true;
}

const USAGE = `usage:
  deno run -A lib/gpu/parts.ts split <file> <bytes> <dir> [<dir> ...]
      parts of at most <bytes> (part i into the i-th dir when several are given; manifest
      <file>.parts.json and the sha256sum list <file>.parts.sha256 into the first)
  deno run -A lib/gpu/parts.ts join <manifest> <out-file> [<dir> ...]
      joins the parts found in the dirs (default: the manifest's folder), checking sha256`;

/** Entry point; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  if (!cmd || cmd === "-h" || cmd === "--help") {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  try {
    if (cmd === "split" && rest.length >= 3 && /^\d+$/.test(rest[1])) {
      const m = await splitFile(rest[0], rest.slice(2), Number(rest[1]));
      for (const p of m.parts) console.log(`${p.name}  ${p.size} bytes  sha256 ${p.sha256}`);
      console.log(
        `${m.file}: ${m.size} bytes in ${m.parts.length} part(s); manifest ${manifestName(m.file)}`,
      );
      return 0;
    }
    if (cmd === "join" && rest.length >= 2) {
      const wrote = await joinParts(rest[0], rest[1], rest.slice(2));
      console.log(
        wrote ? `joined ${rest[1]} (sha256 checked)` : `${rest[1]} already complete (sha256 checked)`,
      );
      return 0;
    }
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
  console.error(`error: bad arguments\n${USAGE}`);
  return 2;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
