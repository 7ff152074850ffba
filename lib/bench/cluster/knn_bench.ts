/**
 * Times the exact k-NN graph on a synthetic set (default 25,000 x 512, k = 64) and prints
 * the time and the process's peak resident memory; with `approx`, then also the usearch
 * HNSW graph's time and its recall against the exact one.
 *
 * Usage: `deno run -A lib/bench/cluster/knn_bench.ts [n] [dim] [k] [approx]`
 * @module
 */
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";
import { knnGraph } from "../../graph/knn.ts";
import { knnApprox, knnRecall } from "../../graph/knn_approx.ts";
import { memoryMiB } from "./peak_memory.ts";
import { syntheticClusters } from "../../graph/_testing/synthetic.ts";

/** The arguments of the k-NN benchmark. */
export const KNN_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/bench/cluster/knn_bench.ts",
  summary: "Benchmark: the exact k-NN graph on a synthetic set (time, peak memory); with approx, also the " +
    "usearch HNSW graph and its recall",
  flags: {},
  positionals: {
    n: { type: "integer", min: 2, default: 25000, help: "rows" },
    dim: { type: "integer", min: 1, default: 512, help: "dimensions" },
    k: { type: "integer", min: 1, default: 64, help: "neighbours" },
    mode: {
      type: "enum",
      choices: ["exact", "approx"],
      default: "exact",
      help: "approx: also the HNSW graph",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(KNN_BENCH_COMMAND, args, io, async (v, io) => {
    const { n, dim, k } = v;
    const { x } = syntheticClusters({ n, dim, clusters: Math.round(n / 10), seed: 1, noiseShare: 0.05 });
    const before = memoryMiB();
    let t0 = performance.now();
    const g = await knnGraph(x, k);
    const s = (performance.now() - t0) / 1000;
    const after = memoryMiB();
    io.out(
      `knnGraph n=${n} d=${dim} k=${g.k}: ${s.toFixed(2)} s; RSS before ${before.rss.toFixed(0)} MiB, ` +
        `peak ${after.peak.toFixed(0)} MiB (input ${(x.data.byteLength / 2 ** 20).toFixed(0)} MiB, ` +
        `graph ${((g.indices.byteLength + g.sims.byteLength) / 2 ** 20).toFixed(0)} MiB)`,
    );
    if (v.mode === "approx") {
      t0 = performance.now();
      const a = knnApprox(x, k);
      io.out(
        `knnApprox (usearch HNSW): ${((performance.now() - t0) / 1000).toFixed(2)} s, recall@${k} ${
          knnRecall(g, a).toFixed(4)
        }, peak ${memoryMiB().peak.toFixed(0)} MiB`,
      );
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
