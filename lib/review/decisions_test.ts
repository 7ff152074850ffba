import assert from "node:assert/strict";
import {
  DecisionLog,
  decisionProblem,
  DECISIONS_FILE,
  faceKey,
  fixedLabels,
  FREE,
  type LoggedDecision,
  nextPersonId,
  NOT_A_FACE,
  parseLog,
  readDecisions,
  replay,
  resolvePerson,
  toConstraints,
} from "./decisions.ts";

const at = "2026-01-01T00:00:00.000Z";
const faces = Array.from({ length: 8 }, (_, i) => ({ imageId: `img${i}`, face: 0 }));
const k = (i: number) => faceKey(faces[i]);

Deno.test("replay: name, merge, split, move, reject, hide and verdicts give the state", () => {
  const s = replay([
    { op: "name", person: "p1", name: " Ada ", faces: [k(0), k(1)], at },
    { op: "split", person: "p2", faces: [k(2)], rest: [k(3), k(4)], at },
    { op: "merge", person: "p1", faces: [k(5)], from: ["p2"], at },
    { op: "move", person: "p3", faces: [k(6)], join: [k(7)], at },
    { op: "reject", faces: [k(1)], reason: "not-this-person", from: [k(0), k(1)], at },
    { op: "hide", faces: [k(3), k(4)], at },
    { op: "verdict", cluster: k(3), faces: [k(3), k(4)], verdict: "wrong", wrong: [k(4)], at },
  ]);
  assert.equal(s.names.get("p1"), "Ada");
  assert.equal(resolvePerson(s, "p2"), "p1");
  assert.deepEqual([...s.person].sort(), [
    [k(0), "p1"],
    [k(2), "p1"],
    [k(5), "p1"],
    [k(6), "p3"],
    [k(7), "p3"],
  ]);
  assert.equal(s.rejected.get(k(1)), "not-this-person");
  assert.deepEqual(s.rejectedFrom.get(k(1)), [k(0)], "a face is not rejected from itself");
  assert.deepEqual([...s.hidden], [k(3), k(4)]);
  assert.equal(s.verdicts.get(k(3))?.verdict, "wrong");
  assert.equal(nextPersonId(s), "p4");
});

Deno.test("undo cancels the latest decision in force; person ids are never reused", () => {
  const log: LoggedDecision[] = [
    { op: "name", person: "p1", name: "Ada", faces: [k(0)], at },
    { op: "split", person: "p2", faces: [k(1)], at },
    { op: "hide", faces: [k(2)], at },
    { op: "undo", at },
    { op: "undo", at },
  ];
  const s = replay(log);
  assert.deepEqual(s.applied.map((d) => d.op), ["name"]);
  assert.equal(s.person.has(k(1)), false);
  assert.equal(s.hidden.size, 0);
  assert.equal(nextPersonId(s), "p3", "p2 was handed out, even if undone");
  const all = replay([...log, { op: "undo", at }, { op: "undo", at }]);
  assert.equal(all.applied.length, 0, "extra undos do nothing");
  assert.equal(all.person.size, 0);
});

Deno.test("assigning clears a rejection; rejecting takes the face from its person; renaming", () => {
  const s = replay([
    { op: "name", person: "p1", name: "Ada", faces: [k(0), k(1)], at },
    { op: "reject", faces: [k(1)], reason: "not-a-face", at },
    { op: "reject", faces: [k(2)], reason: "not-this-person", from: [k(0)], at },
    { op: "move", person: "p1", faces: [k(2)], at },
    { op: "name", person: "p1", name: "Ada L.", at },
  ]);
  assert.equal(s.person.has(k(1)), false);
  assert.equal(s.rejected.get(k(1)), "not-a-face");
  assert.equal(s.rejected.has(k(2)), false);
  assert.equal(s.rejectedFrom.has(k(2)), false);
  assert.equal(s.person.get(k(2)), "p1");
  assert.equal(s.names.get("p1"), "Ada L.");
  const cleared = replay([...s.log, { op: "name", person: "p1", name: "", at }]);
  assert.equal(cleared.names.has("p1"), false);
});

Deno.test("decisionProblem names what is wrong", () => {
  assert.match(decisionProblem({ op: "bogus" })!, /"op" must be one of/);
  assert.match(decisionProblem({ op: "reject", faces: ["a#0"], reason: "ugly" })!, /"reason" must be/);
  assert.match(decisionProblem({ op: "merge", person: "p1" })!, /"faces"/);
  assert.match(
    decisionProblem({ op: "verdict", cluster: "a#0", faces: [], verdict: "ok", wrong: [] })!,
    /verdict/,
  );
  assert.equal(decisionProblem({ op: "hide", faces: ["a#0"] }), undefined);
  assert.equal(decisionProblem([]), "not an object");
});

