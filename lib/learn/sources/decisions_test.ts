import assert from "node:assert/strict";
import { join } from "node:path";
import { type Decision, DecisionLog, type LoggedDecision, replay } from "../../review/decisions.ts";
import { type EmbeddingSet, type FaceMeta, writeEmbeddingSet } from "../../store/embedding_set.ts";
import { fromDecisions, fromRunDecisions } from "./decisions.ts";

/** Ten photos h0..h9 of one face each, and photo h9 with a second face; row i has vector [i]. */
function sample(): EmbeddingSet {
  const faces: FaceMeta[] = Array.from(
    { length: 10 },
    (_, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `h${i}` }),
  );
  faces.push({ path: "p9.jpg", face: 1, imageId: "h9" });
  return { x: { rows: faces.length, cols: 1, data: Float32Array.from(faces, (_, i) => i) }, faces };
}

const k = (i: number) => (i === 10 ? "h9#1" : `h${i}#0`);
const at = (d: Decision): LoggedDecision => ({ ...d, at: "2026-12-01T00:00:00.000Z" });

/** The set rows of each identity, and the cannot-link pairs as set rows. */
function view(r: ReturnType<typeof fromDecisions>) {
  const groups = new Map<number, number[]>();
  r.set.labels.forEach((l, i) => l >= 0 && groups.set(l, [...(groups.get(l) ?? []), r.rows[i]]));
  const pairs = r.set.pairs
    ? Array.from(
      r.set.pairs.a,
      (a, i) => [r.rows[a], r.rows[r.set.pairs!.b[i]]].sort((x, y) => x - y).join("-"),
    )
    : [];
  return { groups: [...groups.values()], pairs: pairs.sort() };
}

Deno.test("verdicts: a correct cluster is one person; a wrong one's faces cannot link with those that stay", () => {
  const state = replay([
    at({ op: "verdict", cluster: k(0), faces: [k(0), k(1), k(2)], verdict: "correct", wrong: [] }),
    at({ op: "verdict", cluster: k(3), faces: [k(3), k(4), k(5)], verdict: "wrong", wrong: [k(5)] }),
    at({ op: "verdict", cluster: k(6), faces: [k(6), k(7)], verdict: "wrong", wrong: [] }),
    at({ op: "verdict", cluster: k(8), faces: [k(8), k(9), k(10)], verdict: "wrong", wrong: [] }),
  ]);
  const r = fromDecisions(sample(), state, { samePhoto: false });
  const v = view(r);
  assert.deepEqual(v.groups, [[0, 1, 2], [3, 4]]);
  assert.deepEqual(v.pairs, ["3-5", "4-5", "6-7"], "two faces marked wrong are two people");
  assert.equal(r.set.labels[r.rows.indexOf(5)], -1, "the wrong face has no identity");
  assert.deepEqual(r.summary.verdicts, { correct: 1, wrong: 2, unusable: 1 });
  assert.ok(!r.rows.includes(9), "three faces marked wrong with none listed teach nothing");
  assert.equal(r.summary.identities, 2);
  assert.deepEqual(r.names, [`cluster ${k(0)}`, `cluster ${k(3)}`]);
  assert.deepEqual([...r.set.vectors], [...r.rows].map(Number));
  const strict = view(fromDecisions(sample(), state, { samePhoto: false, restIsOnePerson: false }));
  assert.deepEqual(strict.groups, [[0, 1, 2]]);
});

Deno.test("names, merges and rejections: one identity per person; a name shared is one person", () => {
  const state = replay([
    at({ op: "name", person: "p1", name: "Ada", faces: [k(0), k(1)] }),
    at({ op: "name", person: "p2", name: "Bo", faces: [k(2), k(3)] }),
    at({ op: "merge", person: "p1", faces: [k(4)], from: ["p3"] }),
    at({ op: "name", person: "p4", name: "Ada", faces: [k(5)] }),
    at({ op: "reject", faces: [k(6)], reason: "not-this-person", from: [k(2), k(3)] }),
    at({ op: "reject", faces: [k(7)], reason: "not-a-face" }),
    at({ op: "verdict", cluster: k(7), faces: [k(7), k(8)], verdict: "correct", wrong: [] }),
  ]);
  const r = fromDecisions(sample(), state, { samePhoto: false });
  const v = view(r);
  assert.deepEqual(v.groups, [[0, 1, 4, 5], [2, 3], [8]]);
  assert.deepEqual(v.pairs, ["2-6", "3-6"]);
  assert.ok(!r.rows.includes(7), "a face that is not a face takes no part");
  assert.deepEqual(r.names.slice(0, 2), ["Ada", "Bo"]);
});

Deno.test("faces of one photo cannot link; a cannot-link inside one person is dropped and counted", () => {
  const state = replay([
    at({ op: "verdict", cluster: k(8), faces: [k(8), k(9)], verdict: "correct", wrong: [] }),
    at({ op: "split", person: "p1", faces: [k(0)], rest: [k(1)] }),
    at({ op: "name", person: "p2", name: "Cy", faces: [k(1)] }),
    at({ op: "name", person: "p1", name: "Cy", faces: [k(0)] }),
  ]);
  const r = fromDecisions(sample(), state);
  const v = view(r);
  assert.deepEqual(v.pairs, ["9-10"], "photo h9's second face");
  assert.equal(r.summary.conflicts, 1);
  assert.match(r.warnings[0], /1 cannot-link pair/);
  assert.equal(r.set.labels[r.rows.indexOf(10)], -1);
});

Deno.test("fromRunDecisions reads the run's log; a run without decisions is an error saying to review", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeEmbeddingSet(join(dir, "embeddings"), sample());
    await assert.rejects(() => fromRunDecisions(dir), /no review decisions .*deno task review --run/);
    const log = await DecisionLog.open(dir);
    await log.append({ op: "verdict", cluster: k(0), faces: [k(0), k(1)], verdict: "correct", wrong: [] });
    const r = await fromRunDecisions(dir);
    assert.deepEqual([...r.rows], [0, 1]);
    assert.match(r.set.origin, /^decisions of /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
