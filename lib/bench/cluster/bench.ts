/**
 * `deno task bench:cluster [--embeddings dir] [--synthetic n] [--no-sklearn] [--methods a,b] [--dense]
 *   [--sklearn-optics-max n]`
 *
 * On the LFW embedding set (default `.cache/lfw/embeddings`, when present) and on a seeded
 * synthetic set (default 25,000 x 512, ~2,500 clusters with look-alikes and noise): the
 * k-NN graph time and peak memory, then per method a small grid with each run's time, the
 * best BCubed F1 and the method's peak memory (each method in its own process). Then side
 * by side with scikit-learn (/usr/bin/python3) on identical embeddings: K-Means, DBSCAN,
 * OPTICS, agglomerative at equal parameters, with the time ratio and the ARI between the
 * two labelings. Prints figures; not a test.
 * @module
 */
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";
import { labelIds, readEmbeddingSet } from "../../store/embedding_set.ts";
import { writeMatrixNpy } from "../../store/npy.ts";
import type { Matrix } from "../../matrix.ts";
import { ari, externalMetrics } from "../../metrics/mod.ts";
import { syntheticClusters } from "../../graph/_testing/synthetic.ts";

const range = (a: number, b: number, s: number) =>
  Array.from({ length: Math.round((b - a) / s) + 1 }, (_, i) => Math.round((a + i * s) * 1000) / 1000);
const grid = (g: Record<string, unknown[]>, fixed: Record<string, unknown> = {}) => {
  let out: Record<string, unknown>[] = [{ ...fixed }];
  for (const [k, vs] of Object.entries(g)) out = out.flatMap((p) => vs.map((v) => ({ ...p, [k]: v })));
  return out;
};

/** Per-method benchmark grids. */
export const BENCH_GRIDS: Record<string, Record<string, unknown>[]> = {
  "dbscan": grid({ eps: range(0.3, 0.9, 0.05), minSamples: [1, 2] }),
  "optics": grid({ minSamples: [2], eps: range(0.4, 0.9, 0.05) }, { maxEps: 0.9 }),
  "hdbscan": grid({ minClusterSize: [2, 3, 5], minSamples: [1, 2, 3] }),
  "chinese-whispers": grid({ threshold: range(0.2, 0.6, 0.05) }, { neighbours: 64 }),
  "louvain": grid({ threshold: [0.3, 0.4, 0.5, 0.55], resolution: [0.5, 1, 2] }, { neighbours: 64 }),
  "rank-order": grid({ neighbours: [20, 64], threshold: [1, 1.5, 2, 3], minSim: [0.3, 0.4, 0.5] }),
  "graph-agglomerative": [
    ...grid({ threshold: range(0.5, 0.8, 0.05) }, { linkage: "average" }),
    ...grid({ threshold: [0.5, 0.6, 0.7] }, { linkage: "complete" }),
    ...grid({ threshold: [0.4, 0.5, 0.6] }, { linkage: "single" }),
  ],
  "agglomerative": [
    ...grid({ threshold: range(0.5, 0.8, 0.05) }, { linkage: "average" }),
    ...grid({ threshold: [0.5, 0.6, 0.7] }, { linkage: "complete" }),
  ],
  "kmeans": [{ k: 100, restarts: 1, maxIter: 20 }],
};

interface ChildRow {
  params: Record<string, unknown>;
  ms: number;
  prepareMs: number;
  clusters: number;
  bcubedF1?: number;
  pairwiseF1?: number;
}

