/**
 * Times UMAP on seeded synthetic embeddings fed the exact k-NN graph:
 * `deno run -A lib/viz/umap_bench.ts [N=25000] [DIM=512]`.
 * @module
 */
import { knnGraph } from "../cluster/knn.ts";
import { syntheticClusters } from "../cluster/synthetic.ts";
import { umapLayout } from "./umap.ts";

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 25000), dim = Number(Deno.args[1] ?? 512);
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
  console.log(
    `${n} points x ${dim}: k-NN graph (k=15, onnxruntime) ${knnSeconds.toFixed(1)} s, ` +
      `UMAP with that graph ${umapSeconds.toFixed(1)} s`,
  );
}