Deno.test("parseLog: a torn last line is left out and located; a bad middle line is a warning", () => {
  const good = JSON.stringify({ op: "hide", faces: [k(0)], at }) + "\n";
  const text = good + "not json\n" + good + '{"op":"hide","fa';
  const r = parseLog(new TextEncoder().encode(text), "x/decisions.jsonl");
  assert.equal(r.decisions.length, 2);
  assert.deepEqual(r.warnings, ["x/decisions.jsonl: line 2 skipped: not JSON"]);
  assert.equal(r.tornAt, new TextEncoder().encode(good + "not json\n" + good).length);
  const whole = parseLog(new TextEncoder().encode(good + good.trimEnd()));
  assert.equal(whole.decisions.length, 2, "a whole last line without a break counts");
  assert.equal(whole.tornAt, undefined);
});

Deno.test("DecisionLog: appends fsynced lines, reopens to the same state, cuts a torn line, undoes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "review-log-" });
  try {
    const log = await DecisionLog.open(dir);
    assert.deepEqual(log.warnings, []);
    await log.append({ op: "name", person: "p1", name: "Ada", faces: [k(0), k(1)] });
    await Promise.all([
      log.append({ op: "hide", faces: [k(5)] }),
      log.append({ op: "reject", faces: [k(2)], reason: "not-a-face" }),
    ]);
    await assert.rejects(log.append({ op: "nope" } as never), /decision refused: "op" must be one of/);
    const text = await Deno.readTextFile(`${dir}/${DECISIONS_FILE}`);
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => typeof JSON.parse(l).at === "string"));
    // A crash in the middle of a write leaves a torn line: reading leaves it, opening cuts it.
    await Deno.writeTextFile(`${dir}/${DECISIONS_FILE}`, '{"op":"hide","faces":["im', { append: true });
    const read = await readDecisions(dir);
    assert.equal(read.state.applied.length, 3);
    assert.match(read.warnings.join(""), /a torn last line \(25 bytes\) left out/);
    assert.equal(await Deno.readTextFile(`${dir}/${DECISIONS_FILE}`), text + '{"op":"hide","faces":["im');
    const again = await DecisionLog.open(dir);
    assert.match(again.warnings.join("\n"), /cut a torn last line \(25 bytes\)/);
    assert.equal(await Deno.readTextFile(`${dir}/${DECISIONS_FILE}`), text);
    assert.equal(again.state.names.get("p1"), "Ada");
    assert.ok(again.state.hidden.has(k(5)));
    const undone = await again.undo();
    assert.equal(undone?.op, "reject");
    const third = await DecisionLog.open(dir);
    assert.equal(third.state.rejected.size, 0);
    assert.equal(third.state.applied.length, 2);
    assert.equal((await third.undo())?.op, "hide");
    assert.equal((await third.undo())?.op, "name");
    assert.equal(await third.undo(), undefined);
    assert.equal((await DecisionLog.open(dir)).state.person.size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fixedLabels: one label per person (a shared name is one person), free, not a face", () => {
  const s = replay([
    { op: "name", person: "p1", name: "Ada", faces: [k(0), k(1)], at },
    { op: "name", person: "p2", name: "Ada", faces: [k(4)], at },
    { op: "split", person: "p3", faces: [k(2)], at },
    { op: "reject", faces: [k(3)], reason: "not-a-face", at },
    { op: "reject", faces: [k(5)], reason: "not-this-person", at },
  ]);
  // The set has grown and is in another order: keys, not rows, carry the decisions.
  const set = [{ imageId: "new", face: 0 }, faces[4], faces[2], faces[1], faces[0], faces[3], faces[5]];
  const { labels, people } = fixedLabels(s, set);
  assert.deepEqual([...labels], [FREE, 0, 1, 0, 0, NOT_A_FACE, FREE]);
  assert.deepEqual(people, [{ id: "p2", name: "Ada", rows: 3 }, { id: "p3", rows: 1 }]);
});

Deno.test("toConstraints: must-link within people, cannot-link between them, rejections, splits, verdicts", () => {
  const s = replay([
    { op: "name", person: "p1", name: "Ada", faces: [k(0), k(1), k(2)], at },
    { op: "split", person: "p2", faces: [k(3)], rest: [k(4), k(5)], at },
    { op: "reject", faces: [k(6)], reason: "not-this-person", from: [k(0), k(1)], at },
    { op: "reject", faces: [k(5)], reason: "not-a-face", at },
    { op: "verdict", cluster: k(4), faces: [k(4), k(7)], verdict: "wrong", wrong: [k(7)], at },
  ]);
  const c = toConstraints(s, faces);
  assert.deepEqual(c.mustLink, [[0, 1], [1, 2]]);
  assert.deepEqual(c.cannotLink, [[0, 3], [0, 6], [1, 6], [3, 4], [4, 7]]);
  const ok = replay([{
    op: "verdict",
    cluster: k(0),
    faces: [k(0), k(1), k(2)],
    verdict: "correct",
    wrong: [],
    at,
  }]);
  assert.deepEqual(toConstraints(ok, faces), { mustLink: [[0, 1], [1, 2]], cannotLink: [] });
  // The pairs are what the sweep's --constraints reads: JSON of [a, b] rows.
  const json = JSON.parse(JSON.stringify(c));
  assert.ok(json.mustLink.flat().every((r: unknown) => Number.isInteger(r)));
});
