/**
 * `deno task bench:learn-review`: learning from a review, simulated (issue 15). Per development
 * set (LFW, pins) and seed:
 *
 * 1. the default clustering (lib/select, chosen from the data) of the set's embeddings;
 * 2. a simulated review of it (lib/learn/review_sim.ts): `--clusters` sampled clusters (50, about
 *    20 minutes of a person's time), each marked correct or with its wrong faces listed;
 * 3. a training set from those verdicts (lib/learn/sources/decisions.ts, the source a real
 *    review's decisions.jsonl goes through);
 * 4. an adapter trained on it (lib/learn/train.ts), applied to every face, and the default
 *    clustering chosen again on the adapted vectors;
 * 5. BCubed F1 (one labelled face per photo) before and after, on the faces never shown to the
 *    reviewer, and on the people none of whose faces were shown.
 *
 * The embeddings are those `deno task bench:devsets` keeps (`<cache>/<set>/run/embeddings`);
 * when absent the set is run through the pipeline into `reports/bench/learn-review/<set>/run`
 * (a set whose photos are absent is skipped with a message). Writes `--out` (JSON).
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { shownClusters, simulateReview, unreviewedTruth } from "../learn/review_sim.ts";
import { fromDecisions } from "../learn/sources/decisions.ts";
import { HEAD_KINDS, LOSS_KINDS, TRAIN_DEFAULTS, trainAdapter } from "../learn/train.ts";
import type { Matrix } from "../matrix.ts";
import { runPipeline } from "../pipeline/run.ts";
import { replay } from "../review/decisions.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { type EmbeddingSet, readEmbeddingSet } from "../store/embedding_set.ts";
import { labelledTruth, scoredMetrics } from "../sweep/evaluate.ts";
import { lfwRoot } from "../util/lfw_data.ts";
import { SMALL_SET_LEARNING_RATE_FLAG } from "./learn_flags.ts";
import { writeLearnResults } from "./learn_results.ts";

const REPO = new URL("../..", import.meta.url).pathname;
const SETS = ["lfw", "pins"] as const;

/** The flags of the benchmark. */
export const LEARN_REVIEW_COMMAND = defineCommand({
  name: "deno task bench:learn-review",
  summary:
    "Benchmark: learning from a simulated 20-minute review (50 sampled clusters judged), retrain, recluster; BCubed F1 on what was not reviewed, before and after (LFW, pins)",
  flags: {
    sets: { type: "list", choices: SETS, default: [...SETS], placeholder: "names", help: "development sets" },
    clusters: {
      type: "integer",
      min: 1,
      default: 50,
      placeholder: "n",
      help: "clusters the reviewer checks",
    },
    faces: {
      type: "integer",
      min: 1,
      default: 30,
      placeholder: "n",
      help: "faces shown per cluster at most",
    },
    seeds: {
      type: "list",
      item: "integer",
      min: 0,
      default: [1, 2, 3],
      placeholder: "n,...",
      help: "seeds of the review sample (and of training)",
    },
    loss: { type: "enum", choices: LOSS_KINDS, default: TRAIN_DEFAULTS.loss, help: "training loss" },
    head: { type: "enum", choices: HEAD_KINDS, default: TRAIN_DEFAULTS.head, help: "adapter head" },
    epochs: { type: "integer", min: 1, default: 3, placeholder: "n", help: "training epochs" },
    "learning-rate": SMALL_SET_LEARNING_RATE_FLAG,
    validation: {
      type: "number",
      min: 0,
      max: 0.5,
      default: 0,
      placeholder: "share",
      help: "share of the reviewed identities held out to pick the best epoch (0: keep the last epoch)",
    },
    cache: {
      type: "path",
      default: "reports/bench/devsets",
      placeholder: "dir",
      help: "where bench:devsets keeps <set>/run/embeddings",
    },
    out: {
      type: "path",
      default: "reports/bench/learn-review.json",
      placeholder: "file",
      help: "results (JSON)",
    },
  },
});

/** BCubed F1, precision, recall and cluster count of one clustering against one truth. */
interface Score {
  bcubedF1: number;
  bcubedP: number;
  bcubedR: number;
  scored: number;
}

function score(truth: Int32Array, labels: Int32Array): Score {
  const m = scoredMetrics(truth, labels);
  let scored = 0;
  for (const t of truth) if (t >= 0) scored++;
  return { bcubedF1: m.bcubedF1, bcubedP: m.bcubedP, bcubedR: m.bcubedR, scored };
}

