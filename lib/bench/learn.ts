/**
 * `deno task bench:learn`: does an adapter help on people it never saw? LFW's people.txt gives
 * 10 identity-disjoint folds (pins: its 48 people in 10 seeded folds): train on 9, measure on the
 * 10th, over all 10, before and after side by side: verification accuracy (LFW: the fold's
 * pairs.txt pairs; pins: 300 + 300 pairs drawn in the fold; threshold from the 9 training folds)
 * and clustering BCubed F1 (every face of the fold's photos clustered with the default
 * clustering chosen from the data, lib/select; one labelled face per photo scored). Then the
 * training time and peak memory for 25,000 faces (real vectors, synthetic labels).
 *
 * The faces come from the embedding store (`deno task bench:lfw` or any run over the data fills
 * it; nothing is re-embedded when it holds them) and are cached in .cache/learn/<set>/.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import type { Matrix } from "../matrix.ts";
import { scoredMetrics } from "../sweep/evaluate.ts";
import { type FaceMeta, readEmbeddingSet, writeEmbeddingSet } from "../store/embedding_set.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { seededRandom } from "../util/random.ts";
import {
  drawFoldPairs,
  foldAccuracy,
  parsePeopleFolds,
  type ScoredPair,
  splitPeople,
} from "../learn/folds.ts";
import { applyAdapter } from "../learn/head.ts";
import { bestThresholdAccuracy } from "../learn/pair_figures.ts";
import { HEAD_CHOICES, LEARNING_RATE_FLAG, LOSS_CHOICES } from "../learn/flags.ts";
import type { HeadKind, LossKind } from "../learn/types.ts";

const SETS = ["lfw", "pins"] as const;

/** The flags of `deno task bench:learn`. */
export const LEARN_BENCH_COMMAND = defineCommand({
  name: "deno task bench:learn",
  summary: "Benchmark: an embedding adapter on people never seen in training (LFW's 10 identity-disjoint " +
    "folds, pins in 10 folds): verification accuracy and BCubed F1 before and after; training time and peak memory for 25,000 faces",
  flags: {
    data: {
      type: "path",
      default: "../shared/datasets",
      placeholder: "dir",
      help: "folder holding lfw/ and pins/ (see its README.md)",
    },
    sets: { type: "list", choices: SETS, defaultText: "lfw,pins", help: "data sets to measure" },
    folds: {
      type: "integer",
      min: 1,
      max: 10,
      default: 10,
      placeholder: "n",
      help: "measure the first n folds only",
    },
    loss: { type: "enum", choices: LOSS_CHOICES, default: "triplet-batch-hard", help: "training loss" },
    head: { type: "enum", choices: HEAD_CHOICES, default: "linear", help: "adapter head" },
    epochs: { type: "integer", min: 1, default: 10, placeholder: "n", help: "epochs per fold" },
    seed: { type: "integer", min: 0, default: 1, placeholder: "n", help: "training seed" },
    "learning-rate": LEARNING_RATE_FLAG,
    scale: {
      type: "integer",
      min: 0,
      default: 25000,
      placeholder: "n",
      help: "faces of the time and memory run (0: skip)",
    },
    "scale-epochs": {
      type: "integer",
      min: 1,
      default: 3,
      placeholder: "n",
      help: "epochs of the time and memory run",
    },
    out: {
      type: "path",
      default: "reports/bench/learn.json",
      placeholder: "file",
      help: "where the figures are written as JSON",
    },
  },
});

/** The faces of one data set: every face, its person, and the labelled face of each photo. */
interface Faces {
  x: Matrix;
  faces: FaceMeta[];
  /** Row of each photo's labelled face. */
  labelled: number[];
}

