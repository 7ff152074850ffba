import assert from "node:assert/strict";
import { matrix } from "../matrix.ts";
import { type LoggedDecision, replay } from "./decisions.ts";
import { findGroup, type GroupCache, groupRun, orderedGroups, runKeys } from "./groups.ts";

const at = "2026-01-01T00:00:00.000Z";
// Rows 0-3: cluster 0 (row 3 off to the side); rows 4-6: cluster 1; row 7: a cluster of one; row 8: noise.
const vectors = [[1, 0], [1, 0], [1, 0], [0.6, 0.8], [0, 1], [0, 1], [0.1, 0.995], [1, 0], [0, 1]];
const run = {
  x: matrix(Float32Array.from(vectors.flat()), vectors.length, 2),
  faces: vectors.map((_, i) => ({ path: `f${i}.jpg`, face: 0, imageId: `h${i}` })),
  raw: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 2, -1]),
  minClusterSize: 2,
};
const keys = runKeys(run);

Deno.test("groupRun: raw clusters, unassigned (small clusters, noise), most typical first, certainty", () => {
  const g = groupRun(run, replay([]));
  assert.deepEqual(g.groups.map((x) => [x.id, [...x.rows]]), [["c:0", [0, 1, 2, 3]], ["c:1", [4, 5, 6]]]);
  assert.deepEqual([...g.unassigned.rows], [7, 8]);
  const c0 = findGroup(g, "c:0")!;
  assert.ok(
    c0.certainty < findGroup(g, "c:1")!.certainty,
    "the cluster with a face off to the side is less certain",
  );
  assert.equal(c0.key, "h0#0");
  assert.deepEqual(orderedGroups(g, "size").map((x) => x.id), ["c:0", "c:1", "u"]);
  assert.deepEqual(orderedGroups(g, "uncertain").map((x) => x.id), ["c:0", "c:1", "u"]);
});

Deno.test("groupRun: people first by identity (a shared name is one group), rejections, hidden clusters", () => {
  const log: LoggedDecision[] = [
    { op: "name", person: "p1", name: "Ada", faces: [keys[0], keys[1]], at },
    { op: "name", person: "p2", name: "Ada", faces: [keys[7]], at },
    { op: "reject", faces: [keys[3]], reason: "not-this-person", at },
    { op: "reject", faces: [keys[2]], reason: "not-a-face", at },
    { op: "hide", faces: [keys[4], keys[5]], at },
  ];
  const g = groupRun(run, replay(log));
  const ada = findGroup(g, "p:p1")!;
  assert.deepEqual([...ada.rows].sort(), [0, 1, 7]);
  assert.deepEqual(ada.persons, ["p1", "p2"]);
  assert.equal(ada.name, "Ada");
  assert.equal(findGroup(g, "c:0"), undefined, "its faces all went elsewhere");
  assert.deepEqual([...g.unassigned.rows], [3, 8]);
  assert.deepEqual([...g.notFaces.rows], [2]);
  assert.equal(findGroup(g, "c:1")!.hidden, true);
  assert.deepEqual(orderedGroups(g, "size").map((x) => x.id), ["p:p1", "u", "x"]);
  assert.deepEqual(orderedGroups(g, "size", true).map((x) => x.id), ["p:p1", "c:1", "u", "x"]);
});

Deno.test("groupRun with a cache gives the same groups, reusing the unchanged ones", () => {
  const cache: GroupCache = new Map();
  const first = groupRun(run, replay([]), keys, cache);
  const state = replay([{ op: "split", person: "p1", faces: [keys[0]], at }]);
  const cached = groupRun(run, state, keys, cache);
  const fresh = groupRun(run, state, keys);
  assert.deepEqual(cached, fresh);
  assert.equal(findGroup(cached, "c:1")!.rows, findGroup(first, "c:1")!.rows, "c:1 was not recomputed");
  assert.notEqual(findGroup(cached, "c:0")!.rows, findGroup(first, "c:0")!.rows);
});
