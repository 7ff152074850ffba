/**
 * Trains an embedding adapter (a head over the frozen embedder's vectors) with tfjs on its cpu
 * backend: P×K batches over identities, triplet (batch-hard or semi-hard), supervised
 * contrastive or pairwise contrastive loss, Adam, a validation split by identity, a progress
 * line per epoch. The result's `apply` is pure TypeScript and gives the exported ONNX model's
 * numbers.
 * @module
 */
import type { Scalar, Tensor, Tensor2D, Variable } from "@tensorflow/tfjs";
import { ToolkitError } from "../errors.ts";
import { formatDuration } from "../util/progress.ts";
import { type Random, seededRandom } from "../util/random.ts";
import { groupRows, mergeMustLinks, PkSampler, splitByIdentity } from "./batches.ts";
import { type AdapterWeights, applyAdapter } from "./head.ts";
import { contrastiveLoss, supconLoss, tripletLoss } from "./losses.ts";
import { cosineMatrix, mineBatchHard, mineSemiHard } from "./mining.ts";
import { type PairFigures, pairFigures } from "./pair_figures.ts";
import { loadTf, matMul, tfBackend } from "./tf.ts";
import type { HeadKind, LossKind, TrainingSet } from "./types.ts";

/** Every loss, for flags and checks. */
export const LOSS_KINDS: readonly LossKind[] = [
  "triplet-batch-hard",
  "triplet-semi-hard",
  "supcon",
  "contrastive",
];
/** Every head, for flags and checks. */
export const HEAD_KINDS: readonly HeadKind[] = ["linear", "mlp-residual"];

/** Defaults of {@link TrainOptions}, declared once (the CLI shows them). */
export const TRAIN_DEFAULTS = {
  loss: "triplet-batch-hard" as LossKind,
  head: "linear" as HeadKind,
  hidden: 256,
  epochs: 10,
  seed: 1,
  tripletMargin: 0.2,
  contrastiveMargin: 0.5,
  temperature: 0.1,
  p: 32,
  k: 4,
  learningRate: 1e-3,
  validationFraction: 0.1,
};

/** Options of {@link trainAdapter}; every one has a default ({@link TRAIN_DEFAULTS}). */
export interface TrainOptions {
  /** The loss. */
  loss?: LossKind;
  /** The head. */
  head?: HeadKind;
  /** Output length (`linear` only; `mlp-residual` keeps the input's). Default: the input's. */
  outDim?: number;
  /** Hidden width of `mlp-residual`. */
  hidden?: number;
  /** Passes over the training rows. */
  epochs?: number;
  /** Seed of the weights' initialisation, the split and the batches. */
  seed?: number;
  /** Triplet margin (cosine distance), or the contrastive loss's cosine above which two people cost. */
  margin?: number;
  /** Temperature of `supcon`. */
  temperature?: number;
  /** Identities per batch. */
  p?: number;
  /** Faces per identity per batch. */
  k?: number;
  /** Adam's learning rate. */
  learningRate?: number;
  /** Share of identities held out for validation (0: none). */
  validationFraction?: number;
  /** Batches per epoch. Default: labelled training rows / (p*k), at least 1. */
  stepsPerEpoch?: number;
  /** Keep the weights of the epoch with the best validation accuracy (default true when validating). */
  keepBest?: boolean;
  /** Called with each epoch's progress line. Default: the line on stderr. */
  onProgress?: (line: string, p: EpochRecord) => void;
  /** No progress lines. */
  quiet?: boolean;
}

/** What one epoch did. */
export interface EpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Of how many. */
  epochs: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Figures on the held-out identities after the epoch. */
  validation?: PairFigures;
  /** Seconds since training began. */
  seconds: number;
  /** Training rows per second over the epoch. */
  rowsPerSecond: number;
  /** Estimated seconds left. */
  secondsLeft: number;
}

