/**
 * `deno task bench:cw`: Chinese whispers at a million faces, per run: the thresholded graph,
 * the passes, seconds (wall and CPU), peak memory and BCubed F1 against the planted truth.
 *
 * The k-NN graph is a planted-partition graph made directly (lib/cluster/_testing/planted_graph.ts:
 * Zipf-sized people, same-person similarities 0.62 ± 0.13, listed strangers 0.33 ± 0.05), so that
 * the clustering, not the graph, is timed; `--real-like N` instead grows N faces from the real LFW
 * and pins embeddings (lib/scale/synthetic.ts) and builds their IVF graph (lib/scale/knn_ivf.ts),
 * as `deno task bench:scale` does. With `--before`, each run is also made by the implementation
 * before issue 17 (lib/cluster/_testing/chinese_whispers_reference.ts) and its labels compared;
 * with `--warm`, each threshold is also run from the labels of the next stricter one.
 * @module
 */
import process from "node:process";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo, Io } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";
import { chineseWhispersReference } from "../../cluster/_testing/chinese_whispers_reference.ts";
import { plantedKnn } from "../../cluster/_testing/planted_graph.ts";
import { whisper } from "../../cluster/chinese_whispers.ts";
import { type KnnGraph, knnGraph, truncateKnn } from "../../graph/knn.ts";
import { readEmbeddingSet, samePhotoPairs } from "../../store/embedding_set.ts";
import { labelledTruth, scoredMetrics } from "../../sweep/evaluate.ts";
import { thresholdedGraph } from "../../graph/sparse.ts";
import { bcubedF1 } from "../../metrics/bcubed.ts";
import { DEFAULT_BASE_DIRS, loadBase } from "../../scale/base.ts";
import { loadGraph, saveGraph } from "../../scale/incremental.ts";
import { ivfGraph } from "../../scale/knn_ivf.ts";
import { photoPairs, synthesize } from "../../scale/synthetic.ts";
import { seededRandom } from "../../util/random.ts";
import { memoryMiB } from "./peak_memory.ts";

/** The flags of `deno task bench:cw`. */
export const CW_SCALE_COMMAND = defineCommand({
  name: "deno task bench:cw",
  summary:
    "Benchmark: Chinese whispers at a million faces (planted k-NN graph, or --real-like grown from LFW and pins): seconds per run, passes, memory, BCubed F1; --before also times the implementation before issue 17",
  flags: {
    faces: {
      type: "integer",
      min: 2,
      default: 1_000_000,
      placeholder: "n",
      help: "rows of the planted graph",
    },
    k: {
      type: "list",
      item: "integer",
      min: 1,
      placeholder: "a,b",
      defaultText: "64,32",
      help: "neighbours per row",
    },
    thresholds: {
      type: "list",
      item: "number",
      placeholder: "a,b",
      defaultText: "0.5",
      help: "similarity thresholds, each one run",
    },
    iterations: { type: "integer", min: 1, default: 20, placeholder: "n", help: "maximum passes" },
    before: { type: "boolean", help: "also run the implementation before issue 17 and compare its labels" },
    warm: { type: "boolean", help: "also run each threshold from the labels of the next stricter one" },
    "real-like": {
      type: "integer",
      min: 0,
      default: 0,
      placeholder: "n",
      help:
        "instead of the planted graph: n faces grown from the LFW and pins embeddings, with their IVF graph",
    },
    cache: {
      type: "path",
      placeholder: "dir",
      help: "with --real-like: keep the grown set's graph and truth here, and read them back on the next run",
    },
    devsets: {
      type: "boolean",
      help:
        "instead: BCubed F1 before and after on the LFW and pins embeddings (reports/bench/devsets/*/run/embeddings), " +
        "exact k-NN graph, faces of one photo cannot-linked",
    },
    seed: {
      type: "integer",
      min: 0,
      default: 1,
      placeholder: "n",
      help: "seed of the graph and of the runs",
    },
    out: { type: "path", placeholder: "file", help: "also write the figures as JSON" },
  },
});

/** One timed run. */
interface Timed {
  k: number;
  threshold: number;
  what: string;
  graphSeconds: number;
  graphCpuSeconds?: number;
  seconds: number;
  cpuSeconds: number;
  passes?: number;
  visits?: number;
  changes?: number[];
  edges?: number;
  bcubedF1: number;
  clusters: number;
  peakMiB: number;
  sameAsBefore?: boolean;
}

function clock(): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  return { wall: performance.now(), cpu: (c.user + c.system) / 1e6 };
}

function since(t: { wall: number; cpu: number }): { wall: number; cpu: number } {
  const n = clock();
  return { wall: (n.wall - t.wall) / 1000, cpu: n.cpu - t.cpu };
}

