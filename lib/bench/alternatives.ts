/**
 * `deno task bench:alternatives`: the default clustering (the automatic choice,
 * lib/select/choose.ts) on every development set and simulated regime, beside label-free variants
 * of its inputs that were tried and not adopted (lib/bench/label_free_variants.ts): centred
 * vectors, cohort-shifted similarities, a consensus of Chinese-whispers seeds, small faces held
 * out of the clustering and attached afterwards only when clearly close, and faces the choice left
 * alone joining the cluster they are most alike on average. Also the spread of
 * Chinese whispers over seeds at the chosen threshold (cold starts), the noise any variant must
 * beat.
 *
 * Reads the embedding sets that `deno task bench:devsets` writes (`--dir`, default
 * reports/bench/devsets-tta: `<dir>/<set>/run/embeddings`; a set that is absent is skipped with a
 * message). Every score is BCubed F1 over one labelled face per photo (the largest), every face
 * clustered, the faces of one photo kept apart. Writes `--out` (default
 * reports/bench/alternatives.json).
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import type { Matrix } from "../matrix.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import { chooseClustering } from "../select/choose.ts";
import { photoIndex } from "../select/cluster_faces.ts";
import { type EmbeddingSet, samePhotoPairs } from "../store/embedding_set.ts";
import { labelledTruth, scoredMetrics } from "../sweep/evaluate.ts";
import { seededRandom } from "../util/random.ts";
import {
  attachAlone,
  attachHeldOut,
  centred,
  cohortMeans,
  cohortShifted,
  consensusGraph,
} from "./label_free_variants.ts";
import { readDevsetEmbeddings } from "./devset_embeddings.ts";
import { regimes, subset } from "./regimes.ts";

/** The flags of `deno task bench:alternatives`. */
export const ALTERNATIVES_BENCH_COMMAND = defineCommand({
  name: "deno task bench:alternatives",
  summary:
    "Benchmark: the default clustering beside label-free variants tried and not adopted (centred vectors, cohort-shifted similarities, a consensus of seeds, small faces held out, lone faces joined), on every development set and regime",
  flags: {
    dir: {
      type: "path",
      placeholder: "dir",
      defaultText: "reports/bench/devsets-tta",
      help: "where bench:devsets wrote the sets (<dir>/<set>/run/embeddings)",
    },
    out: {
      type: "path",
      placeholder: "file",
      defaultText: "reports/bench/alternatives.json",
      help: "where to write the figures",
    },
    seeds: { type: "integer", min: 3, max: 15, default: 5, placeholder: "n", help: "Chinese-whispers seeds" },
    "min-size": {
      type: "number",
      min: 1,
      default: 40,
      placeholder: "px",
      help: "faces whose box's shorter side is under this are held out",
    },
  },
});