/** The options a training ran with, every default filled in. */
export type ResolvedTrainOptions = Required<Omit<TrainOptions, "onProgress" | "quiet" | "stepsPerEpoch">> & {
  stepsPerEpoch: number;
};

/** A trained adapter. */
export interface TrainedAdapter {
  /** Its weights (those of the best epoch when `keepBest`). */
  weights: AdapterWeights;
  /** The weights after the last epoch (the same as `weights` without `keepBest`). */
  lastWeights: AdapterWeights;
  /** Output length. */
  outDim: number;
  /** Applies it to `rows x dim` vectors (pure TypeScript): unit rows of `outDim`. */
  apply(vectors: Float32Array, dim: number): Float32Array;
  /** Every epoch. */
  history: EpochRecord[];
  /** Validation figures of the input vectors (no adapter). */
  before?: PairFigures;
  /** Validation figures with the adapter returned. */
  after?: PairFigures;
  /** The epoch whose weights were kept. */
  bestEpoch: number;
  /** The options, defaults filled in. */
  options: ResolvedTrainOptions;
  /** Training rows, validation rows, identities drawn from. */
  counts: { rows: number; trainRows: number; validationRows: number; identities: number; pairs: number };
  /** Wall time of training in seconds. */
  seconds: number;
  /** The tfjs backend it ran on (`wasm` or `cpu`). */
  backend: string;
}

/** Checks a set's shapes; throws naming the problem. */
export function checkTrainingSet(set: TrainingSet): number {
  if (!Number.isInteger(set.dim) || set.dim < 1) throw new ToolkitError(`training set: bad dim ${set.dim}`);
  if (set.vectors.length % set.dim !== 0) {
    throw new ToolkitError(`training set: ${set.vectors.length} values are not rows of ${set.dim}`);
  }
  const rows = set.vectors.length / set.dim;
  if (set.labels.length !== rows) {
    throw new ToolkitError(`training set: ${set.labels.length} labels for ${rows} rows`);
  }
  const p = set.pairs;
  if (p && (p.b.length !== p.a.length || p.same.length !== p.a.length)) {
    throw new ToolkitError(
      `training set: pairs have ${p.a.length}, ${p.b.length} and ${p.same.length} entries`,
    );
  }
  if (p) {
    for (let i = 0; i < p.a.length; i++) {
      if (p.a[i] >= rows || p.b[i] >= rows) {
        throw new ToolkitError(`training set: pair ${i} names a row past ${rows}`);
      }
    }
  }
  return rows;
}

