/**
 * Writing a file so that readers never see a half-written one.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { errorMessage, ToolkitError } from "../errors.ts";

/**
 * Writes `data` to `file` atomically: into a temporary file in the same folder, then renamed
 * over `file`. Creates the parent folder if needed. On failure (no space left, say) the
 * temporary file is removed, an existing `file` is left untouched, and the error (a
 * {@link ToolkitError}, the original as its cause) names `file`.
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
    throw new ToolkitError(`could not write ${file}: ${errorMessage(e)}`, { cause: e });
  }
}
