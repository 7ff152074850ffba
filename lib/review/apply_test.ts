import assert from "node:assert/strict";
import { agglomerate } from "../cluster/agglomerative.ts";
import type { Matrix } from "../matrix.ts";
import { samePhotoPairs } from "../store/embedding_set.ts";
import { clusterProblem, expandLabels, finalLabels, JOIN_MARGIN, planReview, shownLabels } from "./apply.ts";
import { faceKey, FREE, type LoggedDecision, NOT_A_FACE, replay } from "./decisions.ts";

const at = "2026-01-01T00:00:00.000Z";
const DIM = 6;

/** A unit vector along `dirs` (summed), nudged by `jitter` on the last axis. */
function vec(dirs: number[], jitter = 0): number[] {
  const v = new Array(DIM).fill(0);
  for (const d of dirs) v[d] += 1;
  v[DIM - 1] += jitter;
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
}

function matrixOf(rows: number[][]): Matrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: DIM };
}

// Ada is axis 0, Bob axis 1, a stranger axis 2.
const faces = [
  { imageId: "a0", face: 0, path: "ada/0.jpg" },
  { imageId: "a1", face: 0, path: "ada/1.jpg" },
  { imageId: "a2", face: 0, path: "ada/2.jpg" },
  { imageId: "b0", face: 0, path: "bob/0.jpg" },
  { imageId: "b1", face: 0, path: "bob/1.jpg" },
  { imageId: "b2", face: 0, path: "bob/2.jpg" },
  { imageId: "new", face: 0, path: "new/ada.jpg" }, // 6: Ada-like, no decision
  { imageId: "mid", face: 0, path: "new/mid.jpg" }, // 7: half Ada, half Bob
  { imageId: "far", face: 0, path: "new/far.jpg" }, // 8: a stranger
  { imageId: "a0", face: 1, path: "ada/0.jpg" }, // 9: Ada-like, but in a photo of Ada's
];
const x = matrixOf([
  vec([0], 0.05),
  vec([0], 0.1),
  vec([0], 0.15),
  vec([1], 0.05),
  vec([1], 0.1),
  vec([1], 0.15),
  vec([0], 0.2),
  vec([0, 1]),
  vec([2]),
  vec([0], 0.12),
]);
const k = (i: number) => faceKey(faces[i]);
const named = (): LoggedDecision[] => [
  { op: "name", person: "p1", name: "Ada", faces: [k(0), k(1), k(2)], at },
  { op: "name", person: "p2", name: "Bob", faces: [k(3), k(4), k(5)], at },
];

