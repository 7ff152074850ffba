/**
 * `deno run -A lib/bench/ceiling.ts`: Chinese whispers with and without the nearest-neighbour pull
 * (lib/cluster/refine_pull.ts) on the development sets' embeddings, over the similarity thresholds
 * of the choice's grid (0.60 down to 0.30) and at the threshold the automatic choice picks (lib/select/choose.ts). Reads the
 * embedding sets that `deno task bench:devsets` writes (`--dir`, default reports/bench/devsets:
 * `lfw/run/embeddings`, `pins/run/embeddings`; a set that is absent is skipped with a message).
 * With `--regimes`, the simulated regimes of bench:devsets too (lib/bench/regimes.ts).
 *
 * At the choice's pick, two uses are scored: `refine` after the choice, and the choice made on
 * the graph pulled at the grid's strictest threshold (`pullGraph`).
 *
 * Every score is BCubed F1 over one labelled face per photo (the largest), every face clustered,
 * the faces of one photo kept apart. Writes reports/bench/ceiling.json.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import type { KnnGraph } from "../graph/knn.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import type { Matrix } from "../matrix.ts";
import { getClusterer, runClusterer } from "../cluster/registry.ts";
import { DEFAULT_PULL_OFFSET, pullGraph, refine } from "../cluster/refine_pull.ts";
import { chooseClustering, DEFAULT_THRESHOLDS } from "../select/choose.ts";
import { photoIndex } from "../select/cluster_faces.ts";
import { type EmbeddingSet, samePhotoPairs } from "../store/embedding_set.ts";
import { labelledTruth, scoredMetrics } from "../sweep/evaluate.ts";
import { seededRandom } from "../util/random.ts";
import { readDevsetEmbeddings } from "./devset_embeddings.ts";
import { regimes } from "./regimes.ts";

/** The flags of `deno run -A lib/bench/ceiling.ts`. */
export const CEILING_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/bench/ceiling.ts",
  summary:
    "Benchmark: Chinese whispers with and without the nearest-neighbour pull (lib/cluster/refine_pull.ts) on the development sets, over the choice's thresholds and at the automatic choice's pick",
  flags: {
    dir: {
      type: "path",
      placeholder: "dir",
      defaultText: "reports/bench/devsets",
      help: "where bench:devsets wrote the sets (<dir>/<set>/run/embeddings)",
    },
    regimes: {
      type: "boolean",
      help:
        "also the simulated regimes (LFW people with 10+ and 30+ photos, pins 8 per person, pins + 2,000 strangers)",
    },
    offset: {
      type: "number",
      min: 0,
      max: 1,
      default: DEFAULT_PULL_OFFSET,
      placeholder: "s",
      help: "pull bar above the threshold",
    },
  },
});

/** Thresholds scanned: the choice's grid, strictest first. */
const GRID = [...DEFAULT_THRESHOLDS].sort((a, b) => b - a);

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(CEILING_BENCH_COMMAND, args, io, async (v, io) => {
    const repo = new URL("../..", import.meta.url).pathname;
    const dir = v.dir ?? `${repo}reports/bench/devsets`;
    const loaded = await readDevsetEmbeddings(dir, (line) => io.out(line));
    const items = Object.entries(loaded) as [string, EmbeddingSet][];
    if (v.regimes) items.push(...regimes(loaded.lfw, loaded.pins));
    const f4 = (n: number) => n.toFixed(4);
    io.out(`thresholds ${GRID.join(" ")}; pull bar = threshold + ${v.offset}`);
    const result: Record<string, unknown> = { date: new Date().toISOString(), offset: v.offset, grid: GRID };
    for (const [name, set] of items) {
      const truth = labelledTruth(set.faces);
      if (!truth) {
        io.err(`error: ${name}: some faces have no label; skipped`);
        continue;
      }
      const cannotLink = samePhotoPairs(set.faces);
      const graph: KnnGraph = await prepareKnn(set.x, 64);
      const cw = async (x: Matrix, g: KnnGraph, threshold: number) =>
        (await runClusterer(
          getClusterer("chinese-whispers"),
          { x, graph: g, cannotLink },
          { neighbours: 64, threshold, iterations: 20, weighting: "sim" },
          { random: seededRandom(1) },
        )).labels;
      const f1 = (labels: Int32Array) => scoredMetrics(truth, labels).bcubedF1;
      const plain: number[] = [], pulled: number[] = [];
      let slowest = 0;
      for (const threshold of GRID) {
        const labels = await cw(set.x, graph, threshold);
        const t0 = performance.now();
        const refined = await refine(set.x, labels, graph, { threshold, offset: v.offset, cannotLink });
        slowest = Math.max(slowest, (performance.now() - t0) / 1000);
        plain.push(f1(labels));
        pulled.push(f1(refined));
      }
      const imageOf = photoIndex(set.faces);
      const c = await chooseClustering(set.x, { imageOf, cannotLink, graph });
      const t = c.params.threshold as number;
      const chosen = f1(c.labels);
      const chosenPulled = f1(
        await refine(set.x, c.labels, graph, { threshold: t, offset: v.offset, cannotLink }),
      );
      // The choice itself on the pulled graph (pull bar: the grid's strictest threshold); its
      // precision estimate still reads the raw vectors.
      const before = await chooseClustering(set.x, {
        imageOf,
        cannotLink,
        graph: pullGraph(set.x, graph, GRID[0], cannotLink),
      });
      const tb = before.params.threshold as number, beforeF1 = f1(before.labels);
      io.out(`${name.padEnd(14)} CW        ${plain.map(f4).join(" ")}  best ${f4(Math.max(...plain))}`);
      io.out(
        `${name.padEnd(14)} CW + pull ${pulled.map(f4).join(" ")}  best ${
          f4(Math.max(...pulled))
        } (refine <= ${slowest.toFixed(1)} s)`,
      );
      io.out(
        `${name.padEnd(14)} choice ${t}: CW ${f4(chosen)}, + refine ${
          f4(chosenPulled)
        }; choice on the graph ` +
          `pulled at ${GRID[0]}: ${tb}, ${f4(beforeF1)}`,
      );
      result[name] = {
        faces: set.x.rows,
        plain,
        pulled,
        choice: { threshold: t, plain: chosen, refined: chosenPulled },
        choiceOnPulled: { bar: GRID[0], threshold: tb, f1: beforeF1 },
      };
    }
    await Deno.mkdir(`${repo}reports/bench`, { recursive: true });
    await Deno.writeTextFile(`${repo}reports/bench/ceiling.json`, JSON.stringify(result, null, 2));
    io.out(`written: ${repo}reports/bench/ceiling.json`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
