import assert from "node:assert/strict";
import { type Browser, findChromium, withBrowser } from "../report/_testing/browser.ts";
import { DECISIONS_FILE } from "./decisions.ts";
import { serveReview } from "./server.ts";
import { reviewTestRun } from "./testing.ts";

const chromium = await findChromium();
if (!chromium) {
  console.warn("review browser test skipped: no chromium (apt-get install chromium, or set $CHROMIUM)");
}

/** Waits until the page has rendered and no request is in flight (twice in a row). */
const SETTLE = `new Promise((resolve) => {
  let quiet = 0;
  const check = () => {
    quiet = document.body.dataset.ready && !document.body.dataset.busy ? quiet + 1 : 0;
    if (quiet >= 2) resolve(true); else setTimeout(check, 20);
  };
  setTimeout(check, 20);
})`;

/** What the page shows: each group's title, size and face rows, the counts line and the status. */
const SNAPSHOT = `(() => ({
  groups: [...document.querySelectorAll("#groups .group")].map((s) => ({
    id: s.dataset.id,
    title: s.querySelector("h2 .title").textContent,
    size: Number(s.querySelector("h2 .meta").textContent.split(" ")[0]),
    rows: [...s.querySelectorAll(".face")].map((f) => Number(f.dataset.row)),
    focus: s.classList.contains("focus"),
  })),
  counts: document.getElementById("counts").textContent,
  status: document.getElementById("status").textContent,
  scripts: document.querySelectorAll("script").length,
  captions: [...document.querySelectorAll("figcaption")].map((c) => c.textContent),
  markup: document.querySelectorAll("#groups b, #groups i, #groups img:not([src^='api/thumb/']), h1 i").length,
}))()`;

interface Snapshot {
  groups: { id: string; title: string; size: number; rows: number[]; focus: boolean }[];
  counts: string;
  status: string;
  scripts: number;
  captions: string[];
  markup: number;
}

async function page(b: Browser, s: string) {
  const snap = () => b.evaluate<Snapshot>(s, SNAPSHOT);
  const settle = () => b.evaluate(s, SETTLE);
  const key = async (k: string) => {
    await b.evaluate(
      s,
      `document.dispatchEvent(new KeyboardEvent("keydown", { key: ${JSON.stringify(k)}, bubbles: true }))`,
    );
    await settle();
  };
  const clickFace = async (row: number, shift = false) => {
    await b.evaluate(
      s,
      `document.querySelector('#groups .face[data-row="${row}"]').dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: ${shift} }))`,
    );
    await settle();
  };
  const decisions = () =>
    b.evaluate<number>(
      s,
      `Number(/; (\\d+) decisions/.exec(document.getElementById("counts").textContent)[1])`,
    );
  await settle();
  return { snap, settle, key, clickFace, decisions };
}

