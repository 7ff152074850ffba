import assert from "node:assert/strict";
import { openReview, type ReviewApp } from "./api.ts";
import { DECISIONS_FILE } from "./decisions.ts";
import { BIDI_SCRIPT_NAME, reviewTestRun } from "./testing.ts";

const BASE = "http://127.0.0.1:8470";

async function get(app: ReviewApp, path: string, headers: Record<string, string> = {}) {
  const res = await app.handle(new Request(`${BASE}/${path}`, { headers }));
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

async function post(app: ReviewApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.handle(
    new Request(`${BASE}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, ...headers },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, body: await res.json() };
}

type G = { id: string; kind: string; name?: string; size: number; faces: { row: number; label: string }[] };

async function groups(app: ReviewApp, query = ""): Promise<G[]> {
  return (await get(app, `api/clusters?limit=200&faces=500${query}`)).body.groups;
}

Deno.test("review API: clusters are paginated, ordered, and escape-ready; thumbnails are served", async () => {
  const dir = await reviewTestRun();
  try {
    const app = await openReview(dir);
    const page = await get(app, "api/clusters?limit=3&faces=2");
    assert.equal(page.status, 200);
    assert.equal(page.body.groups.length, 3);
    assert.ok(page.body.total > 3);
    const sizes = (await groups(app)).filter((g) => g.kind === "cluster").map((g) => g.size);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), "largest first");
    const uncertain = (await get(app, "api/clusters?limit=200&order=uncertain")).body.groups as {
      kind: string;
      certainty: number;
    }[];
    const cs = uncertain.filter((g) => g.kind === "cluster").map((g) => g.certainty);
    assert.deepEqual(cs, [...cs].sort((a, b) => a - b), "least certain first");
    assert.ok(page.body.groups.every((g: G) => g.faces.length <= 2));
    const labels = (await groups(app)).flatMap((g) => g.faces.map((f) => f.label));
    assert.ok(
      labels.includes("evil<U+202E>gpj.</script><script>alert(5)</script>.jpg"),
      "bidi control shown by name",
    );
    assert.ok(!labels.some((l) => l.includes("\u202E")));
    assert.ok(!labels.includes(BIDI_SCRIPT_NAME));
    const thumb = await app.handle(new Request(`${BASE}/api/thumb/0`));
    assert.equal(thumb.headers.get("content-type"), "image/jpeg");
    const bytes = new Uint8Array(await thumb.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8]);
    assert.equal((await get(app, "api/thumb/99999")).status, 404);
    assert.equal((await get(app, "api/clusters?order=bogus")).status, 400);
    assert.match(
      (await get(app, "api/clusters?limit=0")).body.error,
      /\?limit must be an integer from 1 to 200/,
    );
    const html = await app.handle(new Request(`${BASE}/`));
    assert.match(html.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await html.text(), /<script src="app.js" defer><\/script>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("review API: name, merge, split, move, reject, hide, undo; saved and there after reopening", async () => {
  const dir = await reviewTestRun();
  try {
    let app = await openReview(dir);
    const [a, b, c] = (await groups(app)).filter((g) => g.kind === "cluster");
    let r = await post(app, "api/decision", { action: "name", group: a.id, name: "Ada <b>" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.decision.op, "name");
    let list = await groups(app);
    const ada = list.find((g) => g.name === "Ada <b>")!;
    assert.equal(ada.kind, "person");
    assert.equal(ada.size, a.size);

    r = await post(app, "api/decision", { action: "merge", group: b.id, target: ada.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    list = await groups(app);
    assert.equal(list.find((g) => g.name === "Ada <b>")!.size, a.size + b.size);
    assert.ok(!list.some((g) => g.id === b.id));

    const picked = [c.faces[0].row, c.faces[1].row];
    r = await post(app, "api/decision", { action: "split", group: c.id, rows: picked });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    list = await groups(app);
    const split = list.find((g) =>
      g.kind === "person" && g.size === 2 && g.faces.some((f) => f.row === picked[0])
    )!;
    assert.ok(split, "the selection is a person of its own");
    assert.equal(list.find((g) => g.id === c.id)!.size, c.size - 2);

    const moved = c.faces[2].row;
    r = await post(app, "api/decision", { action: "move", group: c.id, rows: [moved], target: split.id });
    assert.equal(r.status, 200);
    const rejected = c.faces[3].row, notFace = c.faces[4].row;
    r = await post(app, "api/decision", {
      action: "reject",
      group: c.id,
      rows: [rejected],
      reason: "not-this-person",
    });
    assert.equal(r.status, 200);
    r = await post(app, "api/decision", {
      action: "reject",
      group: c.id,
      rows: [notFace],
      reason: "not-a-face",
    });
    assert.equal(r.status, 200);
    list = await groups(app);
    assert.equal(list.find((g) => g.id === c.id)!.size, c.size - 5);
    assert.ok(list.find((g) => g.kind === "unassigned")!.faces.some((f) => f.row === rejected));
    assert.deepEqual(list.find((g) => g.kind === "not-faces")!.faces.map((f) => f.row), [notFace]);

    r = await post(app, "api/decision", { action: "hide", group: c.id });
    assert.ok(!(await groups(app)).some((g) => g.id === c.id), "a hidden cluster is not listed");
    assert.ok((await groups(app, "&hidden=1")).some((g) => g.id === c.id), "unless asked for");
    r = await post(app, "api/undo", {});
    assert.equal(r.body.undone, "hide");
    assert.ok((await groups(app)).some((g) => g.id === c.id));

    const constraints = (await get(app, "api/constraints")).body;
    assert.ok(constraints.mustLink.length >= a.size + b.size - 1);
    assert.ok(constraints.cannotLink.some(([x, y]: number[]) => x === rejected || y === rejected));

    // A fresh server on the same folder finds every decision in force.
    const before = JSON.stringify(await groups(app));
    app = await openReview(dir);
    assert.equal(JSON.stringify(await groups(app)), before);
    const lines = (await Deno.readTextFile(`${dir}/${DECISIONS_FILE}`)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).op), [
      "name",
      "merge",
      "split",
      "move",
      "reject",
      "reject",
      "hide",
      "undo",
    ]);
    assert.ok(lines.every((l) => !/"row/.test(l)), "decisions name faces by key, not row");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("review API: bad requests are refused with a reason, and change nothing", async () => {
  const dir = await reviewTestRun();
  try {
    const app = await openReview(dir);
    const [a, b] = (await groups(app)).filter((g) => g.kind === "cluster");
    const cases: [unknown, RegExp][] = [
      [{ action: "bogus" }, /"action" must be one of/],
      [{ action: "name", group: "c:nope", name: "x" }, /no group "c:nope"/],
      [{ action: "name", group: a.id, name: "  " }, /type a name/],
      [{ action: "name", group: a.id, name: "x".repeat(201) }, /at most 200/],
      [{ action: "merge", group: a.id, target: a.id }, /another group/],
      [{ action: "split", group: a.id, rows: [] }, /select one or more faces/],
      [{ action: "split", group: a.id, rows: a.faces.map((f) => f.row) }, /not all of them/],
      [{ action: "split", group: a.id, rows: [b.faces[0].row] }, /is not in group/],
      [{ action: "reject", group: a.id, rows: [a.faces[0].row], reason: "ugly" }, /"reason" must be/],
      [{ action: "verdict", cluster: "nope", verdict: "correct" }, /sampled cluster/],
      [{ action: "hide", group: "u" }, /not one person/],
    ];
    for (const [body, message] of cases) {
      const r = await post(app, "api/decision", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, message);
    }
    const cross = await post(app, "api/decision", { action: "hide", group: a.id }, {
      origin: "https://evil.test",
    });
    assert.equal(cross.status, 403);
    const form = await app.handle(
      new Request(`${BASE}/api/decision`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "{}",
      }),
    );
    assert.equal(form.status, 415);
    const rebound = await get(app, "api/summary", { host: "evil.test:8470" });
    assert.equal(rebound.status, 403);
    assert.equal(app.log.state.log.length, 0);
    await assert.rejects(Deno.stat(`${dir}/${DECISIONS_FILE}`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("review API: the validation sample is seeded; verdicts give the precision with its interval", async () => {
  const dir = await reviewTestRun();
  try {
    const app = await openReview(dir, { sample: 5, seed: 4 });
    const s = (await get(app, "api/sample")).body;
    assert.equal(s.clusters.length, 5);
    assert.deepEqual(
      (await get(await openReview(dir, { sample: 5, seed: 4 }), "api/sample")).body.clusters.map((c: G) =>
        c.size
      ),
      s.clusters.map((c: G) => c.size),
    );
    const [c0, c1] = s.clusters;
    await post(app, "api/decision", { action: "verdict", cluster: c0.key, verdict: "correct" });
    const wrongRow = c1.faces[0].row;
    await post(app, "api/decision", {
      action: "verdict",
      cluster: c1.key,
      verdict: "wrong",
      rows: [wrongRow],
    });
    const after = (await get(app, "api/sample")).body;
    assert.equal(after.clusters[0].verdict, "correct");
    assert.deepEqual(after.clusters[1].wrong, [wrongRow]);
    const p = after.precision;
    assert.equal(p.checked, 2);
    assert.deepEqual([p.clusters.k, p.clusters.n], [1, 2]);
    const n = c0.faces.length + c1.faces.length;
    assert.deepEqual([p.faces.k, p.faces.n], [n - 1, n]);
    assert.ok(p.clusters.low < 0.5 && p.clusters.high > 0.5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
