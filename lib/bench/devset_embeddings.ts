/**
 * The development sets' embeddings as `deno task bench:devsets` writes them
 * (`<dir>/<set>/run/embeddings`), for the benches that read them (lib/bench/ceiling.ts,
 * lib/bench/alternatives.ts).
 * @module
 */
import { type EmbeddingSet, readEmbeddingSet } from "../store/embedding_set.ts";

/** The development sets bench:devsets embeds. */
export const DEVSET_NAMES = ["lfw", "pins"] as const;

/**
 * Reads the sets found under `dir`; a set that is absent is left out, and `say` is told where it
 * was looked for.
 */
export async function readDevsetEmbeddings(
  dir: string,
  say: (line: string) => void,
): Promise<Partial<Record<(typeof DEVSET_NAMES)[number], EmbeddingSet>>> {
  const loaded: Partial<Record<(typeof DEVSET_NAMES)[number], EmbeddingSet>> = {};
  for (const name of DEVSET_NAMES) {
    const at = `${dir}/${name}/run/embeddings`;
    try {
      await Deno.stat(`${at}/vectors.npy`);
    } catch {
      say(`skipped ${name}: no embedding set at ${at} (run deno task bench:devsets first)`);
      continue;
    }
    loaded[name] = await readEmbeddingSet(at);
  }
  return loaded;
}
