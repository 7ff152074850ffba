/**
 * `deno task sweep --embeddings <dir> --out <dir> [--config file] [--workers n]
 *  [--select metric] [--label-free rule] [--constraints file] [--decisions file] [--limit n] [--restart]`
 * @module
 */
import { ADAPTER_FLAG, SWEEP_CONFIG_FLAG } from "../flags/common_flags.ts";
import { adaptMatrix, checkAdapter } from "../models/adapters.ts";
import { readEmbeddingSet, writeEmbeddingSet } from "../store/embedding_set.ts";
import { UsageError } from "../flags/usage_error.ts";
import { errorMessage } from "../errors.ts";
import { runCommand } from "../flags/command.ts";
import { sweepDecisions } from "../review/sweep_constraints.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { EXTERNAL_METRICS } from "../metrics/registry.ts";
import { runSweep } from "../sweep/runner.ts";
import { LABEL_FREE_RULES } from "../sweep/selection.ts";

/** The flags of `deno task sweep`. */
export const SWEEP_COMMAND = defineCommand({
  name: "deno task sweep",
  summary: "Run every clustering method over a parameter grid on an embedding set; pick the best " +
    "(with labels) and a label-free choice",
  flags: {
    embeddings: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "embedding set (vectors.npy + faces.jsonl), e.g. <run>/embeddings",
    },
    out: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "output folder (runs.csv, runs.json, best.json)",
    },
    config: SWEEP_CONFIG_FLAG,
    workers: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "one per core",
      help: "parallel workers",
    },
    select: {
      type: "enum",
      choices: EXTERNAL_METRICS.map((m) => m.name),
      placeholder: "metric",
      defaultText: "the config's",
      help: "metric that picks the best run when labels are known",
    },
    "label-free": {
      type: "enum",
      choices: LABEL_FREE_RULES,
      defaultText: "the config's, else consensus",
      help: "rule that picks a run without labels",
    },
    constraints: {
      type: "path",
      placeholder: "file.json",
      help:
        'must-link and cannot-link pairs of row indices: { "mustLink": [[a, b]], "cannotLink": [[a, b]] }',
    },
    decisions: {
      type: "path",
      placeholder: "file",
      defaultText: "<run>/decisions.jsonl when --embeddings is <run>/embeddings and it exists",
      help: "review decisions, turned into must-link and cannot-link pairs (with --constraints' own)",
    },
    limit: { type: "integer", min: 1, placeholder: "n", help: "stop after this many new runs" },
    restart: { type: "boolean", help: "clear the output folder's earlier results first" },
    adapter: {
      ...ADAPTER_FLAG,
      help: `${ADAPTER_FLAG.help} (the adapted set is kept in <out>/embeddings-<id>)`,
    },
  },
  epilog: "A sweep resumes the runs its --out folder holds; a folder of another set of embeddings is " +
    "refused unless --restart (which clears its earlier results).",
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(SWEEP_COMMAND, args, io, async (v, io) => {
    if (v.adapter !== undefined) {
      await checkAdapter(v.adapter).catch((e) => {
        throw new UsageError(`--adapter ${v.adapter}: ${errorMessage(e)}`);
      });
    }
    // Review decisions become constraints, passed to the sweep as a --constraints file.
    const decided = await sweepDecisions(v.embeddings, v.decisions, v.constraints);
    let constraints = v.constraints, temp: string | undefined;
    if (decided) {
      for (const n of decided.notes) io.err(`decisions: ${n}`);
      temp = await Deno.makeTempDir({ prefix: "facegroup-sweep-" });
      constraints = `${temp}/constraints.json`;
      await Deno.writeTextFile(constraints, JSON.stringify(decided.constraints));
    }
    let embeddings = v.embeddings;
    if (v.adapter !== undefined) {
      const set = await readEmbeddingSet(v.embeddings);
      embeddings = `${v.out}/embeddings-${v.adapter}`;
      const x = await adaptMatrix(v.adapter, set.x, { log: (l) => io.err(l) });
      await writeEmbeddingSet(embeddings, { x, faces: set.faces });
    }
    const s = await runSweep({
      embeddings,
      config: v.config,
      out: v.out,
      workers: v.workers,
      select: v.select,
      labelFree: v["label-free"],
      constraints,
      limit: v.limit,
      restart: v.restart,
      log: (l) => io.err(l),
    }).finally(() => temp && Deno.remove(temp, { recursive: true }));
    const fmt = (r?: { id: string; metrics: Record<string, number> }) =>
      r ? `${r.id} (bcubedF1 ${r.metrics.bcubedF1?.toFixed(4) ?? "n/a"})` : "none";
    io.out(`runs: ${s.rows.length} (${s.ran} this time, ${s.remaining} left)`);
    for (const [m, r] of Object.entries(s.bestPerMethod)) io.out(`best ${m}: ${fmt(r)}`);
    io.out(`best: ${fmt(s.best)}`);
    io.out(`label-free (${s.labelFree?.rule}): ${fmt(s.labelFree?.row)}`);
    io.out(`written: ${v.out}/runs.csv, runs.json, best.json`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
