/**
 * Whether a path exists.
 * @module
 */

/** True when `path` exists (file, folder or anything `Deno.stat` can see), false otherwise. */
export async function exists(path: string | URL): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
