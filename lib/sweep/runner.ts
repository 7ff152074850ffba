/**
 * Runs a sweep headlessly: every run of the config on one embedding set, in parallel
 * workers sharing the embeddings and the k-NN graph, resumable (finished runs are logged
 * as they end and skipped next time), then writes `runs.csv`, `runs.json` and `best.json`
 * (best run by the chosen metric, and the label-free pick with its gap to that best).
 * @module
 */
import { readEmbeddingSet, samePhotoPairs } from "../store/embedding_set.ts";
import type { Matrix } from "../matrix.ts";
import { type PreparedInputs, prepareInputs } from "../cluster/prepare.ts";
import { loadConfig, type RunSpec } from "./config.ts";
import { labelledTruth, type SweepData } from "./evaluate.ts";
import { appendLog, cutTornTail, readLabels, readLog, toCsv, toJson, writeLabels } from "./output.ts";
import { claimSweepFolder } from "./provenance.ts";
import "../models/ort_env.ts";
import { bestBy, pickLabelFree, type RunRow } from "./selection.ts";
import type { InitMessage, RunMessage } from "./worker.ts";

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Embedding set directory (vectors.npy + faces.jsonl). */
  embeddings: string;
  /** Sweep config JSON file. */
  config: string;
  /** Output directory (created). */
  out: string;
  /** Parallel workers (default: number of cores). */
  workers?: number;
  /** Override the config's metric for the best run. */
  select?: string;
  /** Override the config's label-free rule. */
  labelFree?: string;
  /** Optional JSON file `{ "mustLink": [[a, b], ...], "cannotLink": [[a, b], ...] }` (row indices). */
  constraints?: string;
  /** Stop after this many new runs (for testing resumption). */
  limit?: number;
  /**
   * Clear the output folder's earlier results first. Without it, a folder holding results of
   * other embeddings is refused (see ./provenance.ts). @default false
   */
  restart?: boolean;
  /**
   * What to do when the output folder holds results of other embeddings: `refuse` (an error
   * that names `--restart`), or `clear` them (the notebooks, whose sweep follows their run).
   * @default "refuse"
   */
  ifStale?: "clear" | "refuse";
  /** Progress lines (default: console.error). */
  log?: (line: string) => void;
}

/** What a finished sweep found. */
export interface SweepSummary {
  /** Every run of the config that has a row (this time or earlier). */
  rows: RunRow[];
  /** Runs executed this time. */
  ran: number;
  /** Runs still missing (only with `limit`). */
  remaining: number;
  /** Best run by `select` (when labels are known). */
  best?: RunRow;
  /** Label-free pick. */
  labelFree?: { rule: string; row: RunRow; score: number };
  /** Best by `select` per method. */
  bestPerMethod: Record<string, RunRow>;
}