/** The graph, truth and cannot-link pairs kept by `--cache`, or undefined when absent. */
async function readCached(
  stem: string,
): Promise<{ knn: KnnGraph; truth: Int32Array; cannotLink: Int32Array } | undefined> {
  try {
    const knn = await loadGraph(`${stem}.graph`);
    const b = await Deno.readFile(`${stem}.truth`);
    const t = new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
    if (t[0] !== knn.n) throw new RangeError(`${stem}.truth: ${t[0]} rows, the graph ${knn.n}`);
    return { knn, truth: t.slice(1, 1 + knn.n), cannotLink: t.slice(1 + knn.n) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Thresholds of `--devsets` by default. */
const DEVSET_THRESHOLDS = [0.4, 0.425, 0.45, 0.475, 0.5, 0.525, 0.55, 0.575, 0.6];

/** `--devsets`: the quality before and after on the real development sets. */
async function devsets(
  ks: number[],
  thresholds: number[],
  v: { iterations: number; seed: number; out?: string },
  io: Io,
): Promise<number> {
  const repo = new URL("../../..", import.meta.url).pathname;
  const rows: Record<string, unknown>[] = [];
  for (const name of ["lfw", "pins"]) {
    const dir = `${repo}reports/bench/devsets/${name}/run/embeddings`;
    let set;
    try {
      set = await readEmbeddingSet(dir);
    } catch (e) {
      io.err(`bench:cw: ${dir}: ${(e as Error).message}; skipped (deno task bench:devsets writes it)`);
      continue;
    }
    const truth = labelledTruth(set.faces);
    if (!truth) {
      io.err(`bench:cw: ${dir}: no labels; skipped`);
      continue;
    }
    const cannotLink = samePhotoPairs(set.faces);
    const full = await knnGraph(set.x, ks[0]);
    for (const k of ks) {
      const g = k === full.k ? full : truncateKnn(full, k);
      for (const threshold of thresholds) {
        const o = { iterations: v.iterations, weighting: "sim" as const, cannotLink };
        const t0 = clock();
        const before = chineseWhispersReference(g, { ...o, threshold, random: seededRandom(v.seed) }).labels;
        const tb = since(t0);
        const t1 = clock();
        const after = whisper(thresholdedGraph(g, threshold), { ...o, random: seededRandom(v.seed) }).labels;
        const ta = since(t1);
        const fb = scoredMetrics(truth, before).bcubedF1, fa = scoredMetrics(truth, after).bcubedF1;
        const same = before.every((l, i) => l === after[i]);
        rows.push({
          set: name,
          k,
          threshold,
          before: fb,
          after: fa,
          same,
          cpuBefore: tb.cpu,
          cpuAfter: ta.cpu,
        });
        io.out(
          `${name.padEnd(5)} k ${k} threshold ${threshold.toFixed(3)}: BCubed F1 before ${
            fb.toFixed(4)
          }, after ${fa.toFixed(4)} (labels ${same ? "identical" : "differ"}); CPU ${
            tb.cpu.toFixed(2)
          } s -> ${ta.cpu.toFixed(2)} s`,
        );
      }
    }
  }
  if (v.out) await Deno.writeTextFile(v.out, JSON.stringify({ devsets: rows }, null, 1) + "\n");
  return rows.length ? 0 : 1;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(CW_SCALE_COMMAND, args, io, async (v, io) => {
    const ks = (v.k.length ? [...v.k] : [64, 32]).sort((a, b) => b - a);
    const thresholds = (v.thresholds.length ? [...v.thresholds] : [0.5]).sort((a, b) => b - a);
    if (v.devsets) {
      return await devsets(ks, v.thresholds.length ? [...v.thresholds] : DEVSET_THRESHOLDS, v, io);
    }
    const realLike = v["real-like"];
    let knn: KnnGraph, truth: Int32Array, cannotLink: Int32Array | undefined, source: string;
    const t0 = clock();
    if (realLike > 0) {
      const stem = v.cache ? `${v.cache}/real-${realLike}-k${ks[0]}-seed${v.seed}` : undefined;
      const cached = stem ? await readCached(stem) : undefined;
      if (cached) {
        ({ knn, truth, cannotLink } = cached);
        source = `${knn.n} faces grown from the LFW and pins faces, IVF graph (read from ${stem}.*)`;
      } else {
        const base = await loadBase(DEFAULT_BASE_DIRS);
        if (base.x.rows === 0) {
          io.err(
            `bench:cw: no base embeddings (${base.missing.map((m) => `${m.dir}: ${m.why}`).join("; ")}); ` +
              "run deno task bench:devsets first",
          );
          return 1;
        }
        const set = synthesize(base, { faces: realLike, seed: v.seed });
        knn = (await ivfGraph(set.x, ks[0])).graph;
        truth = set.truth;
        cannotLink = photoPairs(set.photoOf);
        source = `${set.x.rows} faces grown from ${base.x.rows} LFW and pins faces, IVF graph`;
        if (stem) {
          await Deno.mkdir(v.cache!, { recursive: true });
          await saveGraph(`${stem}.graph`, knn);
          const t = new Int32Array(1 + truth.length + cannotLink.length);
          t[0] = truth.length;
          t.set(truth, 1);
          t.set(cannotLink, 1 + truth.length);
          await Deno.writeFile(`${stem}.truth`, new Uint8Array(t.buffer));
        }
      }
    } else {
      const p = plantedKnn({ n: v.faces, k: ks[0], seed: v.seed });
      knn = p.graph;
      truth = p.truth;
      source = `planted graph, ${v.faces} rows, ${p.people} people`;
    }
    const made = since(t0);
    io.out(`${source}, k = ${knn.k}: made in ${made.wall.toFixed(1)} s; load ${Deno.loadavg().join(" ")}`);
    const results: Timed[] = [];
    const show = (r: Timed) => {
      results.push(r);
      io.out(
        `k ${String(r.k).padStart(3)} threshold ${r.threshold.toFixed(2)} ${r.what.padEnd(7)} ` +
          (r.graphCpuSeconds !== undefined
            ? `graph ${r.graphSeconds.toFixed(1).padStart(6)} s (CPU ${
              r.graphCpuSeconds.toFixed(1).padStart(5)
            } s), `
            : "") +
          `total ${r.seconds.toFixed(1).padStart(6)} s (CPU ${r.cpuSeconds.toFixed(1).padStart(6)} s), ` +
          (r.passes !== undefined ? `${r.passes} passes, ` : "") +
          (r.visits !== undefined ? `${r.visits} visits, ` : "") +
          `BCubed F1 ${r.bcubedF1.toFixed(4)}, ${r.clusters} clusters, peak ${r.peakMiB.toFixed(0)} MiB` +
          (r.sameAsBefore !== undefined
            ? `, labels ${r.sameAsBefore ? "identical to" : "DIFFER from"} before`
            : "") +
          (r.changes ? `; changes per pass ${r.changes.join(" ")}` : ""),
      );
    };
    const clusters = (labels: Int32Array) => {
      let c = 0;
      for (const l of labels) if (l + 1 > c) c = l + 1;
      return c;
    };
    for (const k of ks) {
      const g = k === knn.k ? knn : truncateKnn(knn, k);
      let stricter: Int32Array | undefined;
      for (const threshold of thresholds) {
        const ta = clock();
        const sg = thresholdedGraph(g, threshold);
        const built = since(ta);
        const r = whisper(sg, {
          iterations: v.iterations,
          weighting: "sim",
          random: seededRandom(v.seed),
          cannotLink,
        });
        const after = since(ta);
        const res: Timed = {
          k,
          threshold,
          what: "after",
          graphSeconds: built.wall,
          graphCpuSeconds: built.cpu,
          seconds: after.wall,
          cpuSeconds: after.cpu,
          passes: r.passes,
          visits: r.visits,
          changes: r.changes,
          edges: sg.offsets[sg.n] / 2,
          bcubedF1: bcubedF1(truth, r.labels),
          clusters: clusters(r.labels),
          peakMiB: memoryMiB().peak,
        };
        if (v.before) {
          const tb = clock();
          const ref = chineseWhispersReference(g, {
            threshold,
            iterations: v.iterations,
            weighting: "sim",
            random: seededRandom(v.seed),
            cannotLink,
          });
          const b = since(tb);
          let same = ref.labels.length === r.labels.length;
          for (let i = 0; same && i < r.labels.length; i++) same = ref.labels[i] === r.labels[i];
          res.sameAsBefore = same;
          show({
            k,
            threshold,
            what: "before",
            graphSeconds: NaN,
            seconds: b.wall,
            cpuSeconds: b.cpu,
            passes: ref.passes,
            bcubedF1: bcubedF1(truth, ref.labels),
            clusters: clusters(ref.labels),
            peakMiB: memoryMiB().peak,
          });
        }
        show(res);
        if (v.warm && stricter) {
          const tw = clock();
          const w = whisper(thresholdedGraph(g, threshold), {
            iterations: v.iterations,
            weighting: "sim",
            random: seededRandom(v.seed),
            cannotLink,
            initialLabels: stricter,
          });
          const ws = since(tw);
          show({
            k,
            threshold,
            what: "warm",
            graphSeconds: NaN,
            seconds: ws.wall,
            cpuSeconds: ws.cpu,
            passes: w.passes,
            visits: w.visits,
            changes: w.changes,
            bcubedF1: bcubedF1(truth, w.labels),
            clusters: clusters(w.labels),
            peakMiB: memoryMiB().peak,
          });
        }
        stricter = r.labels;
      }
    }
    if (v.out) {
      await Deno.writeTextFile(
        v.out,
        JSON.stringify({ source, args, load: Deno.loadavg(), results }, null, 1) + "\n",
      );
      io.out(`wrote ${v.out}`);
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
