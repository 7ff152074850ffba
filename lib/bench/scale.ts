/**
 * `deno task bench:scale`: the default clustering at 100,000 and 1,000,000 faces on one machine.
 *
 * Synthetic sets grown from real embeddings (lib/scale/synthetic.ts; LFW and pins as embedded by
 * `deno task bench:devsets`, skipped with a message when absent). Per size: time and peak resident
 * memory of each stage (synthesis, k-NN graph with its phases, the label-free choice, whose labels
 * are the clustering, metrics) and BCubed F1 against the synthetic truth; then the cost of adding 1% new
 * faces (graph grown, clustering re-run) against a rebuild. On a subset small enough for the dense
 * method (lib/scale/policy.ts), the choice on the exact and on the approximate graph and average
 * linkage on the full distance matrix (best threshold, with labels) are scored side by side.
 * Writes a JSON file (default reports/bench/scale.json).
 * @module
 */
import { buildDendrogram, cutDendrogram } from "../cluster/agglomerative.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import { cosineDistances } from "../graph/distance_matrix.ts";
import { type KnnGraph, knnGraph } from "../graph/knn.ts";
import { knnRecall } from "../graph/knn_approx.ts";
import type { Matrix } from "../matrix.ts";
import { bcubedPrecision, bcubedRecall } from "../metrics/bcubed.ts";
import { silhouetteSampledGraph } from "../metrics/silhouette.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { chooseClustering } from "../select/choose.ts";
import { DEFAULT_BASE_DIRS, loadBase } from "../scale/base.ts";
import { growExact } from "../scale/incremental.ts";
import { growIvf, ivfGraph, type IvfTimings, recallAbove } from "../scale/knn_ivf.ts";
import { PeakRss } from "../scale/peak_rss.ts";
import { type Stage, stageRunner } from "../scale/stage_timer.ts";
import { DENSE_MAX_ROWS, scalePlan, SILHOUETTE_SAMPLE } from "../scale/policy.ts";
import { photoPairs, synthesize, type SynthSet } from "../scale/synthetic.ts";
import { seededRandom } from "../util/random.ts";

/** The flags of `deno task bench:scale`. */
export const SCALE_BENCH_COMMAND = defineCommand({
  name: "deno task bench:scale",
  summary: "Benchmark: the default clustering at 100,000 and 1,000,000 synthetic faces grown from real " +
    "embeddings: time and peak memory per stage, BCubed F1, adding 1% new faces, and the dense method on a subset",
  flags: {
    sizes: {
      type: "list",
      item: "integer",
      min: 2,
      default: [100_000, 1_000_000],
      placeholder: "a,b",
      help: "faces per synthetic set",
    },
    subset: {
      type: "integer",
      min: 0,
      default: 16_000,
      placeholder: "n",
      help:
        `faces of the subset where the exact and dense methods run too (0 to skip; at most ${DENSE_MAX_ROWS})`,
    },
    neighbours: {
      type: "integer",
      min: 2,
      max: 200,
      default: 64,
      placeholder: "k",
      help: "k of the k-NN graph",
    },
    grow: {
      type: "number",
      min: 0,
      max: 1,
      default: 0.01,
      placeholder: "share",
      help: "share of new faces added to the graph after the first build (0 to skip)",
    },
    "rebuild-max": {
      type: "integer",
      min: 0,
      default: 200_000,
      placeholder: "n",
      help: "largest size at which the grown graph is compared with a rebuild",
    },
    base: {
      type: "list",
      placeholder: "dir,dir",
      defaultText: DEFAULT_BASE_DIRS.join(","),
      help:
        "real embedding sets (directories with vectors.npy and faces.jsonl) the synthetic faces are grown from",
    },
    seed: { type: "integer", min: 0, default: 1, placeholder: "n", help: "seed of the synthetic sets" },
    out: { type: "path", default: "reports/bench/scale.json", placeholder: "file", help: "JSON result" },
  },
  epilog:
    "The base sets are written by `deno task bench:devsets` (LFW and pins). Peak memory is sampled per " +
    "stage by a worker thread (resident set size). A 1,000,000-face run takes a long time on 2 cores: run it " +
    "in the background (nohup ... > log &).",
});

