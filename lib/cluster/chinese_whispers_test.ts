import assert from "node:assert/strict";
import { bcubedF1 } from "../metrics/bcubed.ts";
import { thresholdedGraph } from "../graph/sparse.ts";
import { seededRandom } from "../util/random.ts";
import { chineseWhispers, whisper } from "./chinese_whispers.ts";
import { chineseWhispersReference } from "./_testing/chinese_whispers_reference.ts";
import { plantedKnn } from "./_testing/planted_graph.ts";
import { violations } from "./constraints.ts";

const planted = plantedKnn({ n: 3000, k: 16, seed: 4 });

/** Cannot-link pairs inside true people (where the clustering would otherwise join them). */
function samePersonPairs(truth: Int32Array, count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const byPerson = new Map<number, number[]>();
  truth.forEach((t, i) => (byPerson.get(t) ?? byPerson.set(t, []).get(t)!).push(i));
  const big = [...byPerson.values()].filter((m) => m.length >= 4);
  const out: number[] = [];
  for (let c = 0; c < count; c++) {
    const m = big[Math.floor(random() * big.length)];
    out.push(m[Math.floor(random() * m.length)], m[Math.floor(random() * m.length)]);
  }
  return Int32Array.from(out);
}

Deno.test("whisper gives exactly the labels of the pre-issue-17 Chinese whispers, with less work", () => {
  const cannotLink = samePersonPairs(planted.truth, 200, 9);
  for (const threshold of [0.3, 0.5, 0.7]) {
    for (const weighting of ["sim", "unit"] as const) {
      for (const cl of [undefined, cannotLink]) {
        const what = `threshold ${threshold}, ${weighting}, ${cl ? "cannot-link" : "free"}`;
        const ref = chineseWhispersReference(planted.graph, {
          threshold,
          iterations: 20,
          weighting,
          random: seededRandom(7),
          cannotLink: cl,
        });
        const g = thresholdedGraph(planted.graph, threshold);
        let linked = 0; // rows with an edge: those a pass of the reference tallies
        for (let i = 0; i < g.n; i++) if (g.offsets[i + 1] > g.offsets[i]) linked++;
        const got = whisper(g, {
          iterations: 20,
          weighting,
          random: seededRandom(7),
          cannotLink: cl,
        });
        assert.deepEqual(got.labels, ref.labels, what);
        assert.equal(got.passes, ref.passes, what);
        const full = got.passes * linked;
        assert.ok(got.visits < (got.passes > 5 ? 0.6 : 1) * full, `${what}: ${got.visits} visits of ${full}`);
        if (cl) assert.equal(violations(got.labels, cl), 0, what);
      }
    }
  }
});

Deno.test("a warm start from a stricter threshold's labels reaches the same quality in fewer passes", () => {
  const strict = whisper(thresholdedGraph(planted.graph, 0.6), {
    iterations: 20,
    weighting: "sim",
    random: seededRandom(1),
  });
  for (const threshold of [0.5, 0.45]) {
    const g = thresholdedGraph(planted.graph, threshold);
    const cold = whisper(g, { iterations: 20, weighting: "sim", random: seededRandom(1) });
    const warm = whisper(g, {
      iterations: 20,
      weighting: "sim",
      random: seededRandom(1),
      initialLabels: strict.labels,
    });
    const fCold = bcubedF1(planted.truth, cold.labels), fWarm = bcubedF1(planted.truth, warm.labels);
    assert.ok(Math.abs(fWarm - fCold) < 0.01, `threshold ${threshold}: F1 warm ${fWarm}, cold ${fCold}`);
    assert.ok(
      warm.passes < cold.passes,
      `threshold ${threshold}: passes warm ${warm.passes}, cold ${cold.passes}`,
    );
    assert.ok(
      warm.visits < cold.visits,
      `threshold ${threshold}: visits warm ${warm.visits}, cold ${cold.visits}`,
    );
  }
});

Deno.test("a warm start that puts cannot-link partners together is repaired: each starts in its own class", () => {
  // No edges: nothing moves, so the labels are the repaired start itself.
  const empty = { n: 5, offsets: new Int32Array(6), targets: new Int32Array(0), sims: new Float32Array(0) };
  const o = { iterations: 5, weighting: "sim" as const, random: seededRandom(1) };
  const start = Int32Array.from([7, 7, 7, 7, -1]);
  assert.deepEqual([...whisper(empty, { ...o, initialLabels: start }).labels], [0, 0, 0, 0, 1]);
  const cannotLink = Int32Array.from([0, 1]);
  assert.deepEqual([...whisper(empty, { ...o, initialLabels: start, cannotLink }).labels], [0, 1, 2, 2, 3]);
  // Labels far above the row count are only names.
  const big = Int32Array.from([1e9, 5, 1e9, 5, 5]);
  assert.deepEqual([...whisper(empty, { ...o, initialLabels: big }).labels], [0, 1, 0, 1, 1]);
  // With edges: one class for all at the start, partners in it; the run keeps them apart.
  const dense = thresholdedGraph(planted.graph, 0.5);
  const allOne = new Int32Array(planted.graph.n);
  const cl = samePersonPairs(planted.truth, 100, 3);
  const got = whisper(dense, { ...o, iterations: 20, initialLabels: allOne, cannotLink: cl });
  assert.equal(violations(got.labels, cl), 0);
});

Deno.test("chinese-whispers reads input.initialLabels, and refuses labels of the wrong length", async () => {
  const x = { data: new Float32Array(planted.graph.n), rows: planted.graph.n, cols: 1 };
  const params = { threshold: 0.45, neighbours: 16, iterations: 20, weighting: "sim" as const };
  const strict = (await chineseWhispers.run({ x, graph: planted.graph }, { ...params, threshold: 0.6 }, {
    random: seededRandom(2),
  })).labels;
  const run = await chineseWhispers.run({ x, graph: planted.graph, initialLabels: strict }, params, {
    random: seededRandom(2),
  });
  const direct = whisper(thresholdedGraph(planted.graph, 0.45), {
    iterations: 20,
    weighting: "sim",
    random: seededRandom(2),
    initialLabels: strict,
  });
  assert.deepEqual(run.labels, direct.labels);
  await assert.rejects(
    () =>
      chineseWhispers.run({ x, graph: planted.graph, initialLabels: new Int32Array(3) }, params, {
        random: seededRandom(2),
      }),
    /initialLabels has 3 labels for 3000 rows/,
  );
});

Deno.test("whisper agrees with the reference on small graphs full of ties (unit weights, many partners)", () => {
  for (let seed = 1; seed <= 6; seed++) {
    const small = plantedKnn({ n: 400, k: 8, seed, within: [0.5, 0.2], stranger: [0.4, 0.1] });
    const cl = samePersonPairs(small.truth, 60, seed);
    for (const threshold of [0.2, 0.45, 0.6]) {
      for (const weighting of ["sim", "unit"] as const) {
        const o = { threshold, iterations: 30, weighting, cannotLink: cl };
        const ref = chineseWhispersReference(small.graph, { ...o, random: seededRandom(seed) });
        const got = whisper(thresholdedGraph(small.graph, threshold), { ...o, random: seededRandom(seed) });
        assert.deepEqual(got.labels, ref.labels, `seed ${seed}, threshold ${threshold}, ${weighting}`);
      }
    }
  }
});
