/**
 * SHA-256 of files too large to read into memory at once (provider libraries of 230 MB).
 * @module
 */
import { createHash } from "node:crypto";

/** Lower-case hex SHA-256 and size of the file at `path`, read in chunks. */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}
