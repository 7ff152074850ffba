/**
 * Where the LFW evaluation data lies (`../shared/datasets/lfw` beside the repository, or a
 * folder given with `--data`), for the benchmarks that need it.
 * @module
 */

/** The LFW folder (holding `images_deepfunneled/`, `pairs.txt`), or the default location. */
export function lfwRoot(data?: string): string {
  return data ?? new URL("../../../shared/datasets/lfw", import.meta.url).pathname;
}

/**
 * The LFW folder when its images are there; otherwise prints a line saying the benchmark is
 * skipped and why, and returns undefined (the caller exits with status 0).
 */
export async function lfwOrSkip(data?: string): Promise<string | undefined> {
  const root = lfwRoot(data);
  try {
    await Deno.stat(`${root}/images_deepfunneled`);
    return root;
  } catch {
    console.log(`skipped: the LFW data set is not at ${root} (see ../shared/datasets/README.md)`);
    return undefined;
  }
}
