/**
 * One benchmark step in its own process, so its peak memory can be measured:
 *   knn <dir> <k>                     computes the k-NN graph of <dir>/vectors.npy, saves it
 *   run <dir> <method> <paramsJSON>    runs a list of parameter sets, prints one JSON summary
 * Labels of each run go to <dir>/labels-<method>-<i>.i32.
 * @module
 */
import { readMatrixNpy } from "../../store/npy.ts";
import { externalMetrics } from "../../metrics/mod.ts";
import { seededRandom } from "../../util/random.ts";
import { knnGraph } from "../../graph/knn.ts";
import { memoryMiB } from "./peak_memory.ts";
import { type PreparedInputs, prepareInputs } from "../../cluster/prepare.ts";
import { getClusterer, runClusterer } from "../../cluster/registry.ts";

function readI32(path: string): Int32Array | undefined {
  try {
    const b = Deno.readFileSync(path);
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const [mode, dir, a, b] = Deno.args;
  const x = await readMatrixNpy(`${dir}/vectors.npy`);
  const base = memoryMiB().rss;
  if (mode === "knn") {
    const t0 = performance.now();
    const g = await knnGraph(x, Number(a));
    const ms = performance.now() - t0;
    Deno.writeFileSync(`${dir}/knn-indices.i32`, new Uint8Array(g.indices.buffer));
    Deno.writeFileSync(`${dir}/knn-sims.f32`, new Uint8Array(g.sims.buffer));
    console.log(JSON.stringify({ k: g.k, ms, baseMiB: base, peakMiB: memoryMiB().peak }));
  } else if (mode === "run") {
    const truth = readI32(`${dir}/truth.i32`);
    const idx = readI32(`${dir}/knn-indices.i32`);
    const sb = Deno.readFileSync(`${dir}/knn-sims.f32`);
    // The graph the parent computed (step "knn"), passed to every run; the distance matrix, when a
    // run needs it, is computed by the first such run (counted in its prepareMs) and kept.
    let have: PreparedInputs = {};
    if (idx) {
      const sims = new Float32Array(sb.buffer, sb.byteOffset, sb.byteLength / 4);
      have = { graph: { n: x.rows, k: idx.length / x.rows, indices: idx, sims } };
    }
    const c = getClusterer(a);
    const list = JSON.parse(b) as Record<string, unknown>[];
    const rows = [];
    const loaded = memoryMiB().rss;
    for (const [i, params] of list.entries()) {
      const t0 = performance.now();
      have = { ...have, ...(await prepareInputs(x, [{ method: c.name, params }], { have })) };
      const t1 = performance.now();
      const labels = (await runClusterer(c, { x, ...have }, params, { random: seededRandom(1) })).labels;
      const ms = performance.now() - t1;
      Deno.writeFileSync(`${dir}/labels-${c.name}-${i}.i32`, new Uint8Array(labels.buffer));
      const m = truth ? externalMetrics(truth, labels) : {};
      rows.push({ params, ms, prepareMs: t1 - t0, clusters: new Set(labels).size, ...m });
    }
    console.log(JSON.stringify({ rows, baseMiB: loaded, peakMiB: memoryMiB().peak }));
  }
}