/** One line of where the IVF graph's time went (CPU seconds per phase). */
function phasesNote(t: IvfTimings): string {
  const phases = (["train", "assign", "search", "symmetrise"] as const).filter((p) => t[p]);
  if (phases.length === 0) return "";
  return "cpu s: " + phases.map((p) => `${p} ${t[p]!.cpuSeconds.toFixed(1)}`).join(", ") +
    (t.candidates ? `; ${t.candidates} pairs scored` : "");
}

/** BCubed precision, recall, F1 and clusters of `labels`. */
function score(truth: Int32Array, labels: Int32Array) {
  const p = bcubedPrecision(truth, labels), r = bcubedRecall(truth, labels);
  let clusters = 0;
  for (const l of labels) if (l + 1 > clusters) clusters = l + 1;
  return {
    bcubedF1: +(2 * p * r / (p + r)).toFixed(4),
    bcubedP: +p.toFixed(4),
    bcubedR: +r.toFixed(4),
    clusters,
  };
}

function rows(x: Matrix, n: number): Matrix {
  return { data: x.data.subarray(0, n * x.cols), rows: n, cols: x.cols };
}

/** The cannot-link pairs among the first `n` rows. */
function pairsBelow(pairs: Int32Array, n: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (pairs[i] < n && pairs[i + 1] < n) out.push(pairs[i], pairs[i + 1]);
  }
  return Int32Array.from(out);
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(SCALE_BENCH_COMMAND, args, io, async (v, io) => {
    const repo = new URL("../..", import.meta.url).pathname;
    const dirs = v.base && v.base.length > 0 ? v.base : DEFAULT_BASE_DIRS.map((d) => `${repo}${d}`);
    const base = await loadBase(dirs);
    for (const m of base.missing) io.err(`base set ${m.dir}: ${m.why}`);
    if (base.read.length === 0) {
      io.err(
        "skipped: no real embedding set to grow synthetic faces from; run `deno task bench:devsets` " +
          "(it embeds LFW and pins) or pass --base DIR",
      );
      return 0;
    }
    io.out(
      `base: ${base.x.rows} real faces of ${new Set(base.labels).size} people in ${base.x.cols} dimensions ` +
        `(${base.read.map((r) => `${r.dir.split("/").slice(-3, -2)[0]} ${r.faces}`).join(", ")})`,
    );
    const peak = await PeakRss.start(20);
    const load = () => Deno.loadavg().map((l) => l.toFixed(1)).join(" ");
    const k = v.neighbours;
    const result: Record<string, unknown> = { base: base.read, neighbours: k, loadBefore: load(), sizes: [] };
    const stage = stageRunner(peak, (l) => io.out(l), { width: 34, indent: "  " });
    const cw = getClusterer("chinese-whispers");
    try {
      for (const n of v.sizes) {
        const stages: Stage[] = [];
        const grown = v.grow > 0 ? Math.max(n + 1, Math.round(n * (1 + v.grow))) : n;
        io.out(`${n} faces (+${grown - n} added later), k = ${k}, load average ${load()}`);
        const set: SynthSet = await stage(
          stages,
          "synthesis",
          () => synthesize(base, { faces: grown, seed: v.seed }),
          (s) => `${s.identities} people, ${s.x.rows} faces`,
        );
        const x = rows(set.x, n);
        const truth = set.truth.subarray(0, n);
        const cannot = pairsBelow(photoPairs(set.photoOf), n);
        const plan = scalePlan(n);
        const timings: IvfTimings = {};
        const built = await stage(
          stages,
          plan.approximateKnn ? "graph (IVF, approximate)" : "graph (exact)",
          async () =>
            plan.approximateKnn
              ? await ivfGraph(x, k, { timings })
              : { graph: await knnGraph(x, k), index: undefined },
          () => phasesNote(timings),
        );
        const graph = built.graph;
        const choice = await stage(
          stages,
          "choice (pair stats + bisection)",
          () =>
            chooseClustering(x, {
              graph,
              imageOf: set.photoOf.subarray(0, n),
              cannotLink: cannot,
              neighbours: k,
            }),
          (c) => `threshold ${c.params.threshold}, ${c.evidence.scanned.length} runs`,
        );
        const params = choice.params;
        const quality = await stage(
          stages,
          "metrics (BCubed)",
          () => score(truth, choice.labels),
          (q) =>
            `F1 ${q.bcubedF1} (P ${q.bcubedP}, R ${q.bcubedR}), ${q.clusters} clusters for ${
              set.truth.subarray(0, n).reduce((m, l) => Math.max(m, l + 1), 0)
            } ids`,
        );
        const sil = await stage(
          stages,
          `metrics (silhouette, ${SILHOUETTE_SAMPLE} sampled)`,
          () => silhouetteSampledGraph(x, choice.labels, graph, SILHOUETTE_SAMPLE, 1),
          (s) => `${s.value.toFixed(4)} ± ${s.standardError.toFixed(4)}`,
        );
        const size: Record<string, unknown> = {
          faces: n,
          identities: new Set(truth).size,
          calibration: set.calibration,
          choice: { params, summary: choice.summary },
          quality,
          graphPhases: timings,
          silhouette: sil,
          stages,
        };
        if (grown > n) {
          const growth = await stage(
            stages,
            `grow graph (+${grown - n} faces)`,
            () => built.index ? growIvf(graph, set.x, built.index) : growExact(graph, set.x),
            (g) =>
              `${g.changedOldRows} old rows changed` +
              (g.scored && timings.candidates
                ? `, ${g.scored} pairs scored (${
                  (100 * g.scored / timings.candidates).toFixed(2)
                }% of the build's)`
                : ""),
          );
          const all = set.x;
          const allCannot = photoPairs(set.photoOf);
          await stage(
            stages,
            "clustering after growth",
            () =>
              runClusterer(cw, { x: all, graph: growth.graph, cannotLink: allCannot }, params, {
                random: seededRandom(1),
              }),
            (r) => `F1 ${score(set.truth, r.labels).bcubedF1}`,
          );
          if (grown <= v["rebuild-max"]) {
            const rebuilt = await stage(
              stages,
              "rebuild graph (for comparison)",
              async () => built.index ? await ivfGraph(all, k) : { graph: await knnGraph(all, k) },
            );
            const agree = knnRecall(rebuilt.graph, growth.graph);
            size.growth = {
              added: grown - n,
              agreementWithRebuild: +agree.toFixed(4),
              edgesAbove04: +recallAbove(rebuilt.graph, growth.graph, 0.4).toFixed(4),
            };
            io.out(
              `  grown vs rebuilt graph: ${(agree * 100).toFixed(1)}% of slots shared, ${
                (recallAbove(rebuilt.graph, growth.graph, 0.4) * 100).toFixed(1)
              }% of the rebuilt edges >= 0.4 present`,
            );
          }
        }
        size.peakMiB = Math.max(...stages.map((s) => s.peakMiB));
        size.loadAfter = load();
        (result.sizes as unknown[]).push(size);
        io.out(
          `  total ${
            stages.reduce((a, s) => a + s.seconds, 0).toFixed(0)
          } s, peak ${size.peakMiB} MiB, load average ${load()}`,
        );
        if (v.subset > 0 && !result.subset && n >= v.subset) {
          result.subset = await subsetComparison(set, Math.min(v.subset, DENSE_MAX_ROWS), k, stage, io);
        }
        await Deno.mkdir(v.out.replace(/\/[^/]*$/, ""), { recursive: true });
        await Deno.writeTextFile(v.out, JSON.stringify(result, null, 1) + "\n");
      }
    } finally {
      peak.stop();
    }
    io.out(`wrote ${v.out}`);
    return 0;
  });
}

