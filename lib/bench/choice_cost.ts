/**
 * What the automatic choice of clustering costs at 25,000 faces, beside the face stage:
 * `deno run -A lib/bench/choice_cost.ts [--faces 25000] [--run DIR]`.
 *
 * The choice (lib/select/choose.ts: similarity statistics, warm-started Chinese whispers runs and
 * their precision estimates; its chosen run's labels are the answer) is timed on a seeded synthetic
 * set of unit vectors (512-d, clusters of power-law sizes and 10% lone faces), the k-NN graph apart.
 * Its cost beyond one clustering is its time less that of its chosen run (from its evidence). The face stage's time per face is read from a
 * run's run.json (`--run`, e.g. a first `deno task run` on LFW, whose photos were all analysed
 * then), and scaled to the same number of faces.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { prepareKnn } from "../graph/prepare_knn.ts";
import { chooseClustering } from "../select/choose.ts";

/** The flags of `deno run -A lib/bench/choice_cost.ts`. */
export const CHOICE_COST_COMMAND = defineCommand({
  name: "deno run -A lib/bench/choice_cost.ts",
  summary: "Benchmark: what the automatic choice of clustering costs at 25,000 faces, beside the face stage",
  flags: {
    faces: { type: "integer", min: 2, default: 25_000, placeholder: "n", help: "synthetic faces" },
    run: {
      type: "path",
      placeholder: "dir",
      help: "a run folder whose run.json gives the face stage's time per face",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(CHOICE_COST_COMMAND, args, io, async (v, io) => {
    const n = v.faces;
    const set = syntheticClusters({
      n,
      dim: 512,
      clusters: Math.round(n / 12),
      spread: 0.8,
      noiseShare: 0.1,
      seed: 1,
    });
    // The k-NN graph is what the chosen clustering (Chinese whispers) needs anyway: timed apart.
    const tg = performance.now();
    const graph = await prepareKnn(set.x, 64);
    const graphSeconds = (performance.now() - tg) / 1000;
    const t0 = performance.now();
    const c = await chooseClustering(set.x, { graph });
    const all = (performance.now() - t0) / 1000;
    // The chosen run's labels are the answer: the choice costs the other runs and the estimates.
    const chosen = c.evidence.scanned.find((s) => s.threshold === c.params.threshold)!;
    const seconds = all - chosen.seconds;
    const runs = c.evidence.scanned.map((s) => `${s.threshold}: ${s.seconds.toFixed(1)} s`).join(", ");
    io.out(
      `at ${n} faces: k-NN graph ${graphSeconds.toFixed(1)} s (needed by the clustering); the choice ${
        all.toFixed(1)
      } s in all, ${seconds.toFixed(1)} s beyond its chosen run (runs ${runs}; ${c.summary})`,
    );
    if (v.run) {
      const run = JSON.parse(await Deno.readTextFile(`${v.run}/run.json`));
      const total = run.timings.total as number, faces = run.counts.faces as number;
      const face = (total / faces) * n;
      io.out(
        `face stage of ${v.run}: ${total.toFixed(0)} s for ${faces} faces, so ~${
          face.toFixed(0)
        } s for ${n}; ` +
          `the choice is ${(100 * seconds / face).toFixed(1)}% of it`,
      );
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