/** What one set scored. */
interface SetResult {
  faces: number;
  threshold: number;
  default: number;
  seeds: number[];
  centred: { threshold: number; f1: number };
  cohortShifted: { threshold: number; f1: number };
  consensus: number;
  smallHeldOut: { heldOut: number; attached: number; threshold: number; f1: number };
  aloneJoined: { level: number; moved: number; f1: number };
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(ALTERNATIVES_BENCH_COMMAND, args, io, async (v, io) => {
    const repo = new URL("../..", import.meta.url).pathname;
    const dir = v.dir ?? `${repo}reports/bench/devsets-tta`;
    const out = v.out ?? `${repo}reports/bench/alternatives.json`;
    const loaded = await readDevsetEmbeddings(dir, (line) => io.out(line));
    const items = Object.entries(loaded) as [string, EmbeddingSet][];
    items.push(...regimes(loaded.lfw, loaded.pins));
    const f4 = (n: number) => n.toFixed(4);
    const result: Record<string, SetResult> = {};
    for (const [name, set] of items) {
      const t0 = performance.now();
      const truth = labelledTruth(set.faces);
      if (!truth) {
        io.err(`error: ${name}: some scored faces have no label; skipped`);
        continue;
      }
      const f1 = (labels: Int32Array) => scoredMetrics(truth, labels).bcubedF1;
      const imageOf = photoIndex(set.faces);
      const cannotLink = samePhotoPairs(set.faces);
      const graph = await prepareKnn(set.x, 64);
      const choose = (x: Matrix, g: KnnGraph) => chooseClustering(x, { imageOf, cannotLink, graph: g });
      const base = await choose(set.x, graph);
      const t = base.params.threshold as number;
      const cw = async (g: KnnGraph, seed: number) =>
        (await runClusterer(
          getClusterer("chinese-whispers"),
          { x: set.x, graph: g, cannotLink },
          { neighbours: 64, threshold: t, iterations: 20, weighting: "sim" },
          { random: seededRandom(seed) },
        )).labels;
      const runs: Int32Array[] = [];
      for (let s = 1; s <= v.seeds; s++) runs.push(await cw(graph, s));
      const consensus = f1(await cw(consensusGraph(graph, runs), 1));
      const cx = centred(set.x);
      const c = await choose(cx, await prepareKnn(cx, 64));
      const shifted = await choose(set.x, cohortShifted(graph, cohortMeans(set.x, { imageOf })));
      // Small faces out of the clustering; back in at the choice's threshold + 0.1.
      const short = (i: number) => {
        const b = set.faces[i].box;
        return b ? Math.min(b[2], b[3]) : Infinity;
      };
      const isKept = (i: number) => short(i) >= v["min-size"];
      const keptRows = set.faces.flatMap((_, i) => (isKept(i) ? [i] : []));
      const kept = subset(set, (_, i) => isKept(i));
      const kc = await chooseClustering(kept.x, {
        imageOf: photoIndex(kept.faces),
        cannotLink: samePhotoPairs(kept.faces),
        graph: await prepareKnn(kept.x, 64),
      });
      const kt = kc.params.threshold as number;
      const held = attachHeldOut(set.x, keptRows, kc.labels, kt + 0.1, imageOf);
      // Faces left alone by the choice join the cluster they are most alike on average, from t - 0.05.
      const alone = attachAlone(set.x, base.labels, t - 0.05, imageOf);
      const r: SetResult = {
        faces: set.x.rows,
        threshold: t,
        default: f1(base.labels),
        seeds: runs.map(f1),
        centred: { threshold: c.params.threshold as number, f1: f1(c.labels) },
        cohortShifted: { threshold: shifted.params.threshold as number, f1: f1(shifted.labels) },
        consensus,
        smallHeldOut: {
          heldOut: set.x.rows - keptRows.length,
          attached: held.attached,
          threshold: kt,
          f1: f1(held.labels),
        },
        aloneJoined: { level: +(t - 0.05).toFixed(3), moved: alone.moved, f1: f1(alone.labels) },
      };
      result[name] = r;
      const lo = Math.min(...r.seeds), hi = Math.max(...r.seeds);
      io.out(
        `${name.padEnd(16)} default ${f4(r.default)} (${t}); seeds ${f4(lo)}-${f4(hi)}; consensus ${
          f4(consensus)
        }; centred ${f4(r.centred.f1)} (${r.centred.threshold}); cohort-shifted ${
          f4(r.cohortShifted.f1)
        } (${r.cohortShifted.threshold}); small held out ${
          f4(r.smallHeldOut.f1)
        } (${r.smallHeldOut.heldOut} held, ${held.attached} attached); alone joined ${
          f4(r.aloneJoined.f1)
        } (${alone.moved}) [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
      );
    }
    await Deno.mkdir(out.replace(/\/[^/]*$/, "") || ".", { recursive: true });
    await Deno.writeTextFile(
      out,
      JSON.stringify(
        { date: new Date().toISOString(), dir, seeds: v.seeds, minSize: v["min-size"], sets: result },
        null,
        2,
      ),
    );
    io.out(`written: ${out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
