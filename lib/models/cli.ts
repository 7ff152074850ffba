/**
 * `deno task models`: fetch and verify every model of a pipeline (default: all models).
 * @module
 */
import { loadCatalogue, pipelineModels } from "./catalogue.ts";
import { ensureModels } from "./fetch.ts";
import { errorMessage } from "../errors.ts";

if (import.meta.main) {
  const name = Deno.args[0];
  try {
    const cat = await loadCatalogue();
    const specs = name ? Object.values(pipelineModels(cat, name)).filter((m) => m !== undefined) : cat.models;
    await ensureModels(specs, { log: (l) => console.error(l) });
  } catch (e) {
    console.error(`error: ${errorMessage(e)}`);
    Deno.exit(1);
  }
}