Deno.test("planReview: people, rows left out, constraints between people, hidden rows", () => {
  const state = replay([
    ...named(),
    { op: "reject", faces: [k(8)], reason: "not-a-face", at },
    { op: "hide", faces: [k(7)], at },
  ]);
  const plan = planReview(state, faces);
  assert.deepEqual(plan.people, [
    { id: "p1", name: "Ada", rows: [0, 1, 2] },
    { id: "p2", name: "Bob", rows: [3, 4, 5] },
  ]);
  assert.deepEqual([...plan.fixed], [0, 0, 0, 1, 1, 1, FREE, FREE, NOT_A_FACE, FREE]);
  assert.deepEqual([...plan.hidden], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  const cannot = new Set<string>();
  for (let p = 0; p < plan.cannotLink.length; p += 2) {
    cannot.add([plan.cannotLink[p], plan.cannotLink[p + 1]].sort().join(","));
  }
  // Every row of one person cannot link the other's first row.
  for (const [a, b] of [[0, 3], [1, 3], [2, 3], [0, 4], [0, 5]]) {
    assert.ok(cannot.has(`${a},${b}`), `${a},${b}`);
  }
  const must = [...plan.mustLink];
  assert.equal(must.length, 8, "two chains of three rows");
  assert.deepEqual(plan.unhonoured, []);
});

Deno.test("planReview: decisions about faces the run lacks are reported with the reason", () => {
  const gone = { imageId: "gone", face: 0 }, fewer = { imageId: "a1", face: 3 };
  const state = replay([
    ...named(),
    { op: "name", person: "p1", name: "Ada", faces: [faceKey(gone), faceKey(fewer)], at },
    { op: "name", person: "p3", name: "Cy", faces: [faceKey({ imageId: "left", face: 0 })], at },
    { op: "reject", faces: [faceKey({ imageId: "gone", face: 1 })], reason: "not-a-face", at },
  ]);
  const plan = planReview(state, faces, { previousPaths: new Map([[faceKey(gone), "ada/old.jpg"]]) });
  const by = (d: string) => plan.unhonoured.filter((u) => u.decision === d);
  const ada = by('face of "Ada"');
  assert.equal(ada.length, 2, JSON.stringify(plan.unhonoured));
  const left = ada.find((u) => u.faces[0] === faceKey(gone))!;
  assert.equal(left.path, "ada/old.jpg");
  assert.match(left.reason, /not in this run: it left the folder/);
  const moved = ada.find((u) => u.faces[0] === faceKey(fewer))!;
  assert.equal(moved.path, "ada/1.jpg");
  assert.match(moved.reason, /in this run with 1 face, not face #3/);
  assert.equal(by("rejected as not a face").length, 1);
  const cy = by('"Cy"');
  assert.equal(cy.length, 1);
  assert.match(cy[0].reason, /none of the person's 1 decided face is in this run/);
  assert.equal(plan.people.length, 2, "Cy has no rows");
});

Deno.test("clusterProblem / expandLabels: faces rejected as not faces take no part; must-link is enforced", () => {
  const state = replay([
    ...named(),
    { op: "reject", faces: [k(8)], reason: "not-a-face", at },
    // Ada's face 2 put with Bob by the user: must-link to Bob's rows.
    { op: "move", person: "p2", faces: [k(2)], at },
  ]);
  const plan = planReview(state, faces);
  const problem = clusterProblem(x, plan, samePhotoPairs(faces));
  assert.equal(problem.x.rows, 9);
  assert.deepEqual([...problem.rows], [0, 1, 2, 3, 4, 5, 6, 7, 9]);
  assert.deepEqual([...problem.x.data.subarray(8 * DIM, 9 * DIM)], [...x.data.subarray(9 * DIM, 10 * DIM)]);
  // Same-photo pair (rows 0 and 9) is remapped to (0, 8).
  const pairs = new Set<string>();
  for (let p = 0; p < problem.cannotLink.length; p += 2) {
    pairs.add(`${problem.cannotLink[p]},${problem.cannotLink[p + 1]}`);
  }
  assert.ok(pairs.has("0,8"));
  // Clustering alone puts row 2 with Ada; the must-link pulls it to Bob.
  const raw = new Int32Array([0, 0, 0, 1, 1, 1, 0, 2, 0]);
  const full = expandLabels(problem, raw, faces.length);
  assert.equal(full[8], -1, "the rejected face is in no cluster");
  assert.equal(full[2], full[3]);
  assert.notEqual(full[2], full[0]);
});

Deno.test("finalLabels: decided faces stay; a close new face joins; unclear, far or same-photo faces do not", () => {
  const plan = planReview(replay(named()), faces);
  // The clustering put Ada's row 2 with Bob: decisions win.
  const labels = new Int32Array([0, 0, 1, 1, 1, 1, -1, -1, -1, -1]);
  const r = finalLabels(x, faces, labels, plan, { threshold: 0.55 });
  assert.deepEqual([...r.labels.subarray(0, 6)], [0, 0, 0, 1, 1, 1]);
  assert.equal(r.labels[6], 0, "close to Ada alone: joins her");
  assert.equal(r.labels[7], -1, "as close to Bob as to Ada: no clear margin");
  assert.equal(r.labels[8], -1, "a stranger");
  assert.equal(r.labels[9], -1, "another face of a photo of Ada's is not Ada");
  assert.deepEqual(r.added, [6]);
  assert.equal(r.joined, 1);
  assert.deepEqual([...r.person], [0, 0, 0, 1, 1, 1, 0, -1, -1, -1]);
  // A tight threshold keeps the new face out.
  const tight = finalLabels(x, faces, labels, plan, { threshold: 0.001 });
  assert.equal(tight.labels[6], -1);
  // With the margin at 0 the halfway face joins the nearer (here: either) person.
  const loose = finalLabels(x, faces, labels, plan, { threshold: 0.55, margin: 0 });
  assert.ok(loose.labels[7] === 0 || loose.labels[7] === 1);
  assert.ok(JOIN_MARGIN > 0);
});

Deno.test("finalLabels: a new cluster joins as a whole; clusters of several people are shared out by nearness", () => {
  const plan = planReview(replay(named()), faces);
  // Rows 6 and 7 form a cluster whose centroid is clearly Ada's: both join her, the halfway face too.
  let r = finalLabels(x, faces, new Int32Array([0, 0, 0, 1, 1, 1, 2, 2, 3, 4]), plan, { threshold: 0.55 });
  assert.deepEqual([...r.labels.subarray(0, 8)], [0, 0, 0, 1, 1, 1, 0, 0]);
  assert.equal(r.joined, 2);
  assert.equal(r.labels[8], 2, "the stranger keeps a cluster of its own");
  assert.equal(r.labels[9], 3);
  // Rows 6 and 9 form a cluster that does not join (row 9 shares a photo with Ada's row 0).
  r = finalLabels(x, faces, new Int32Array([0, 0, 0, 1, 1, 1, 2, 3, 4, 2]), plan, { threshold: 0.55 });
  assert.equal(r.labels[6], r.labels[9]);
  assert.ok(r.labels[6] >= 2, "a cluster of its own");
  assert.equal(r.joined, 0);
  // One cluster holding Ada's and Bob's faces and free ones: each free face goes to the nearer person.
  r = finalLabels(x, faces, new Int32Array([0, 0, 0, 0, 0, 0, 0, 1, 2, 3]), plan, { threshold: 0.55 });
  assert.deepEqual([...r.labels.subarray(0, 7)], [0, 0, 0, 1, 1, 1, 0]);
  assert.deepEqual(r.added, [6]);
});

Deno.test("finalLabels: rejected, wrong and split-off free faces are taken out; hidden clusters hidden", () => {
  const state = replay([
    ...named(),
    { op: "reject", faces: [k(6)], reason: "not-this-person", from: [k(0)], at },
    { op: "hide", faces: [k(7), k(8)], at },
  ]);
  const plan = planReview(state, faces);
  const r = finalLabels(x, faces, new Int32Array([0, 0, 0, 1, 1, 1, 0, 2, 2, -1]), plan, { threshold: 0.55 });
  assert.equal(r.labels[6], -1, "not Ada, as decided");
  assert.equal(r.keptApart, 1);
  assert.equal(r.labels[7], -1);
  assert.equal(r.labels[8], -1);
  assert.equal(r.hiddenFaces, 2);
  assert.deepEqual(r.added, []);
  // Without the decisions the same labels keep row 6 with Ada and the cluster of 7 and 8.
  const r0 = finalLabels(
    x,
    faces,
    new Int32Array([0, 0, 0, 1, 1, 1, 0, 2, 2, -1]),
    planReview(replay(named()), faces),
    {
      threshold: 0.55,
    },
  );
  assert.equal(r0.labels[6], 0);
  assert.equal(r0.labels[7], r0.labels[8]);
  assert.ok(r0.labels[7] >= 2);
});

Deno.test("shownLabels: people are always shown; other clusters from minSize, largest first", () => {
  const labels = new Int32Array([0, 1, 2, 2, 2, 3, -1, 3]);
  const s = shownLabels(labels, 2, 2);
  assert.deepEqual([...s.shown], [2, 3, 0, 0, 0, 1, -1, 1]);
  assert.deepEqual([...s.personOf], [-1, -1, 0, 1]);
});

Deno.test("end to end on synthetic embeddings: a rerun with decisions keeps names, new faces join", async () => {
  // Two people of 6 faces each; the clustering alone would put a face of Ada's with Bob when
  // the user says so, and would keep a far new face of Ada's out.
  const rows: number[][] = [], fs: { imageId: string; face: number; path: string }[] = [];
  for (let i = 0; i < 6; i++) {
    rows.push(vec([0], 0.1 * i)), fs.push({ imageId: `a${i}`, face: 0, path: `a${i}` });
  }
  for (let i = 0; i < 6; i++) {
    rows.push(vec([1], 0.1 * i)), fs.push({ imageId: `b${i}`, face: 0, path: `b${i}` });
  }
  const before = matrixOf(rows);
  const state = replay([
    { op: "name", person: "p1", name: "Ada", faces: fs.slice(0, 6).map(faceKey), at },
    { op: "name", person: "p2", name: "Bob", faces: fs.slice(6).map(faceKey), at },
  ]);
  // The folder grows: two more photos of Ada.
  rows.push(vec([0], 0.25), vec([0], 0.35));
  fs.push({ imageId: "a6", face: 0, path: "a6" }, { imageId: "a7", face: 0, path: "a7" });
  const after = matrixOf(rows);
  const plan = planReview(state, fs);
  const problem = clusterProblem(after, plan, samePhotoPairs(fs));
  const raw = await agglomerate(problem.x, { threshold: 0.55 }, problem.cannotLink);
  const final = finalLabels(after, fs, expandLabels(problem, raw, fs.length), plan, { threshold: 0.55 });
  assert.deepEqual([...final.person], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual(final.added, [12, 13]);
  assert.equal(before.rows, 12);
});