/** The choice on the exact and the IVF graph, and dense average linkage, on the first `m` faces. */
async function subsetComparison(
  set: SynthSet,
  m: number,
  k: number,
  stage: <T>(list: Stage[], name: string, f: () => Promise<T> | T, note?: (t: T) => string) => Promise<T>,
  io: Io,
): Promise<Record<string, unknown>> {
  io.out(`subset of ${m} faces: exact and dense methods beside the approximate graph`);
  const stages: Stage[] = [];
  const x = rows(set.x, m), truth = set.truth.subarray(0, m), imageOf = set.photoOf.subarray(0, m);
  const cannot = pairsBelow(photoPairs(set.photoOf), m);
  const exact: KnnGraph = await stage(stages, "graph (exact)", () => knnGraph(x, k));
  const approx = (await stage(stages, "graph (IVF)", () => ivfGraph(x, k))).graph;
  const recall = {
    all: +knnRecall(exact, approx).toFixed(4),
    above04: +recallAbove(exact, approx, 0.4).toFixed(4),
  };
  io.out(`  IVF graph recall: ${recall.all} of all slots, ${recall.above04} of the edges >= 0.4`);
  // Growth by 1% against the exact graph: grown IVF graph vs an IVF graph rebuilt from scratch.
  const m0 = Math.floor(m / 1.01);
  const first = await ivfGraph(rows(set.x, m0), k);
  const grownSub = await stage(
    stages,
    `grow IVF graph ${m0} -> ${m}`,
    () => growIvf(first.graph, x, first.index),
  );
  const growth = {
    from: m0,
    to: m,
    grownAbove04: +recallAbove(exact, grownSub.graph, 0.4).toFixed(4),
    rebuiltAbove04: recall.above04,
    grownAll: +knnRecall(exact, grownSub.graph).toFixed(4),
    rebuiltAll: recall.all,
  };
  io.out(
    `  grown ${m0} -> ${m}: ${growth.grownAbove04} of the exact edges >= 0.4 (rebuilt: ${growth.rebuiltAbove04}), ` +
      `${growth.grownAll} of all slots (rebuilt: ${growth.rebuiltAll})`,
  );
  const onExact = await stage(
    stages,
    "choice on the exact graph",
    () => chooseClustering(x, { graph: exact, imageOf, cannotLink: cannot, neighbours: k }),
    (c) => `threshold ${c.params.threshold}, F1 ${score(truth, c.labels).bcubedF1}`,
  );
  const onApprox = await stage(
    stages,
    "choice on the IVF graph",
    () => chooseClustering(x, { graph: approx, imageOf, cannotLink: cannot, neighbours: k }),
    (c) => `threshold ${c.params.threshold}, F1 ${score(truth, c.labels).bcubedF1}`,
  );
  const dense = await stage(
    stages,
    "dense average linkage (matrix + dendrogram)",
    async () => buildDendrogram(await cosineDistances(x), m, "average", cannot),
  );
  let best = { threshold: 0, ...score(truth, cutDendrogram(dense, { threshold: 0.5 })) };
  for (const threshold of [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]) {
    const s = score(truth, cutDendrogram(dense, { threshold }));
    if (s.bcubedF1 > best.bcubedF1 || best.threshold === 0) best = { threshold, ...s };
  }
  io.out(`  dense average linkage, best threshold ${best.threshold} (with labels): F1 ${best.bcubedF1}`);
  return {
    faces: m,
    recall,
    growth,
    choiceExact: { params: onExact.params, ...score(truth, onExact.labels) },
    choiceApprox: { params: onApprox.params, ...score(truth, onApprox.labels) },
    denseAverageBest: best,
    stages,
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