async function child(args: string[]): Promise<Record<string, unknown>> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./bench_child.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = await cmd.output();
  if (!out.success) throw new Error(`bench child ${args.slice(0, 3).join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

function readI32(path: string): Int32Array {
  const b = Deno.readFileSync(path);
  return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

function noiseAsSingletons(l: Int32Array): Int32Array {
  let next = 0;
  for (const v of l) if (v >= next) next = v + 1;
  return l.map((v) => (v < 0 ? next++ : v));
}

const f = (v: number | undefined, d = 4) => (v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(d));

async function benchSet(name: string, x: Matrix, truth: Int32Array | undefined, opts: {
  methods: string[];
  sklearn: boolean;
  dense: boolean;
  sklearnOpticsMax: number;
}) {
  const dir = await Deno.makeTempDir({ prefix: "bench-cluster-" });
  try {
    await writeMatrixNpy(`${dir}/vectors.npy`, x);
    if (truth) Deno.writeFileSync(`${dir}/truth.i32`, new Uint8Array(truth.buffer));
    console.log(
      `\n=== ${name}: ${x.rows} x ${x.cols}${truth ? `, ${new Set(truth).size} true clusters` : ""} ===`,
    );
    const knn = await child(["knn", dir, "64"]) as {
      k: number;
      ms: number;
      baseMiB: number;
      peakMiB: number;
    };
    console.log(
      `k-NN graph (exact, onnxruntime) k=${knn.k}: ${(knn.ms / 1000).toFixed(2)} s, peak RSS ${
        knn.peakMiB.toFixed(0)
      } MiB ` +
        `(${(knn.peakMiB - knn.baseMiB).toFixed(0)} MiB above the loaded embeddings)`,
    );
    console.log(
      "method               runs  best bcubedF1  pairwiseF1  best time(s)  median time(s)  peak MiB  best params",
    );
    const best: Record<string, ChildRow> = {};
    for (const method of opts.methods) {
      if (method === "agglomerative" && x.rows > 15000 && !opts.dense) {
        console.log(`${method.padEnd(20)} skipped (dense ${x.rows}² matrix; pass --dense)`);
        continue;
      }
      const list = BENCH_GRIDS[method];
      const r = await child(["run", dir, method, JSON.stringify(list)]) as {
        rows: ChildRow[];
        baseMiB: number;
        peakMiB: number;
      };
      const times = r.rows.map((row) => (row.ms + row.prepareMs) / 1000).sort((a, b) => a - b);
      const b = r.rows.reduce((p, q) => ((q.bcubedF1 ?? -1) > (p.bcubedF1 ?? -1) ? q : p));
      best[method] = b;
      console.log(
        `${method.padEnd(20)} ${String(r.rows.length).padStart(4)}  ${f(b.bcubedF1).padStart(13)}  ${
          f(b.pairwiseF1).padStart(10)
        }  ${((b.ms + b.prepareMs) / 1000).toFixed(2).padStart(12)}  ${
          times[times.length >> 1].toFixed(2).padStart(14)
        }  ${r.peakMiB.toFixed(0).padStart(8)}  ${JSON.stringify(b.params)}`,
      );
    }
    if (!opts.sklearn) return;
    // scikit-learn at equal parameters (our best where we have one).
    const specs: { id: string; method: string; params: Record<string, unknown> }[] = [];
    const add = (method: string, params: Record<string, unknown>) =>
      specs.push({ id: `${method}-${specs.length}`, method, params });
    add("kmeans", { k: 100, restarts: 1, maxIter: 20, tol: 1e-4 });
    if (best.dbscan) add("dbscan", { ...best.dbscan.params, neighbours: 64 });
    if (best.optics && x.rows <= opts.sklearnOpticsMax) {
      add("optics", { ...best.optics.params, neighbours: 64 });
    } else if (best.optics) {
      console.log(`(scikit-learn OPTICS skipped above ${opts.sklearnOpticsMax} rows: --sklearn-optics-max)`);
    }
    if (x.rows <= 15000 || opts.dense) {
      add("agglomerative", best.agglomerative?.params ?? { linkage: "average", threshold: 0.7, k: 0 });
    }
    Deno.writeTextFileSync(`${dir}/specs.json`, JSON.stringify(specs));
    const py = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("./bench_sklearn.py", import.meta.url).pathname,
        `${dir}/vectors.npy`,
        `${dir}/specs.json`,
        dir,
      ],
      stdout: "piped",
      stderr: "inherit",
      env: { OMP_NUM_THREADS: String(navigator.hardwareConcurrency) },
    }).output();
    const skTimes = new Map<string, number>();
    for (const line of new TextDecoder().decode(py.stdout).trim().split("\n")) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      skTimes.set(o.id, o.seconds);
    }
    console.log(
      "\nvs scikit-learn " + "(ours: method time; +kNN: including the k-NN graph where the method uses it)",
    );
    console.log(
      "method          sklearn(s)  ours(s)  ours+kNN(s)  ratio ours+kNN/sklearn  ARI(ours, sklearn)  bcubedF1 sklearn/ours  params",
    );
    for (const s of specs) {
      const sk = skTimes.get(s.id);
      if (sk === undefined) {
        console.log(`${s.method.padEnd(15)} scikit-learn failed`);
        continue;
      }
      const mine = await child(["run", dir, s.method, JSON.stringify([s.params])]) as { rows: ChildRow[] };
      const row = mine.rows[0];
      const ours = (row.ms + row.prepareMs) / 1000;
      const withKnn = ours + ("neighbours" in s.params ? knn.ms / 1000 : 0);
      const skLabels = readI32(`${dir}/sk-${s.id}.i32`);
      const a = ari(
        noiseAsSingletons(skLabels),
        noiseAsSingletons(readI32(`${dir}/labels-${s.method}-0.i32`)),
      );
      const skF1 = truth ? externalMetrics(truth, skLabels).bcubedF1 : NaN;
      console.log(
        `${s.method.padEnd(15)} ${sk.toFixed(2).padStart(10)}  ${ours.toFixed(2).padStart(7)}  ${
          withKnn.toFixed(2).padStart(11)
        }  ${(withKnn / sk).toFixed(2).padStart(22)}  ${a.toFixed(4).padStart(18)}  ${
          `${f(skF1)}/${f(row.bcubedF1)}`.padStart(21)
        }  ${JSON.stringify(s.params)}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The flags of `deno task bench:cluster`. */
export const CLUSTER_BENCH_COMMAND = defineCommand({
  name: "deno task bench:cluster",
  summary: "Benchmark: k-NN graph and every clustering method (time, best BCubed F1, peak memory) on LFW " +
    "and synthetic embeddings, side by side with scikit-learn",
  flags: {
    embeddings: {
      type: "path",
      default: ".cache/lfw/embeddings",
      placeholder: "dir",
      help: "LFW embedding set (from `deno task bench:lfw`); skipped when absent",
    },
    synthetic: {
      type: "integer",
      min: 0,
      default: 25000,
      placeholder: "n",
      help: "synthetic set size (0 to skip)",
    },
    "no-sklearn": { type: "boolean", help: "skip the scikit-learn comparison" },
    methods: {
      type: "list",
      choices: Object.keys(BENCH_GRIDS),
      placeholder: "a,b",
      defaultText: "all",
      help: "methods to measure",
    },
    dense: { type: "boolean", help: "also time the dense distance-matrix path" },
    "sklearn-optics-max": {
      type: "integer",
      min: 1,
      default: 15000,
      placeholder: "n",
      help: "largest set OPTICS is run on in scikit-learn",
    },
  },
  epilog: "scikit-learn comes from Debian's python3-sklearn (/usr/bin/python3).",
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(CLUSTER_BENCH_COMMAND, args, io, async (values, io) => {
    const methods = values.methods.length ? values.methods : Object.keys(BENCH_GRIDS);
    const opts = {
      methods,
      sklearn: !values["no-sklearn"],
      dense: values.dense,
      sklearnOpticsMax: values["sklearn-optics-max"],
    };
    let hasLfw = false;
    try {
      hasLfw = Deno.statSync(`${values.embeddings}/vectors.npy`).isFile;
    } catch { /* absent */ }
    if (hasLfw) {
      const set = await readEmbeddingSet(values.embeddings);
      await benchSet(values.embeddings, set.x, labelIds(set.faces), opts);
    } else io.out(`(no embedding set at ${values.embeddings}; skipping it)`);
    const n = values.synthetic;
    if (n > 0) {
      const s = syntheticClusters({
        n,
        dim: 512,
        clusters: Math.round(n / 10),
        spread: 1.0,
        jitter: 0.35,
        familyShare: 0.3,
        noiseShare: 0.1,
        seed: 1,
      });
      await benchSet(`synthetic ${n} x 512`, s.x, s.truth, opts);
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