function resolve(opts: TrainOptions, set: TrainingSet, trainRows: number): ResolvedTrainOptions {
  const d = TRAIN_DEFAULTS;
  const loss = opts.loss ?? d.loss;
  const head = opts.head ?? d.head;
  if (!LOSS_KINDS.includes(loss)) {
    throw new ToolkitError(`unknown loss ${loss} (known: ${LOSS_KINDS.join(", ")})`);
  }
  if (!HEAD_KINDS.includes(head)) {
    throw new ToolkitError(`unknown head ${head} (known: ${HEAD_KINDS.join(", ")})`);
  }
  const outDim = opts.outDim ?? set.dim;
  if (head === "mlp-residual" && outDim !== set.dim) {
    throw new ToolkitError(
      `head mlp-residual keeps the input length ${set.dim}; outDim ${outDim} needs head linear`,
    );
  }
  const p = opts.p ?? d.p, k = opts.k ?? d.k;
  const r: ResolvedTrainOptions = {
    loss,
    head,
    outDim,
    hidden: opts.hidden ?? d.hidden,
    epochs: opts.epochs ?? d.epochs,
    seed: opts.seed ?? d.seed,
    margin: opts.margin ?? (loss === "contrastive" ? d.contrastiveMargin : d.tripletMargin),
    temperature: opts.temperature ?? d.temperature,
    p,
    k,
    learningRate: opts.learningRate ?? d.learningRate,
    validationFraction: opts.validationFraction ?? d.validationFraction,
    keepBest: opts.keepBest ?? true,
    stepsPerEpoch: opts.stepsPerEpoch ?? Math.max(1, Math.ceil(trainRows / (p * k))),
  };
  for (
    const [name, v, min] of [["epochs", r.epochs, 1], ["p", r.p, 2], ["k", r.k, 2], ["hidden", r.hidden, 1], [
      "stepsPerEpoch",
      r.stepsPerEpoch,
      1,
    ], ["outDim", r.outDim, 1]] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      throw new ToolkitError(`${name} must be an integer >= ${min}, got ${v}`);
    }
  }
  if (!(r.temperature > 0)) throw new ToolkitError(`temperature must be > 0, got ${r.temperature}`);
  if (!(r.learningRate > 0)) throw new ToolkitError(`learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.validationFraction >= 0 && r.validationFraction < 1)) {
    throw new ToolkitError(`validationFraction must be >= 0 and < 1, got ${r.validationFraction}`);
  }
  return r;
}

/** A standard normal draw (Box-Muller) from `random`. */
function normal(random: Random): number {
  const u = 1 - random(), v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The starting weights: the identity for both heads (`mlp-residual`: a residual branch of zero). */
export function initialWeights(
  head: HeadKind,
  inDim: number,
  outDim: number,
  hidden: number,
  seed: number,
): AdapterWeights {
  const random = seededRandom(seed ^ 0x5eed);
  if (head === "linear") {
    const w1 = new Float32Array(inDim * outDim);
    for (let i = 0; i < Math.min(inDim, outDim); i++) w1[i * outDim + i] = 1;
    return { head, inDim, outDim, hidden: 0, w1, b1: new Float32Array(outDim) };
  }
  const w1 = new Float32Array(inDim * hidden).map(() => normal(random) * Math.sqrt(2 / inDim));
  // the residual branch starts at zero (its second matrix zero), so that the untrained head is
  // exactly the identity, as the linear one is; its first matrix gets gradients once the second moves
  const w2 = new Float32Array(hidden * outDim);
  return { head, inDim, outDim, hidden, w1, b1: new Float32Array(hidden), w2, b2: new Float32Array(outDim) };
}

function gatherRows(v: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) out.set(v.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return out;
}

function pickLabels(labels: Int32Array, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (r) => labels[r]);
}

let variableCount = 0;

function progressLine(r: EpochRecord): string {
  const v = r.validation;
  const val = v
    ? `, val gap ${v.gap.toFixed(3)} (pos ${v.posMean.toFixed(2)}, neg ${v.negMean.toFixed(2)}), acc ${
      v.verificationAccuracy.toFixed(3)
    }`
    : "";
  return `epoch ${r.epoch}/${r.epochs}: loss ${r.loss.toFixed(4)}${val}, ${
    Math.round(r.rowsPerSecond)
  } rows/s, ${formatDuration(r.seconds)} elapsed, ${formatDuration(r.secondsLeft)} left`;
}

/**
 * Trains an adapter on `set` (see {@link TrainOptions}). Must-link pairs join identities
 * ({@link mergeMustLinks}); cannot-link pairs are used by the `contrastive` loss. Throws a
 * {@link ToolkitError} when the set has too little to learn from.
 */
export async function trainAdapter(set: TrainingSet, opts: TrainOptions = {}): Promise<TrainedAdapter> {
  const t0 = performance.now();
  const rows = checkTrainingSet(set);
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  const random = seededRandom(seed);
  const labels = mergeMustLinks(set.labels, set.pairs);
  const split = splitByIdentity(labels, opts.validationFraction ?? TRAIN_DEFAULTS.validationFraction, random);
  const inVal = new Uint8Array(rows);
  for (const r of split.validation) inVal[r] = 1;
  const groups = groupRows(labels, split.train);
  const labelledTrain = [...groups.values()].reduce((s, g) => s + (g.length >= 2 ? g.length : 0), 0);
  // explicit pairs that stay within training rows
  const pa: number[] = [], pb: number[] = [], ps: number[] = [];
  if (set.pairs) {
    for (let i = 0; i < set.pairs.a.length; i++) {
      if (inVal[set.pairs.a[i]] || inVal[set.pairs.b[i]]) continue;
      pa.push(set.pairs.a[i]);
      pb.push(set.pairs.b[i]);
      ps.push(set.pairs.same[i]);
    }
  }
  const o = resolve(opts, set, labelledTrain || pa.length);
  const sampler = new PkSampler(groups.values(), o.p, o.k, random);
  const usesPairs = o.loss === "contrastive" && pa.length > 0;
  if (sampler.identities < 2 && !usesPairs) {
    throw new ToolkitError(
      `training set (${set.origin}): ${sampler.identities} identities with two or more training faces; ` +
        `needs at least 2` + (pa.length ? " (or loss contrastive for its pairs)" : ""),
    );
  }
  const tf = await loadTf();
  const init = initialWeights(o.head, set.dim, o.outDim, o.hidden, seed);
  const vars: Variable[] = [];
  const v = (a: Float32Array, shape: [number, number] | [number], name: string) => {
    const t = tf.variable(
      shape.length === 2 ? tf.tensor2d(a, shape) : tf.tensor1d(a),
      true,
      `adapter_${name}_${++variableCount}`,
    );
    vars.push(t);
    return t;
  };
  const W1 = v(init.w1, [set.dim, o.head === "linear" ? o.outDim : o.hidden], "w1");
  const B1 = v(init.b1, [init.b1.length], "b1");
  const W2 = o.head === "mlp-residual" ? v(init.w2!, [o.hidden, o.outDim], "w2") : undefined;
  const B2 = o.head === "mlp-residual" ? v(init.b2!, [o.outDim], "b2") : undefined;
  const forward = (x: Tensor2D): Tensor2D => {
    let y: Tensor2D = tf.add(matMul(x, W1 as Tensor2D), B1);
    if (W2 && B2) y = tf.add(x, tf.add(matMul(tf.relu(y), W2 as Tensor2D), B2));
    const norm = tf.maximum(tf.norm(y, 2, 1, true), 1e-12);
    return tf.div(y, norm);
  };
  const readWeights = (): AdapterWeights => ({
    head: o.head,
    inDim: set.dim,
    outDim: o.outDim,
    hidden: o.head === "linear" ? 0 : o.hidden,
    w1: W1.dataSync() as Float32Array,
    b1: B1.dataSync() as Float32Array,
    ...(W2 && B2 ? { w2: W2.dataSync() as Float32Array, b2: B2.dataSync() as Float32Array } : {}),
  });
  const valVectors = split.validation.length ? gatherRows(set.vectors, set.dim, split.validation) : undefined;
  const valLabels = pickLabels(labels, split.validation);
  const figures = (w?: AdapterWeights) =>
    valVectors
      ? pairFigures(
        w ? applyAdapter(w, valVectors, set.dim) : valVectors,
        w ? w.outDim : set.dim,
        valLabels,
        seed,
      )
      : undefined;
  const before = figures();
  const optimizer = tf.train.adam(o.learningRate);
  const history: EpochRecord[] = [];
  let best = {
    epoch: 0,
    weights: readWeights(),
    score: before ? before.verificationAccuracy : -Infinity,
    gap: before?.gap ?? -Infinity,
  };
  const write = opts.quiet ? () => {} : opts.onProgress ?? ((line: string) => console.error(line));
  const pairBatch = o.p * o.k;
  const trainStart = performance.now();
  let lastWeights: AdapterWeights | undefined;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e0 = performance.now();
    let lossSum = 0, rowsDone = 0;
    for (let step = 0; step < o.stepsPerEpoch; step++) {
      const batch = sampler.identities >= 2
        ? sampler.next()
        : { rows: new Int32Array(0), labels: new Int32Array(0) };
      let allRows = batch.rows;
      let pairIdx: { a: Int32Array; b: Int32Array; same: Uint8Array } | undefined;
      if (o.loss === "contrastive") {
        const a: number[] = [], b: number[] = [], s: number[] = [];
        for (let i = 0; i < batch.rows.length; i++) {
          for (let j = i + 1; j < batch.rows.length; j++) {
            a.push(i);
            b.push(j);
            s.push(batch.labels[i] === batch.labels[j] ? 1 : 0);
          }
        }
        if (usesPairs) {
          const extra: number[] = [];
          const base = batch.rows.length;
          for (let i = 0; i < Math.min(pairBatch, pa.length); i++) {
            const q = Math.floor(random() * pa.length);
            extra.push(pa[q], pb[q]);
            a.push(base + 2 * i);
            b.push(base + 2 * i + 1);
            s.push(ps[q]);
          }
          const joined = new Int32Array(base + extra.length);
          joined.set(batch.rows);
          joined.set(extra, base);
          allRows = joined;
        }
        pairIdx = { a: Int32Array.from(a), b: Int32Array.from(b), same: Uint8Array.from(s) };
      }
      const x = tf.tensor2d(gatherRows(set.vectors, set.dim, allRows), [allRows.length, set.dim]);
      const value = optimizer.minimize(
        () => {
          const e = forward(x);
          let loss: Tensor;
          if (o.loss === "supcon") loss = supconLoss(tf, e, batch.labels, o.temperature);
          else if (o.loss === "contrastive") {
            loss = contrastiveLoss(tf, e, pairIdx!.a, pairIdx!.b, pairIdx!.same, o.margin);
          } else {
            const n = batch.rows.length;
            const sim = cosineMatrix(e.dataSync() as Float32Array, n, o.outDim);
            const t = o.loss === "triplet-batch-hard"
              ? mineBatchHard(sim, batch.labels)
              : mineSemiHard(sim, batch.labels);
            loss = tripletLoss(tf, e, t, o.margin);
          }
          return loss as Scalar;
        },
        true,
        vars,
      );
      lossSum += value ? value.dataSync()[0] : 0;
      value?.dispose();
      x.dispose();
      rowsDone += allRows.length;
    }
    const weights = readWeights();
    lastWeights = weights;
    const validation = figures(weights);
    const seconds = (performance.now() - t0) / 1000;
    const perEpoch = (performance.now() - trainStart) / 1000 / epoch;
    const rec: EpochRecord = {
      epoch,
      epochs: o.epochs,
      loss: lossSum / o.stepsPerEpoch,
      validation,
      seconds,
      rowsPerSecond: rowsDone / ((performance.now() - e0) / 1000),
      secondsLeft: perEpoch * (o.epochs - epoch),
    };
    history.push(rec);
    write(progressLine(rec), rec);
    const score = validation ? validation.verificationAccuracy : epoch;
    const gap = validation?.gap ?? epoch;
    if (!o.keepBest || !validation || score > best.score || (score === best.score && gap > best.gap)) {
      best = { epoch, weights, score, gap };
    }
  }
  optimizer.dispose();
  for (const t of vars) t.dispose();
  const weights = best.weights;
  return {
    weights,
    lastWeights: history.length ? lastWeights! : weights,
    outDim: o.outDim,
    apply: (vectors, dim) => applyAdapter(weights, vectors, dim),
    history,
    before,
    after: figures(weights),
    bestEpoch: best.epoch,
    options: o,
    counts: {
      rows,
      trainRows: split.train.length,
      validationRows: split.validation.length,
      identities: sampler.identities,
      pairs: pa.length,
    },
    seconds: (performance.now() - t0) / 1000,
    backend: tfBackend(),
  };
}