function shared<T extends Float32Array | Int32Array>(a: T): T {
  const ctor = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** The prepared inputs in shared memory (the originals are then dropped). */
function sharedInputs({ graph: g, distances: d }: PreparedInputs): PreparedInputs {
  return {
    ...(g ? { graph: { n: g.n, k: g.k, indices: shared(g.indices), sims: shared(g.sims) } } : {}),
    ...(d ? { distances: { n: d.n, data: shared(d.data) } } : {}),
  };
}

function pairs(list: unknown, what: string): Int32Array {
  if (!Array.isArray(list)) throw new RangeError(`constraints: "${what}" must be an array of [a, b] pairs`);
  return Int32Array.from(list.flat());
}

/** Runs (or resumes) a sweep and writes its outputs; see the module doc. */
export async function runSweep(opts: SweepOptions): Promise<SweepSummary> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const { config, runs } = await loadConfig(opts.config);
  const set = await readEmbeddingSet(opts.embeddings);
  const truth = labelledTruth(set.faces); // one labelled face per photo is scored
  let cannotLink = samePhotoPairs(set.faces);
  let mustLink: Int32Array | undefined;
  if (opts.constraints) {
    const c = JSON.parse(await Deno.readTextFile(opts.constraints));
    if (c.cannotLink) cannotLink = Int32Array.from([...cannotLink, ...pairs(c.cannotLink, "cannotLink")]);
    if (c.mustLink) mustLink = pairs(c.mustLink, "mustLink");
  }
  const select = opts.select ?? config.select ?? "bcubedF1";
  const rule = opts.labelFree ?? config.labelFree ?? "consensus";
  const sample = config.sample ?? 1000;
  const cleared = await claimSweepFolder(opts.out, opts.embeddings, {
    ifStale: opts.ifStale ?? "refuse",
    restart: opts.restart,
  });
  if (cleared) log(`sweep: cleared the earlier results in ${opts.out}`);
  await Deno.mkdir(`${opts.out}/labels`, { recursive: true });
  const logPath = `${opts.out}/runs.jsonl`;
  // A line torn by a killed sweep is cut, so that the next row does not end up glued to it.
  if (cutTornTail(logPath) > 0) log(`sweep: cut a torn last line off ${logPath}`);
  const done = readLog(logPath);
  let todo = runs.filter((r) => !done.has(r.id));
  const remaining = opts.limit !== undefined ? Math.max(0, todo.length - opts.limit) : 0;
  if (opts.limit !== undefined) todo = todo.slice(0, opts.limit);
  log(
    `sweep: ${runs.length} runs, ${
      runs.length - todo.length - remaining
    } already done, ${todo.length} to run`,
  );

  if (todo.length > 0) {
    // Not shared memory: onnxruntime rejects SharedArrayBuffer-backed tensors.
    const x: Matrix = set.x;
    // What the runs read besides the vectors, computed once for all of them and shared with the workers.
    const data: SweepData = {
      ...sharedInputs(await prepareInputs(x, todo, { log: (l) => log(`sweep: ${l}`) })),
      x,
      truth: truth ? shared(truth) : undefined,
      cannotLink: cannotLink.length ? shared(cannotLink) : undefined,
      mustLink: mustLink ? shared(mustLink) : undefined,
      sample,
    };
    await runInWorkers(
      data,
      todo,
      opts.workers ?? navigator.hardwareConcurrency ?? 1,
      (row, labels) => {
        appendLog(logPath, row);
        if (!row.error) writeLabels(`${opts.out}/labels`, row.id, labels);
        done.set(row.id, row);
        const m = row.metrics;
        log(
          `  ${row.error ? "FAILED" : "done"} ${row.id} ${row.timeMs.toFixed(0)} ms` +
            (row.error
              ? `: ${row.error}`
              : ` clusters=${m.clusters}` + (truth ? ` bcubedF1=${m.bcubedF1?.toFixed(4)}` : "")),
        );
      },
    );
  }

  const rows = runs.map((r) => done.get(r.id)).filter((r): r is RunRow => r !== undefined);
  const ok = rows.filter((r) => !r.error);
  const best = truth ? bestBy(ok, select) : undefined;
  const bestPerMethod: Record<string, RunRow> = {};
  if (truth) {
    for (const method of new Set(ok.map((r) => r.method))) {
      const b = bestBy(ok.filter((r) => r.method === method), select);
      if (b) bestPerMethod[method] = b;
    }
  }
  const withLabels = ok.map((r) => ({ r, l: readLabels(`${opts.out}/labels`, r.id) }))
    .filter((e): e is { r: RunRow; l: Int32Array } => e.l !== undefined);
  const pick = pickLabelFree(rule, withLabels.map((e) => e.r), withLabels.map((e) => e.l), 3000);
  const labelFree = pick ? { rule, ...pick } : undefined;
  await Deno.writeTextFile(`${opts.out}/runs.csv`, toCsv(rows));
  await Deno.writeTextFile(`${opts.out}/runs.json`, toJson(rows));
  await Deno.writeTextFile(
    `${opts.out}/best.json`,
    toJson({
      select,
      best,
      labelFree: labelFree && {
        rule,
        score: labelFree.score,
        run: labelFree.row,
        gap: best && Number.isFinite(labelFree.row.metrics[select])
          ? best.metrics[select] - labelFree.row.metrics[select]
          : undefined,
      },
      bestPerMethod,
      runs: rows.length,
      failed: rows.length - ok.length,
      remaining,
    }),
  );
  return { rows, ran: todo.length, remaining, best, labelFree, bestPerMethod };
}

/** Dispatches runs to `workers` workers, one at a time each, calling `onDone` as they finish. */
async function runInWorkers(
  data: SweepData,
  runs: RunSpec[],
  workers: number,
  onDone: (row: RunRow, labels: Int32Array) => void,
): Promise<void> {
  let next = 0;
  const count = Math.max(1, Math.min(workers, runs.length));
  await Promise.all(Array.from({ length: count }, () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
      const send = () => {
        if (next >= runs.length) {
          w.terminate();
          resolve();
          return;
        }
        w.postMessage({ type: "run", run: runs[next++] } satisfies RunMessage);
      };
      w.onmessage = (e: MessageEvent<{ type: string; row: RunRow; labels: Int32Array }>) => {
        if (e.data.type === "done") onDone(e.data.row, e.data.labels);
        send();
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(`sweep worker failed: ${e.message}`));
      };
      w.postMessage({ type: "init", data } satisfies InitMessage);
    })));
}
