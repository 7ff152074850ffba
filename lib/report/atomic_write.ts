/**
 * Writing a file so that readers never see a half-written one.
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `file` atomically: into a temporary file in the same folder, then renamed
 * over `file`. Creates the parent folder if needed. On failure the temporary file is removed
 * and an existing `file` is left untouched.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(file);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${crypto.randomUUID()}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, file);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
