/**
 * Reads gzip-compressed tar archives (npm tarballs) as a stream, and writes chosen entries to
 * disk with their SHA-256, without holding an entry in memory: an npm tarball of GPU provider
 * libraries is 180 MB, one library in it 230 MB.
 * @module
 */
import { createHash } from "node:crypto";
import { ToolkitError } from "../errors.ts";

/** One regular file in an archive. */
export interface TarFile {
  /** Path inside the archive (npm tarballs start with `package/`). */
  name: string;
  /** Bytes. */
  size: number;
}

/** A file written out of the archive. */
export interface ExtractedFile extends TarFile {
  /** Where it was written. */
  dest: string;
  /** Lower-case hex SHA-256 of what was written. */
  sha256: string;
}

/** Pulls exact byte counts out of a stream of chunks. */
class ByteReader {
  readonly #it: AsyncIterator<Uint8Array>;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#it = stream[Symbol.asyncIterator]();
  }

  /** Fills the buffer with at least one unread byte; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#buf.length) {
      const r = await this.#it.next();
      if (r.done) return false;
      this.#buf = r.value;
      this.#pos = 0;
    }
    return true;
  }

  /** Exactly `n` bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n && await this.#fill()) {
      const take = Math.min(n - got, this.#buf.length - this.#pos);
      out.set(this.#buf.subarray(this.#pos, this.#pos + take), got);
      this.#pos += take;
      got += take;
    }
    return got === n ? out : out.subarray(0, got);
  }

  /** Stops reading (closes the underlying file). */
  async close(): Promise<void> {
    await this.#it.return?.();
  }

  /** Passes the next `n` bytes to `sink` chunk by chunk; returns how many there were. */
  async pipe(n: number, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<number> {
    let left = n;
    while (left > 0 && await this.#fill()) {
      const take = Math.min(left, this.#buf.length - this.#pos);
      await sink(this.#buf.subarray(this.#pos, this.#pos + take));
      this.#pos += take;
      left -= take;
    }
    return n - left;
  }
}

const dec = new TextDecoder();

function field(h: Uint8Array, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return dec.decode(end >= 0 ? raw.subarray(0, end) : raw);
}

function octal(h: Uint8Array, start: number, len: number, archive: string): number {
  const text = field(h, start, len).trim();
  if (!/^[0-7]*$/.test(text)) throw new ToolkitError(`${archive}: bad tar header (size field "${text}")`);
  return text === "" ? 0 : parseInt(text, 8);
}

/** The `path=` record of a pax extended header, if any. */
function paxPath(body: Uint8Array): string | undefined {
  const text = dec.decode(body);
  for (const line of text.split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Reads the gzip-compressed tar archive at `archive`; for each regular file, `choose(name)`
 * returns where to write it, or undefined to skip it. Returns every regular file of the
 * archive and the ones written (with their SHA-256). A truncated or malformed archive is an
 * error naming the file.
 */
export async function extractTgz(
  archive: string,
  choose: (name: string) => string | undefined,
): Promise<{ files: TarFile[]; extracted: ExtractedFile[] }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(archive, { read: true });
  } catch (e) {
    throw new ToolkitError(`cannot open ${archive}: ${(e as Error).message}`, { cause: e });
  }
  const files: TarFile[] = [];
  const extracted: ExtractedFile[] = [];
  const reader = new ByteReader(file.readable.pipeThrough(new DecompressionStream("gzip")));
  let longName: string | undefined;
  try {
    while (true) {
      const header = await reader.read(512);
      if (header.length === 0 || header.every((b) => b === 0)) break;
      if (header.length < 512) throw new ToolkitError(`${archive}: truncated tar header`);
      const size = octal(header, 124, 12, archive);
      const type = String.fromCharCode(header[156] || 48);
      const prefix = field(header, 257, 6).startsWith("ustar") ? field(header, 345, 155) : "";
      let name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      longName = undefined;
      const padded = Math.ceil(size / 512) * 512;
      if (type === "L" || type === "x") {
        const body = await reader.read(padded);
        if (body.length < padded) throw new ToolkitError(`${archive}: truncated at ${name}`);
        longName = type === "L" ? field(body, 0, size) : paxPath(body.subarray(0, size));
        continue;
      }
      if (type !== "0" && type !== "7") {
        if (await reader.pipe(padded, () => {}) < padded) {
          throw new ToolkitError(`${archive}: truncated at ${name}`);
        }
        continue;
      }
      name = name.replace(/^\.\//, "");
      files.push({ name, size });
      const dest = choose(name);
      if (dest === undefined) {
        if (await reader.pipe(padded, () => {}) < padded) {
          throw new ToolkitError(`${archive}: truncated at ${name}`);
        }
        continue;
      }
      const hash = createHash("sha256");
      using out = await Deno.open(dest, { write: true, create: true, truncate: true, mode: 0o755 });
      const got = await reader.pipe(size, async (chunk) => {
        hash.update(chunk);
        let off = 0;
        while (off < chunk.length) off += await out.write(chunk.subarray(off));
      });
      if (got < size) throw new ToolkitError(`${archive}: truncated in ${name} (${got} of ${size} bytes)`);
      await reader.pipe(padded - size, () => {});
      extracted.push({ name, size, dest, sha256: hash.digest("hex") });
    }
  } catch (e) {
    if (e instanceof ToolkitError) throw e;
    throw new ToolkitError(`${archive}: cannot read as a gzip tar archive: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    await reader.close().catch(() => {});
  }
  return { files, extracted };
}
