/**
 * Does the augmented (no-label) source help on people never seen? LFW's 10 identity-disjoint folds
 * (people.txt): for each test fold, a seeded sample of `--photos` photos of the other folds' people
 * is analysed, each face gets `--views` augmented views (lib/learn/sources/augmented.ts; no label
 * is used), an adapter is trained on them, and on the test fold are measured, before and after:
 * verification accuracy on the fold's pairs.txt pairs (threshold chosen on the other folds'
 * pairs) and BCubed F1 of the default clustering of every face of the fold's photos (one labelled
 * face per photo scored).
 *
 * The "before" vectors and the faces scored are those `deno task bench:devsets` keeps
 * (`<cache>/lfw/run/embeddings`); the run is skipped with a message when they or LFW are absent.
 *
 * `deno run -A lib/bench/learn_augmented.ts [--folds 1,2] [--photos 1500] [--views 3] [--epochs 3]`
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { foldAccuracy, parsePeopleFolds, type ScoredPair } from "../learn/folds.ts";
import { augmentedTrainingSet } from "../learn/sources/augmented.ts";
import { LOSS_KINDS, trainAdapter } from "../learn/train.ts";
import type { Matrix } from "../matrix.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { type EmbeddingSet, readEmbeddingSet } from "../store/embedding_set.ts";
import { labelledFaces, labelledTruth, scoredMetrics } from "../sweep/evaluate.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { seededRandom, shuffleInPlace } from "../util/random.ts";
import { parsePairs } from "./lfw_protocol.ts";
import { SMALL_SET_LEARNING_RATE_FLAG } from "./learn_flags.ts";
import { writeLearnResults } from "./learn_results.ts";

/** The flags of the benchmark. */
export const LEARN_AUGMENTED_COMMAND = defineCommand({
  name: "deno run -A lib/bench/learn_augmented.ts",
  summary:
    "Benchmark: an adapter trained on augmented views of unlabelled LFW faces, measured on identity-disjoint folds (verification, BCubed F1), before and after",
  flags: {
    folds: {
      type: "list",
      item: "integer",
      min: 1,
      default: [1],
      placeholder: "k,...",
      help: "test folds (1-10)",
    },
    photos: { type: "integer", min: 10, default: 1500, placeholder: "n", help: "training photos sampled" },
    views: { type: "integer", min: 1, default: 3, placeholder: "n", help: "augmented views per face" },
    loss: { type: "enum", choices: LOSS_KINDS, default: "triplet-batch-hard", help: "training loss" },
    epochs: { type: "integer", min: 1, default: 3, placeholder: "n", help: "training epochs" },
    "learning-rate": SMALL_SET_LEARNING_RATE_FLAG,
    masked: {
      type: "boolean",
      help:
        "also measure the test fold's pairs with the second photo of each pair masked (a synthetic face mask)",
    },
    seed: {
      type: "integer",
      min: 0,
      default: 1,
      placeholder: "n",
      help: "seed of the sample, views and training",
    },
    cache: {
      type: "path",
      default: "reports/bench/devsets",
      placeholder: "dir",
      help: "where bench:devsets keeps lfw/run/embeddings",
    },
    data: { type: "path", placeholder: "dir", defaultText: "../shared/datasets/lfw", help: "LFW folder" },
    out: {
      type: "path",
      default: "reports/bench/learn-augmented.json",
      placeholder: "file",
      help: "results (JSON)",
    },
  },
});

const person = (path: string) => path.split("/")[0];

function rowsOf(set: EmbeddingSet, keep: (i: number) => boolean): { x: Matrix; rows: number[] } {
  const rows = set.faces.flatMap((_, i) => (keep(i) ? [i] : []));
  const d = set.x.cols, data = new Float32Array(rows.length * d);
  rows.forEach((r, k) => data.set(set.x.data.subarray(r * d, (r + 1) * d), k * d));
  return { x: { rows: rows.length, cols: d, data }, rows };
}

/** Best single-threshold accuracy of scored pairs, and the mean cosine of each kind. */
function pairFiguresOf(sims: readonly { sim: number; same: boolean }[]) {
  const sorted = [...sims].sort((a, b) => a.sim - b.sim);
  let right = sorted.reduce((n, p) => n + (p.same ? 1 : 0), 0), best = right;
  for (const p of sorted) {
    right += p.same ? -1 : 1;
    best = Math.max(best, right);
  }
  const mean = (same: boolean) => {
    const xs = sims.filter((p) => p.same === same);
    return xs.reduce((a, p) => a + p.sim, 0) / Math.max(1, xs.length);
  };
  return { bestAccuracy: best / Math.max(1, sims.length), genuine: mean(true), impostor: mean(false) };
}