async function embeddingsOf(
  set: string,
  cache: string,
  log: (l: string) => void,
): Promise<EmbeddingSet | undefined> {
  const cached = join(cache, set, "run", "embeddings");
  try {
    await Deno.stat(join(cached, "vectors.npy"));
    log(`${set}: embeddings from ${cached}`);
    return await readEmbeddingSet(cached);
  } catch {
    // Not cached: run the pipeline below.
  }
  const photos = set === "lfw"
    ? join(lfwRoot(), "images_deepfunneled")
    : new URL("../../../shared/datasets/pins/images", import.meta.url).pathname;
  try {
    await Deno.stat(photos);
  } catch {
    log(`skipped ${set}: no photos at ${photos} (see ../shared/datasets/README.md)`);
    return undefined;
  }
  const out = join(REPO, "reports/bench/learn-review", set, "run");
  log(`${set}: no cached embeddings at ${cached}; running the pipeline into ${out}`);
  await runPipeline(new LocalFolderSource(photos, { labelsFromFolders: true }), {
    out,
    progress: false,
    log: () => {},
  });
  return await readEmbeddingSet(join(out, "embeddings"));
}

const f4 = (n: number) => n.toFixed(4);
const threshold = (p: Record<string, unknown>) => String(p.threshold ?? "?");

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LEARN_REVIEW_COMMAND, args, io, async (v, io) => {
    const results: Record<string, unknown>[] = [];
    for (const name of v.sets) {
      const set = await embeddingsOf(name, v.cache, io.err);
      if (!set) continue;
      const truth = labelledTruth(set.faces);
      if (!truth) {
        io.err(`skipped ${name}: its embeddings carry no labels`);
        continue;
      }
      const t0 = performance.now();
      const before = await clusterFaces(set.x, set.faces);
      io.err(
        `${name}: ${set.x.rows} faces; default clustering ${before.method} ${threshold(before.params)} ` +
          `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
      const shown = shownClusters(before.labels);
      let nShown = 0;
      for (const c of shown) if (c + 1 > nShown) nShown = c + 1;
      for (const seed of v.seeds) {
        const sim = simulateReview(before.labels, set.faces, truth, {
          clusters: v.clusters,
          faces: v.faces,
          seed,
        });
        const src = fromDecisions(set, replay(sim.decisions));
        for (const w of src.warnings) io.err(`${name} seed ${seed}: ${w}`);
        const c = sim.counts;
        io.err(
          `${name} seed ${seed}: review of ${sim.sampled.length} of ${nShown} clusters: ${c.correct} correct, ` +
            `${c.wrong} wrong with faces listed, ${c.unusable} wrong with none; ${c.facesShown} faces shown ` +
            `-> ${src.summary.labelledRows} labelled rows, ${src.summary.identities} identities, ` +
            `${src.summary.cannotLink} cannot-link pairs`,
        );
        const trained = await trainAdapter(src.set, {
          loss: v.loss,
          head: v.head,
          epochs: v.epochs,
          seed,
          learningRate: v["learning-rate"],
          validationFraction: v.validation,
          onProgress: (line) => io.err(`  ${name} seed ${seed}: ${line}`),
        });
        const adapted: Matrix = {
          rows: set.x.rows,
          cols: trained.outDim,
          data: trained.apply(set.x.data, set.x.cols),
        };
        const t1 = performance.now();
        const after = await clusterFaces(adapted, set.faces);
        const row: Record<string, unknown> = {
          set: name,
          seed,
          faces: set.x.rows,
          review: { ...c, clusters: sim.sampled.length, of: nShown },
          training: {
            ...src.summary,
            loss: v.loss,
            head: v.head,
            epochs: v.epochs,
            seconds: +trained.seconds.toFixed(1),
            bestEpoch: trained.bestEpoch,
          },
          before: { method: before.method, threshold: before.params.threshold },
          after: {
            method: after.method,
            threshold: after.params.threshold,
            seconds: +((performance.now() - t1) / 1000).toFixed(1),
          },
        };
        for (const by of ["faces", "people"] as const) {
          const t = unreviewedTruth(truth, sim.reviewed, by);
          const b = score(t, before.labels), a = score(t, after.labels);
          row[`unreviewed-${by}`] = { before: b, after: a, delta: +(a.bcubedF1 - b.bcubedF1).toFixed(4) };
          io.out(
            `${name.padEnd(5)} seed ${seed}  unreviewed ${by.padEnd(6)} (${
              String(b.scored).padStart(5)
            } scored): ` +
              `BCubed F1 ${f4(b.bcubedF1)} (P ${f4(b.bcubedP)}, R ${f4(b.bcubedR)}, CW ${
                threshold(before.params)
              }) -> ${f4(a.bcubedF1)} (P ${f4(a.bcubedP)}, R ${f4(a.bcubedR)}, CW ${
                threshold(after.params)
              })  ` +
              `${a.bcubedF1 >= b.bcubedF1 ? "+" : ""}${f4(a.bcubedF1 - b.bcubedF1)}`,
          );
        }
        results.push(row);
      }
    }
    await writeLearnResults(v.out, args, results, io);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
