/**
 * Times the exact k-NN graph on a synthetic set (default 25,000 x 512, k = 64) and prints
 * the time and the process's peak resident memory; with `approx`, then also the usearch
 * HNSW graph's time and its recall against the exact one.
 *
 * Usage: `deno run -A lib/cluster/knn_bench.ts [n] [dim] [k] [approx]`
 * @module
 */
import { knnGraph } from "./knn.ts";
import { knnApprox, knnRecall } from "./knn_approx.ts";
import { memoryMiB } from "./peak_memory.ts";
import { syntheticClusters } from "./synthetic.ts";

if (import.meta.main) {
  const [n = 25000, dim = 512, k = 64] = Deno.args.slice(0, 3).map(Number);
  const { x } = syntheticClusters({ n, dim, clusters: Math.round(n / 10), seed: 1, noiseShare: 0.05 });
  const before = memoryMiB();
  let t0 = performance.now();
  const g = await knnGraph(x, k);
  const s = (performance.now() - t0) / 1000;
  const after = memoryMiB();
  console.log(
    `knnGraph n=${n} d=${dim} k=${g.k}: ${s.toFixed(2)} s; RSS before ${before.rss.toFixed(0)} MiB, ` +
      `peak ${after.peak.toFixed(0)} MiB (input ${(x.data.byteLength / 2 ** 20).toFixed(0)} MiB, ` +
      `graph ${((g.indices.byteLength + g.sims.byteLength) / 2 ** 20).toFixed(0)} MiB)`,
  );
  if (Deno.args[3] === "approx") {
    t0 = performance.now();
    const a = knnApprox(x, k);
    console.log(
      `knnApprox (usearch HNSW): ${((performance.now() - t0) / 1000).toFixed(2)} s, recall@${k} ${
        knnRecall(g, a).toFixed(4)
      }, peak ${memoryMiB().peak.toFixed(0)} MiB`,
    );
  }
}