/**
 * The test fold's pairs with the second photo's face masked: its largest face re-rendered with a
 * synthetic face mask (no other change) and embedded, against the first photo's face as found;
 * before and after the adapter. The threshold is the best one on these pairs themselves, for both.
 */
async function maskedPairs(
  fold: number,
  trained: { apply(v: Float32Array, d: number): Float32Array; outDim: number },
  set: EmbeddingSet,
  rowOfPath: Map<string, number>,
  pairs: ReturnType<typeof parsePairs>,
  lfw: string,
  seed: number,
  log: (l: string) => void,
) {
  const test = pairs.filter((p) => p.fold === fold - 1 && rowOfPath.has(p.a));
  const second = [...new Set(test.map((p) => p.b))].sort();
  const res = await augmentedTrainingSet(second.map((p) => ({ path: join(lfw, "images_deepfunneled", p) })), {
    views: 1,
    seed: seed + 100,
    maxFacesPerPhoto: 1,
    view: {
      flip: 0,
      geometry: { maxAngle: 0, maxScale: 0, maxShift: 0 },
      colour: { brightness: 0, contrast: 0, saturation: 0 },
      blur: 0,
      occlusion: 1,
      kinds: ["mask"],
    },
    progressEvery: 250,
    onProgress: (l) => log(`  fold ${fold} masked: ${l}`),
  });
  const d = res.set.dim;
  const maskedRow = new Map<string, number>();
  for (let r = 0; r < res.set.labels.length; r++) {
    if (res.origin.view[r] === 1) maskedRow.set(second[res.origin.photo[r]], r);
  }
  const use = test.filter((p) => maskedRow.has(p.b));
  const aVec = new Float32Array(use.length * d), bVec = new Float32Array(use.length * d);
  use.forEach((p, i) => {
    const a = rowOfPath.get(p.a)!, b = maskedRow.get(p.b)!;
    aVec.set(set.x.data.subarray(a * d, (a + 1) * d), i * d);
    bVec.set(res.set.vectors.subarray(b * d, (b + 1) * d), i * d);
  });
  const cos = (x: Float32Array, y: Float32Array, dd: number, i: number) => {
    let s = 0;
    for (let j = 0; j < dd; j++) s += x[i * dd + j] * y[i * dd + j];
    return s;
  };
  const a1 = trained.apply(aVec, d), b1 = trained.apply(bVec, d), d1 = trained.outDim;
  const before = pairFiguresOf(use.map((p, i) => ({ sim: cos(aVec, bVec, d, i), same: p.same })));
  const after = pairFiguresOf(use.map((p, i) => ({ sim: cos(a1, b1, d1, i), same: p.same })));
  log(
    `fold ${fold} masked pairs (${use.length}): best-threshold accuracy ${
      (before.bestAccuracy * 100).toFixed(2)
    }% -> ` +
      `${(after.bestAccuracy * 100).toFixed(2)}%; genuine cosine ${before.genuine.toFixed(3)} -> ${
        after.genuine.toFixed(3)
      }, impostor ${before.impostor.toFixed(3)} -> ${after.impostor.toFixed(3)}`,
  );
  return { pairs: use.length, before, after };
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LEARN_AUGMENTED_COMMAND, args, io, async (v, io) => {
    const lfw = await lfwOrSkip(v.data);
    if (!lfw) return 0;
    const cached = join(v.cache, "lfw", "run", "embeddings");
    let set: EmbeddingSet;
    try {
      set = await readEmbeddingSet(cached);
    } catch (e) {
      io.err(
        `skipped: no LFW embeddings at ${cached} (${
          (e as Error).message
        }); run deno task bench:devsets --sets lfw`,
      );
      return 0;
    }
    const folds = parsePeopleFolds(await Deno.readTextFile(join(lfw, "people.txt")), join(lfw, "people.txt"));
    const pairs = parsePairs(await Deno.readTextFile(join(lfw, "pairs.txt")));
    const main = labelledFaces(set.faces);
    const rowOfPath = new Map(Array.from(main, (r) => [set.faces[r].path, r]));
    const truth = labelledTruth(set.faces)!;
    const results: Record<string, unknown>[] = [];
    for (const fold of v.folds) {
      if (fold > folds.length) {
        throw new Error(`--folds: fold ${fold} is past the ${folds.length} of people.txt`);
      }
      const testPeople = new Set(folds[fold - 1]);
      const paths = [...new Set(set.faces.map((f) => f.path))].filter((p) => !testPeople.has(person(p)))
        .sort();
      const pick = shuffleInPlace(paths, seededRandom(v.seed)).slice(0, v.photos).sort();
      io.err(
        `fold ${fold}: ${testPeople.size} test people; augmenting ${pick.length} photos of the other folds`,
      );
      const src = await augmentedTrainingSet(
        pick.map((p) => ({ path: join(lfw, "images_deepfunneled", p) })),
        {
          views: v.views,
          seed: v.seed,
          progressEvery: 250,
          onProgress: (l) => io.err(`  fold ${fold}: ${l}`),
        },
      );
      for (const w of src.warnings.slice(0, 5)) io.err(`  fold ${fold}: ${w}`);
      const trained = await trainAdapter(src.set, {
        loss: v.loss,
        epochs: v.epochs,
        learningRate: v["learning-rate"],
        seed: v.seed,
        validationFraction: 0,
        onProgress: (l) => io.err(`  fold ${fold}: ${l}`),
      });
      const after = trained.apply(set.x.data, set.x.cols);
      const d0 = set.x.cols, d1 = trained.outDim;
      const sim = (x: Float32Array, d: number, a: number, b: number) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[a * d + j] * x[b * d + j];
        return s;
      };
      const scored = (x: Float32Array, d: number): ScoredPair[] =>
        pairs.map((p) => {
          const a = rowOfPath.get(p.a), b = rowOfPath.get(p.b);
          return {
            sim: a === undefined || b === undefined ? -1 : sim(x, d, a, b),
            same: p.same,
            fold: p.fold,
          };
        });
      const vb = foldAccuracy(scored(set.x.data, d0), fold - 1);
      const va = foldAccuracy(scored(after, d1), fold - 1);
      const sub = rowsOf(set, (i) => testPeople.has(person(set.faces[i].path)));
      const faces = sub.rows.map((r) => set.faces[r]);
      const t = Int32Array.from(sub.rows, (r) => truth[r]);
      const adapted: Matrix = { rows: sub.rows.length, cols: d1, data: trained.apply(sub.x.data, d0) };
      const cb = await clusterFaces(sub.x, faces), ca = await clusterFaces(adapted, faces);
      const mb = scoredMetrics(t, cb.labels), ma = scoredMetrics(t, ca.labels);
      io.out(
        `fold ${fold}: verification ${(vb.accuracy * 100).toFixed(2)}% -> ${
          (va.accuracy * 100).toFixed(2)
        }%; ` +
          `BCubed F1 (${sub.rows.length} faces) ${mb.bcubedF1.toFixed(4)} (CW ${cb.params.threshold}) -> ` +
          `${
            ma.bcubedF1.toFixed(4)
          } (CW ${ca.params.threshold}); trained on ${src.set.labels.length} rows of ` +
          `${src.counts.faces} faces in ${trained.seconds.toFixed(0)} s (augmenting: ${
            src.counts.seconds.toFixed(0)
          } s)`,
      );
      let masked: Record<string, unknown> | undefined;
      if (v.masked) masked = await maskedPairs(fold, trained, set, rowOfPath, pairs, lfw, v.seed, io.err);
      results.push({
        fold,
        photos: pick.length,
        faces: src.counts.faces,
        rows: src.set.labels.length,
        augmentSeconds: +src.counts.seconds.toFixed(1),
        trainSeconds: +trained.seconds.toFixed(1),
        verification: { before: vb, after: va },
        bcubed: {
          faces: sub.rows.length,
          before: { f1: mb.bcubedF1, p: mb.bcubedP, r: mb.bcubedR, threshold: cb.params.threshold },
          after: { f1: ma.bcubedF1, p: ma.bcubedP, r: ma.bcubedR, threshold: ca.params.threshold },
        },
        ...(masked ? { masked } : {}),
      });
    }
    await writeLearnResults(v.out, args, results, io);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
