import assert from "node:assert/strict";
import { seededRandom } from "../util/random.ts";
import { applyAdapter } from "./head.ts";
import { pairFigures } from "./pair_figures.ts";
import { trainAdapter } from "./train.ts";
import type { TrainingSet } from "./types.ts";

/**
 * People as unit vectors in `dim`: each person a random centre; each face its centre plus a
 * strong "nuisance" component shared across people (lighting, say) drawn at random per face,
 * plus noise. A head that learns to drop the nuisance directions separates them better.
 */
function synthetic(people: number, perPerson: number, dim: number, seed: number): TrainingSet {
  const r = seededRandom(seed);
  const g = () => {
    const u = 1 - r(), v = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const nuisance = Array.from({ length: 3 }, () => Array.from({ length: dim }, g));
  const vectors = new Float32Array(people * perPerson * dim);
  const labels = new Int32Array(people * perPerson);
  for (let p = 0; p < people; p++) {
    const c = Array.from({ length: dim }, g);
    for (let k = 0; k < perPerson; k++) {
      const row = p * perPerson + k;
      labels[row] = p;
      const w = nuisance.map(() => 2 * g());
      let s = 0;
      for (let j = 0; j < dim; j++) {
        let x = c[j] * 0.6 + 0.3 * g();
        for (let q = 0; q < nuisance.length; q++) x += w[q] * nuisance[q][j] * 0.5;
        vectors[row * dim + j] = x;
        s += x * x;
      }
      for (let j = 0; j < dim; j++) vectors[row * dim + j] /= Math.sqrt(s);
    }
  }
  return { vectors, dim, labels, origin: "synthetic" };
}

const CASES = [
  ["triplet-batch-hard", "linear"],
  ["triplet-semi-hard", "mlp-residual"],
  ["supcon", "mlp-residual"],
  ["contrastive", "linear"],
] as const;

for (const [loss, head] of CASES) {
  Deno.test(`training (${loss}, ${head}) raises the pos/neg gap on people it never saw`, async () => {
    const train = synthetic(40, 8, 24, 1);
    // new people with the same nuisance directions: the last 20 of a larger draw of one seed
    const big = synthetic(60, 8, 24, 1);
    const unseen = {
      vectors: big.vectors.slice(40 * 8 * 24),
      labels: big.labels.slice(40 * 8).map((l) => l - 40),
    };
    const lines: string[] = [];
    const t = await trainAdapter(train, {
      loss,
      head,
      epochs: 8,
      seed: 3,
      p: 8,
      k: 4,
      learningRate: 0.01,
      hidden: 32,
      onProgress: (l) => lines.push(l),
    });
    const before = pairFigures(unseen.vectors, 24, unseen.labels);
    const after = pairFigures(t.apply(unseen.vectors, 24), t.outDim, unseen.labels);
    if (Deno.env.get("LEARN_TEST_VERBOSE")) console.log(loss, head, before, after);
    assert.ok(after.gap > before.gap + 0.05, `gap ${before.gap.toFixed(3)} -> ${after.gap.toFixed(3)}`);
    assert.equal(lines.length, 8);
    assert.match(lines[0], /^epoch 1\/8: loss [0-9.]+, val gap -?[0-9.]+ .*rows\/s.* left$/);
    // apply is the head on its weights
    assert.deepEqual(t.apply(unseen.vectors, 24), applyAdapter(t.weights, unseen.vectors, 24));
  });
}

Deno.test("training is reproducible from its seed", async () => {
  const set = synthetic(12, 4, 8, 2);
  const o = { epochs: 2, seed: 5, p: 4, k: 2, quiet: true, validationFraction: 0 };
  const a = await trainAdapter(set, o);
  const b = await trainAdapter(set, o);
  assert.deepEqual(a.weights.w1, b.weights.w1);
  const c = await trainAdapter(set, { ...o, seed: 6 });
  assert.notDeepEqual(a.weights.w1, c.weights.w1);
});

Deno.test("a set with fewer than two identities is refused with its origin", async () => {
  const set: TrainingSet = {
    vectors: new Float32Array(8),
    dim: 2,
    labels: Int32Array.from([0, 0, -1, -1]),
    origin: "x",
  };
  await assert.rejects(
    () => trainAdapter(set, { quiet: true, validationFraction: 0 }),
    /training set \(x\): 1 identities/,
  );
});

Deno.test("both heads start as the identity (unit input rows come out unchanged)", async () => {
  const { initialWeights } = await import("./train.ts");
  const x = synthetic(3, 2, 6, 9).vectors;
  for (const head of ["linear", "mlp-residual"] as const) {
    const y = applyAdapter(initialWeights(head, 6, 6, 5, 1), x, 6);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i] - x[i]) < 1e-6, head);
  }
});
