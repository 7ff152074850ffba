/**
 * Times UMAP on seeded synthetic embeddings fed the exact k-NN graph:
 * `deno run -A lib/viz/umap_bench.ts [N=25000] [DIM=512]`.
 * @module
 */
import { knnGraph } from "../graph/knn.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { umapLayout } from "./umap.ts";

/** The arguments of the UMAP benchmark. */
export const UMAP_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/viz/umap_bench.ts",
  summary: "Benchmark: UMAP on seeded synthetic embeddings fed the exact k-NN graph",
  flags: {},
  positionals: {
    n: { type: "integer", min: 16, default: 25000, help: "points" },
    dim: { type: "integer", min: 2, default: 512, help: "dimensions" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(UMAP_BENCH_COMMAND, args, io, async (v, io) => {
    const { n, dim } = v;
    const { x } = syntheticClusters({
      n,
      dim,
      clusters: Math.max(1, Math.round(n / 5)),
      spread: 0.8,
      noiseShare: 0.05,
      seed: 1,
    });
    let t = performance.now();
    const g = await knnGraph(x, 15);
    const knnSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const layout = await umapLayout(x, { knn: g, nNeighbors: 15, seed: 1 });
    const umapSeconds = (performance.now() - t) / 1000;
    if (!layout.xy.every(Number.isFinite)) throw new Error("non-finite layout");
    io.out(
      `${n} points x ${dim}: k-NN graph (k=15, onnxruntime) ${knnSeconds.toFixed(1)} s, ` +
        `UMAP with that graph ${umapSeconds.toFixed(1)} s`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
