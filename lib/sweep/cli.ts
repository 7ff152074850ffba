/**
 * `deno task sweep --embeddings <dir> --config <file> --out <dir> [--workers n]
 *  [--select metric] [--label-free rule] [--constraints file] [--limit n] [--restart]`
 * @module
 */
import { hasRequired, parseCli } from "../cli/args.ts";
import { errorMessage } from "../errors.ts";
import { runSweep } from "./runner.ts";

const USAGE =
  "usage: deno task sweep --embeddings <dir> --config <file> --out <dir> [--workers n] [--select metric] " +
  "[--label-free consensus|silhouette] [--constraints file.json] [--limit n] [--restart]\n\n" +
  "A sweep resumes the runs its --out folder holds; a folder of another set of embeddings is refused\n" +
  "unless --restart (which clears its earlier results).";

if (import.meta.main) {
  try {
    const values = parseCli(Deno.args, {
      embeddings: { type: "string" },
      config: { type: "string", default: "configs/sweep-default.json" },
      out: { type: "string" },
      workers: { type: "string" },
      select: { type: "string" },
      "label-free": { type: "string" },
      constraints: { type: "string" },
      limit: { type: "string" },
      restart: { type: "boolean" },
      help: { type: "boolean" },
    }, USAGE);
    if (!hasRequired(values, ["embeddings", "out"], USAGE)) Deno.exit(2);
    const s = await runSweep({
      embeddings: values.embeddings,
      config: values.config!,
      out: values.out,
      workers: values.workers ? Number(values.workers) : undefined,
      select: values.select,
      labelFree: values["label-free"],
      constraints: values.constraints,
      limit: values.limit ? Number(values.limit) : undefined,
      restart: values.restart,
    });
    const fmt = (r?: { id: string; metrics: Record<string, number> }) =>
      r ? `${r.id} (bcubedF1 ${r.metrics.bcubedF1?.toFixed(4) ?? "n/a"})` : "none";
    console.log(`runs: ${s.rows.length} (${s.ran} this time, ${s.remaining} left)`);
    for (const [m, r] of Object.entries(s.bestPerMethod)) console.log(`best ${m}: ${fmt(r)}`);
    console.log(`best: ${fmt(s.best)}`);
    console.log(`label-free (${s.labelFree?.rule}): ${fmt(s.labelFree?.row)}`);
    console.log(`written: ${values.out}/runs.csv, runs.json, best.json`);
  } catch (e) {
    console.error(`sweep: ${errorMessage(e)}`);
    Deno.exit(1);
  }
}