async function loadFaces(set: (typeof SETS)[number], data: string, io: Io): Promise<Faces | undefined> {
  const root = `${data}/${set}`;
  const images = `${root}/${set === "lfw" ? "images_deepfunneled" : "images"}`;
  try {
    await Deno.stat(images);
  } catch {
    io.out(`skipped ${set}: no images at ${images} (see ${data}/README.md)`);
    return undefined;
  }
  const cache = new URL(`../../.cache/learn/${set}`, import.meta.url).pathname;
  try {
    const s = await readEmbeddingSet(`${cache}/embeddings`);
    const labelled = JSON.parse(await Deno.readTextFile(`${cache}/labelled.json`)) as number[];
    io.err(`${set}: ${s.x.rows} faces from ${cache}`);
    return { ...s, labelled };
  } catch {
    // fill the cache below
  }
  const { embedPhotos } = await import("../pipeline/embed_photos.ts");
  const { LocalFolderSource } = await import("../sources/local.ts");
  const { centreFace } = await import("./lfw_protocol.ts");
  io.err(`${set}: reading the faces of ${images} (from the embedding store; photos it lacks are embedded)`);
  const res = await embedPhotos(new LocalFolderSource(images, { labelsFromFolders: true }), {
    storeDir: `${cacheDir()}/store`,
  });
  await res.store.flush();
  const dim = res.store.dim;
  const faces: FaceMeta[] = [], rows: Float32Array[] = [], labelled: number[] = [];
  for (const p of res.photos) {
    const rec = p.record;
    if (!rec || rec.error || p.failure || rec.faces.length === 0) continue;
    const boxes = rec.faces.map((f) => f.box);
    // LFW: the face nearest the centre (its protocol); pins: the largest (the toolkit's rule)
    const pick = set === "lfw"
      ? centreFace(boxes, rec.width!, rec.height!)
      : boxes.reduce((b, x, i) => (x[2] * x[3] > boxes[b][2] * boxes[b][3] ? i : b), 0);
    const emb = res.store.embeddings(p.hash!);
    rec.faces.forEach((f, i) => {
      if (i === pick) labelled.push(faces.length);
      faces.push({ path: p.ref.path, face: i, imageId: p.hash!, label: p.ref.label, box: f.box });
      rows.push(emb[i]);
    });
  }
  const x = { data: new Float32Array(rows.length * dim), rows: rows.length, cols: dim };
  rows.forEach((r, i) => x.data.set(r, i * dim));
  await writeEmbeddingSet(`${cache}/embeddings`, { x, faces });
  await Deno.writeTextFile(`${cache}/labelled.json`, JSON.stringify(labelled));
  io.err(`${set}: ${faces.length} faces (${res.computed} photos embedded now), cached in ${cache}`);
  return { x, faces, labelled };
}

function gather(x: Matrix, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * x.cols);
  rows.forEach((r, i) => out.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return out;
}

function dot(v: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += v[a * dim + k] * v[b * dim + k];
  return s;
}

/**
 * Verification accuracy (threshold from the other folds' pairs, people the adapter was trained
 * on), the same at the test fold's own best threshold (an upper bound, free of that shift), BCubed
 * F1 and clusters.
 */
interface Scores {
  accuracy: number;
  accuracyOwnThreshold: number;
  bcubedF1: number;
  clusters: number;
}

/** One fold's figures. */
interface FoldFigures {
  fold: number;
  trainRows: number;
  trainIdentities: number;
  testFaces: number;
  testPeople: number;
  pairs: number;
  before: Scores;
  after: Scores;
  /** With the weights of the last epoch (`after` has those kept by validation). */
  last: Scores;
  bestEpoch: number;
  trainSeconds: number;
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));

