/**
 * Performance check (not a test): times the metrics on synthetic face-like data.
 *
 *     deno run -A lib/metrics/bench.ts [rows=25000] [cols=512] [clusters=2500]
 *
 * Data: `clusters` random unit centres, each row a centre plus Gaussian-ish noise, normalised;
 * the prediction moves 10% of items to random clusters and marks 5% as noise.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { matrix, normalizeRows } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";
import { calinskiHarabasz } from "./calinski_harabasz.ts";
import { daviesBouldin } from "./davies_bouldin.ts";
import { silhouette, silhouetteSampled } from "./silhouette.ts";
import { externalMetrics } from "./summary.ts";

/** The arguments of the metrics benchmark. */
export const METRICS_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/metrics/bench.ts",
  summary: "Benchmark: times the metrics on synthetic face-like data",
  flags: {},
  positionals: {
    rows: { type: "integer", min: 2, default: 25000, help: "items" },
    cols: { type: "integer", min: 1, default: 512, help: "dimensions" },
    clusters: { type: "integer", min: 1, default: 2500, help: "true clusters" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(METRICS_BENCH_COMMAND, args, io, (v, io) => {
    const { rows: n, cols: d, clusters: k } = v;
    const random = seededRandom(1);
    const gauss = () => random() + random() + random() - 1.5;
    const centres = new Float32Array(k * d).map(gauss);
    const truth = Int32Array.from({ length: n }, () => Math.floor(random() * k));
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) data[i * d + j] = centres[truth[i] * d + j] + 0.8 * gauss();
    }
    const x = normalizeRows(matrix(data, n, d));
    const pred = truth.map((t) => {
      const u = random();
      return u < 0.05 ? -1 : u < 0.15 ? Math.floor(random() * k) : t;
    });

    const time = <T>(label: string, f: () => T): T => {
      const t0 = performance.now();
      const v = f();
      const s = ((performance.now() - t0) / 1000).toFixed(3);
      io.out(`${label.padEnd(34)} ${s.padStart(8)} s   ${JSON.stringify(v)}`);
      return v;
    };
    io.out(`rows=${n} cols=${d} clusters=${k} (Deno ${Deno.version.deno}, V8 ${Deno.version.v8})`);
    time("externalMetrics", () => {
      const m = externalMetrics(truth, pred);
      return {
        pairwiseF1: +m.pairwiseF1.toFixed(4),
        bcubedF1: +m.bcubedF1.toFixed(4),
        nmi: +m.nmi.toFixed(4),
      };
    });
    time("silhouette (exact, cosine)", () => +silhouette(x, pred).toFixed(5));
    time("silhouetteSampled (2000, seed 1)", () => {
      const e = silhouetteSampled(x, pred, 2000, 1);
      return { value: +e.value.toFixed(5), standardError: +e.standardError.toFixed(5) };
    });
    time("daviesBouldin", () => +daviesBouldin(x, pred).toFixed(4));
    time("calinskiHarabasz", () => +calinskiHarabasz(x, pred).toFixed(2));
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
