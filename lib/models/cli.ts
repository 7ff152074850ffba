/**
 * `deno task models [pipeline]`: fetch and verify every model of a pipeline (default: all models).
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { closest } from "../flags/suggest.ts";
import { defineCommand } from "../flags/types.ts";
import { UsageError } from "../flags/usage_error.ts";
import { loadCatalogue, pipelineModels } from "./catalogue.ts";
import { ensureModels } from "./fetch.ts";

/** The arguments of `deno task models`. */
export const MODELS_COMMAND = defineCommand({
  name: "deno task models",
  summary: "Fetch and verify (sha256) the model weights of the catalogue into models/weights/",
  flags: {},
  positionals: {
    pipeline: {
      type: "string",
      placeholder: "name",
      defaultText: "every model of the catalogue",
      help: "only the models of this pipeline of models/catalogue.json",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(MODELS_COMMAND, args, io, async (v, io) => {
    const cat = await loadCatalogue();
    const name = v.pipeline;
    if (name !== undefined && !(name in cat.pipelines)) {
      const known = Object.keys(cat.pipelines);
      const near = closest(name, known);
      throw new UsageError(
        `unknown pipeline ${JSON.stringify(name)} (known: ${known.join(", ")})${
          near ? `; did you mean ${near}?` : ""
        }`,
      );
    }
    const specs = name ? Object.values(pipelineModels(cat, name)).filter((m) => m !== undefined) : cat.models;
    await ensureModels(specs, { log: (l) => io.err(l) });
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