async function benchSet(
  set: (typeof SETS)[number],
  f: Faces,
  data: string,
  v: { folds: number; loss: LossKind; head: HeadKind; epochs: number; seed: number; lr: number },
  io: Io,
) {
  const { trainAdapter } = await import("../learn/train.ts");
  const { clusterFaces } = await import("../select/cluster_faces.ts");
  const dim = f.x.cols;
  const people = [...new Set(f.labelled.map((r) => f.faces[r].label!))];
  const folds = set === "lfw"
    ? parsePeopleFolds(await Deno.readTextFile(`${data}/lfw/people.txt`), `${data}/lfw/people.txt`)
    : splitPeople(people, 10, seededRandom(2026));
  const foldOf = new Map<string, number>();
  folds.forEach((ps, k) => ps.forEach((p) => foldOf.set(p, k)));
  const rowsOfPerson = new Map<string, number[]>();
  for (const r of f.labelled) {
    const l = f.faces[r].label!;
    rowsOfPerson.set(l, [...(rowsOfPerson.get(l) ?? []), r]);
  }
  // verification pairs as rows of the labelled faces
  let pairs: { a: number; b: number; same: boolean; fold: number }[];
  let missingPairs = 0, crossFold = 0;
  if (set === "lfw") {
    const { parsePairs } = await import("./lfw_protocol.ts");
    const rowOfPath = new Map(f.labelled.map((r) => [f.faces[r].path, r]));
    pairs = [];
    for (const p of parsePairs(await Deno.readTextFile(`${data}/lfw/pairs.txt`))) {
      const a = rowOfPath.get(p.a), b = rowOfPath.get(p.b);
      if (a === undefined || b === undefined) {
        missingPairs++;
        continue;
      }
      // pairs.txt's fold k is drawn from people.txt's set k: check, and count any that are not
      const fa = foldOf.get(f.faces[a].label!), fb = foldOf.get(f.faces[b].label!);
      if (fa !== p.fold || fb !== p.fold) crossFold++;
      pairs.push({ a, b, same: p.same, fold: p.fold });
    }
  } else {
    pairs = drawFoldPairs(rowsOfPerson, folds, 300, seededRandom(7));
  }
  io.err(
    `${set}: ${people.length} people in ${folds.length} folds; ${pairs.length} verification pairs` +
      (missingPairs ? ` (${missingPairs} pairs.txt pairs without a detected face left out)` : "") +
      (crossFold ? `; ${crossFold} pairs name a person outside their fold` : ""),
  );
  const out: FoldFigures[] = [];
  for (let k = 0; k < Math.min(v.folds, folds.length); k++) {
    const trainRows = f.labelled.filter((r) => foldOf.get(f.faces[r].label!) !== k);
    const names = new Map<string, number>();
    const labels = Int32Array.from(trainRows, (r) => {
      const l = f.faces[r].label!;
      return names.get(l) ?? names.set(l, names.size).get(l)!;
    });
    const t0 = performance.now();
    const trained = await trainAdapter(
      { vectors: gather(f.x, trainRows), dim, labels, origin: `${set} folds except ${k + 1}` },
      {
        loss: v.loss,
        head: v.head,
        epochs: v.epochs,
        seed: v.seed,
        learningRate: v.lr,
        onProgress: (line) => io.err(`  ${set} fold ${k + 1}: ${line}`),
      },
    );
    const trainSeconds = (performance.now() - t0) / 1000;
    // verification: every pair's cosine, before and after; threshold from the other folds
    const pairRows = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    const at = new Map(pairRows.map((r, i) => [r, i]));
    const pv = gather(f.x, pairRows);
    const pa = trained.apply(pv, dim);
    const pl = applyAdapter(trained.lastWeights, pv, dim);
    const scored = (vv: Float32Array, d: number): ScoredPair[] =>
      pairs.map((p) => ({ sim: dot(vv, d, at.get(p.a)!, at.get(p.b)!), same: p.same, fold: p.fold }));
    const acc = (vv: Float32Array, d: number) => {
      const sp = scored(vv, d);
      const own = bestThresholdAccuracy(sp.filter((p) => p.fold === k).map((p) => [p.sim, p.same ? 1 : 0]));
      return { accuracy: foldAccuracy(sp, k).accuracy, accuracyOwnThreshold: own };
    };
    const accBefore = acc(pv, dim), accAfter = acc(pa, trained.outDim), accLast = acc(pl, trained.outDim);
    // clustering: every face of the fold's photos; the labelled face of each photo scored
    const testRows: number[] = [];
    const isLabelled = new Set(f.labelled);
    f.faces.forEach((m, r) => {
      if (foldOf.get(m.label!) === k) testRows.push(r);
    });
    const ids = new Map<string, number>();
    const truth = Int32Array.from(testRows, (r) => {
      if (!isLabelled.has(r)) return -1;
      const l = f.faces[r].label!;
      return ids.get(l) ?? ids.set(l, ids.size).get(l)!;
    });
    const tf = testRows.map((r) => f.faces[r]);
    const xb = gather(f.x, testRows);
    const xa = trained.apply(xb, dim);
    const cb = await clusterFaces({ data: xb, rows: testRows.length, cols: dim }, tf);
    const ca = await clusterFaces({ data: xa, rows: testRows.length, cols: trained.outDim }, tf);
    const xl = applyAdapter(trained.lastWeights, xb, dim);
    const cl = await clusterFaces({ data: xl, rows: testRows.length, cols: trained.outDim }, tf);
    const nClusters = (l: Int32Array) => new Set(l).size;
    const fig: FoldFigures = {
      fold: k + 1,
      trainRows: trainRows.length,
      trainIdentities: trained.counts.identities,
      testFaces: testRows.length,
      testPeople: ids.size,
      pairs: pairs.filter((p) => p.fold === k).length,
      before: {
        ...accBefore,
        bcubedF1: scoredMetrics(truth, cb.labels).bcubedF1,
        clusters: nClusters(cb.labels),
      },
      after: {
        ...accAfter,
        bcubedF1: scoredMetrics(truth, ca.labels).bcubedF1,
        clusters: nClusters(ca.labels),
      },
      last: {
        ...accLast,
        bcubedF1: scoredMetrics(truth, cl.labels).bcubedF1,
        clusters: nClusters(cl.labels),
      },
      bestEpoch: trained.bestEpoch,
      trainSeconds,
    };
    out.push(fig);
    io.out(
      `${set} fold ${k + 1}: verification ${fig.before.accuracy.toFixed(4)} -> ${
        fig.after.accuracy.toFixed(4)
      }, ` +
        `BCubed F1 ${fig.before.bcubedF1.toFixed(4)} -> ${fig.after.bcubedF1.toFixed(4)} ` +
        `(${fig.testFaces} faces of ${fig.testPeople} people; clusters ${fig.before.clusters} -> ${fig.after.clusters}; ` +
        `epoch ${fig.bestEpoch} kept, ${trainSeconds.toFixed(0)} s); last epoch's weights: ` +
        `${fig.last.accuracy.toFixed(4)}, ${fig.last.bcubedF1.toFixed(4)} (${fig.last.clusters} clusters)`,
    );
  }
  const col = (g: (x: FoldFigures) => number) => ({ mean: mean(out.map(g)), std: std(out.map(g)) });
  const summary = {
    accuracyBefore: col((x) => x.before.accuracy),
    accuracyAfter: col((x) => x.after.accuracy),
    bcubedBefore: col((x) => x.before.bcubedF1),
    bcubedAfter: col((x) => x.after.bcubedF1),
    accuracyLast: col((x) => x.last.accuracy),
    ownThresholdBefore: col((x) => x.before.accuracyOwnThreshold),
    ownThresholdAfter: col((x) => x.after.accuracyOwnThreshold),
    ownThresholdLast: col((x) => x.last.accuracyOwnThreshold),
    bcubedLast: col((x) => x.last.bcubedF1),
    foldsBetterAccuracy: out.filter((x) => x.after.accuracy > x.before.accuracy).length,
    foldsBetterBcubed: out.filter((x) => x.after.bcubedF1 > x.before.bcubedF1).length,
  };
  const pm = (c: { mean: number; std: number }) => `${c.mean.toFixed(4)} ± ${c.std.toFixed(4)}`;
  io.out(
    `${set} over ${out.length} folds: verification ${pm(summary.accuracyBefore)} -> ${
      pm(summary.accuracyAfter)
    } ` +
      `(better in ${summary.foldsBetterAccuracy}); BCubed F1 ${pm(summary.bcubedBefore)} -> ${
        pm(summary.bcubedAfter)
      } ` +
      `(better in ${summary.foldsBetterBcubed}); last epoch's weights: verification ${
        pm(summary.accuracyLast)
      }, ` +
      `BCubed F1 ${pm(summary.bcubedLast)}; verification at the fold's own best threshold: ` +
      `${pm(summary.ownThresholdBefore)} -> ${pm(summary.ownThresholdAfter)} (last ${
        pm(summary.ownThresholdLast)
      })`,
  );
  return { folds: out, summary, missingPairs, crossFold };
}