Deno.test({
  name:
    "review page in chromium: name, merge, split, reject, undo, verdicts, reload; outside strings stay text",
  ignore: !chromium,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await reviewTestRun();
    const server = await serveReview(dir, { port: 0 });
    try {
      await withBrowser(async (b) => {
        const first = await b.open(server.url, { allImages: true }, async (s) => {
          const p = await page(b, s);
          let snap = await p.snap();
          assert.ok(snap.groups.length > 3, "clusters are listed");
          assert.ok(snap.groups[0].focus, "the first cluster has the focus");
          assert.equal(snap.scripts, 1, "no script came in with the data");
          assert.equal(snap.markup, 0, "no markup came in with the data");
          const title = await b.evaluate<string>(s, `document.getElementById("title").textContent`);
          assert.equal(title, 'Review: Synthetic <i>run</i> & "friends"');
          // The face with the hostile name is on one of the pages: leaf through them.
          let hostile = snap.captions.find((c) => c.includes("<U+202E>"));
          for (let i = 0; i < 5 && !hostile; i++) {
            await b.evaluate(s, `document.getElementById("next").click()`);
            await p.settle();
            snap = await p.snap();
            hostile = snap.captions.find((c) => c.includes("<U+202E>"));
            assert.equal(snap.scripts, 1);
            assert.equal(snap.markup, 0);
          }
          assert.equal(hostile, "evil<U+202E>gpj.</script><script>alert(5)</script>.jpg");
          while (!(await b.evaluate<boolean>(s, `document.getElementById("prev").disabled`))) {
            await b.evaluate(s, `document.getElementById("prev").click()`);
            await p.settle();
          }
          await b.evaluate(s, `window.scrollTo(0, 0)`);
          await p.key("k"); // back to the first cluster of the first page
          snap = await p.snap();
          const [g0, g1, g2] = snap.groups;
          assert.ok(snap.groups[0].focus);

          // n: name the focused cluster.
          await p.key("n");
          await b.evaluate(
            s,
            `(() => { const i = document.querySelector(".name-form input"); i.value = "Zoë <script>alert(9)</script>\u202E";
              i.closest("form").requestSubmit(); })()`,
          );
          await p.settle();
          snap = await p.snap();
          const named = snap.groups.find((g) => g.title.startsWith("Zoë"))!;
          assert.ok(named, snap.status);
          assert.equal(named.title, "Zoë <script>alert(9)</script><U+202E>");
          assert.equal(named.size, g0.size);
          assert.equal(snap.scripts, 1);
          assert.equal(await p.decisions(), 1);

          // m on one cluster, m on another: merged.
          const focusOn = async (id: string) => {
            for (let guard = 0; guard < 40; guard++) {
              const now = await p.snap();
              const at = now.groups.findIndex((g) => g.id === id), f = now.groups.findIndex((g) => g.focus);
              if (at === f) return;
              await p.key(at > f ? "j" : "k");
            }
            throw new Error(`cannot focus ${id}`);
          };
          await focusOn(g1.id);
          await p.key("m");
          await focusOn(g2.id);
          await p.key("m");
          snap = await p.snap();
          assert.equal(await p.decisions(), 2, snap.status);
          assert.ok(snap.groups.some((g) => g.size === g1.size + g2.size), "one group holds both");
          assert.ok(!snap.groups.some((g) => g.id === g1.id));

          // Select two faces of the named cluster, s: split off.
          await focusOn(named.id);
          const [a, c] = (await p.snap()).groups.find((g) => g.id === named.id)!.rows;
          await p.clickFace(a);
          await p.clickFace(c);
          await p.key("s");
          snap = await p.snap();
          assert.equal(await p.decisions(), 3, snap.status);
          assert.equal(snap.groups.find((g) => g.id === named.id)!.size, named.size - 2);
          // Groups of two are further down the list: ask the page's own API.
          const all = await b.evaluate<{ size: number; faces: { row: number }[] }[]>(
            s,
            `fetch("api/clusters?limit=200&faces=5").then((r) => r.json()).then((j) => j.groups)`,
          );
          const part = all.find((g) =>
            g.size === 2 && g.faces.some((f) => f.row === a) && g.faces.some((f) => f.row === c)
          );
          assert.ok(part, "the selection is a group of its own");

          // r: the face is not this person; u: undone.
          await focusOn(named.id);
          const victim = (await p.snap()).groups.find((g) => g.id === named.id)!.rows[0];
          await p.clickFace(victim);
          await p.key("r");
          snap = await p.snap();
          assert.equal(await p.decisions(), 4, snap.status);
          assert.ok(!snap.groups.find((g) => g.id === named.id)!.rows.includes(victim));
          await p.key("u");
          snap = await p.snap();
          assert.equal(await p.decisions(), 3, snap.status);
          assert.match(snap.status, /undid the latest decision \(reject\)/);
          assert.ok(snap.groups.find((g) => g.id === named.id)!.rows.includes(victim));
          // v: the validation sample; a face marked, w: wrong; then c: correct (the next one).
          await p.key("v");
          const precision = () => b.evaluate<string>(s, `document.getElementById("precision").textContent`);
          assert.match(await precision(), /0 checked/);
          const firstFace = await b.evaluate<number>(
            s,
            `Number(document.querySelector("#sample .face").dataset.row)`,
          );
          await b.evaluate(
            s,
            `document.querySelector('#sample .face[data-row="${firstFace}"]').dispatchEvent(new MouseEvent("click", { bubbles: true }))`,
          );
          assert.equal(
            await b.evaluate<number>(s, `document.querySelectorAll("#sample .face.wrong").length`),
            1,
          );
          await p.key("w");
          assert.match(
            await precision(),
            /1 checked\. Clusters correct: 0 of 1 = 0\.0% \(95% Wilson interval 0\.0% to 79\.3%\)/,
          );
          await p.key("c");
          assert.match(
            await precision(),
            /2 checked\. Clusters correct: 1 of 2 = 50\.0% \(95% Wilson interval 9\.5% to 90\.5%\)/,
          );
          await p.key("v");
          assert.equal(await p.decisions(), 5);
          return { named: named.id, size: named.size - 2, merged: g1.size + g2.size };
        });
        assert.deepEqual(first.errors, [], "no console error, exception or failed request");
        assert.deepEqual(first.brokenImages, []);
        const expected = first.inspected!;

        // Reload: a new tab over the same server shows the same decisions.
        const second = await b.open(server.url, { allImages: false }, async (s) => {
          const p = await page(b, s);
          const snap = await p.snap();
          assert.equal(await p.decisions(), 5);
          const named = snap.groups.find((g) => g.id === expected.named)!;
          assert.equal(named.title, "Zoë <script>alert(9)</script><U+202E>");
          assert.equal(named.size, expected.size);
          assert.ok(snap.groups.some((g) => g.size === expected.merged));
        });
        assert.deepEqual(second.errors, []);
      }, { path: chromium });
      const ops = (await Deno.readTextFile(`${dir}/${DECISIONS_FILE}`)).trimEnd().split("\n").map((l) =>
        JSON.parse(l).op
      );
      assert.deepEqual(ops, ["name", "merge", "split", "reject", "undo", "verdict", "verdict"]);
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