async function benchScale(
  sources: Faces[],
  n: number,
  epochs: number,
  v: { loss: LossKind; head: HeadKind; seed: number },
  io: Io,
) {
  const { trainAdapter } = await import("../learn/train.ts");
  const dim = sources[0].x.cols;
  const all = sources.flatMap((s) =>
    Array.from({ length: s.x.rows }, (_, i) => s.x.data.subarray(i * dim, (i + 1) * dim))
  );
  const random = seededRandom(99);
  // real vectors, synthetic people: each of n/10 "people" gets 10 real vectors nudged towards a
  // common direction of its own (so that there is something to learn)
  const vectors = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const perPerson = 10;
  for (let p = 0; p * perPerson < n; p++) {
    const c = all[Math.floor(random() * all.length)];
    for (let k = 0; k < perPerson && p * perPerson + k < n; k++) {
      const row = p * perPerson + k;
      const src = all[Math.floor(random() * all.length)];
      let s = 0;
      for (let j = 0; j < dim; j++) s += (vectors[row * dim + j] = 0.6 * src[j] + 0.4 * c[j]) ** 2;
      for (let j = 0; j < dim; j++) vectors[row * dim + j] /= Math.sqrt(s);
      labels[row] = p;
    }
  }
  let peak = Deno.memoryUsage().rss;
  const base = peak;
  const timer = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 50);
  const t0 = performance.now();
  const t = await trainAdapter(
    { vectors, dim, labels, origin: `scale: ${n} real vectors, synthetic labels` },
    { ...v, epochs, onProgress: (line) => io.err(`  scale: ${line}`) },
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const r = {
    faces: n,
    dim,
    epochs,
    seconds,
    secondsPerEpoch: seconds / epochs,
    rowsPerSecond: mean(t.history.map((h) => h.rowsPerSecond)),
    peakRssMB: peak / 1e6,
    rssBeforeMB: base / 1e6,
    cores: navigator.hardwareConcurrency,
  };
  io.out(
    `scale: ${n} faces x ${dim}, ${epochs} epochs (${v.loss}, ${v.head}): ${seconds.toFixed(1)} s ` +
      `(${r.secondsPerEpoch.toFixed(1)} s/epoch, ${Math.round(r.rowsPerSecond)} rows/s); ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB (${r.rssBeforeMB.toFixed(0)} MB before training)`,
  );
  return r;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LEARN_BENCH_COMMAND, args, io, async (v, io) => {
    const sets = (v.sets.length ? v.sets : [...SETS]) as (typeof SETS)[number][];
    const opts = {
      folds: v.folds,
      loss: v.loss,
      head: v.head,
      epochs: v.epochs,
      seed: v.seed,
      lr: v["learning-rate"],
    };
    const results: Record<string, unknown> = {
      command: `deno task bench:learn ${args.join(" ")}`,
      options: opts,
    };
    const loaded: Faces[] = [];
    for (const s of sets) {
      const f = await loadFaces(s, v.data, io);
      if (!f) continue;
      loaded.push(f);
      results[s] = await benchSet(s, f, v.data, opts, io);
    }
    if (v.scale > 0 && loaded.length) {
      results.scale = await benchScale(loaded, v.scale, v["scale-epochs"], opts, io);
    }
    results.date = new Date().toISOString();
    await Deno.mkdir(v.out.slice(0, v.out.lastIndexOf("/")) || ".", { recursive: true });
    await Deno.writeTextFile(v.out, JSON.stringify(results, null, 2) + "\n");
    io.out(`figures: ${v.out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
