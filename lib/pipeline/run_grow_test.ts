import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { readRunJson } from "../run/run_json.ts";
import { runPipeline } from "./run.ts";

Deno.test("deno task run into the same folder over a grown photo folder grows the saved graph: same labels as a fresh run; a removed photo or a damaged file rebuilds it", async () => {
  const demo = await ensureDemoPhotos();
  const dir = await Deno.makeTempDir({ prefix: "facegroup-grow-" });
  const input = `${dir}/in`, out = `${dir}/out`, store = `${dir}/store`;
  await Deno.mkdir(input);
  const add = async (names: string[]) => {
    for (const n of names) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
  };
  const run = async (to: string) => {
    const lines: string[] = [];
    const s = await runPipeline(new LocalFolderSource(input), {
      out: to,
      storeDir: store,
      workers: 0,
      progress: false,
      log: (l) => lines.push(l),
    });
    return { s, lines, json: await readRunJson(to) };
  };
  try {
    await add(["sample1.jpg", "sample3.jpg", "sample5.jpg"]);
    const first = await run(out);
    assert.equal(first.s.graph?.how, "built");
    assert.equal(first.json.graph?.summary, "built (no saved graph)");
    assert.ok(
      first.lines.some((l) => /^k-NN graph: built \(no saved graph\) \(\d+ rows, k=\d+, exact\) in /.test(l)),
    );
    assert.equal(typeof first.json.timings?.graph, "number");

    // The folder grows (new photos sort before, among and after the old ones).
    await add(["sample2.jpg", "sample4.jpg", "sample6.jpg"]);
    const grown = await run(out);
    const n1 = first.s.faces, n2 = grown.s.faces;
    assert.ok(n2 > n1, `${n1} faces, then ${n2}`);
    assert.equal(grown.s.computed, 3, "only the new photos analysed");
    assert.equal(grown.s.graph?.how, "grown");
    assert.equal(grown.json.graph?.summary, `grown from ${n1} rows with ${n2 - n1} new`);
    assert.deepEqual([grown.json.graph?.fromRows, grown.json.graph?.newRows], [n1, n2 - n1]);
    assert.ok(
      grown.lines.some((l) => l.startsWith(`k-NN graph: grown from ${n1} rows with ${n2 - n1} new (`)),
    );

    // A fresh run of the grown folder (its own graph, built): the same clustering.
    const fresh = await run(`${dir}/fresh`);
    assert.equal(fresh.s.graph?.how, "built");
    assert.equal(fresh.s.computed, 0);
    assert.deepEqual(grown.s.labels, fresh.s.labels);
    assert.equal(grown.s.clustering, fresh.s.clustering);
    assert.deepEqual(
      await Deno.readTextFile(`${out}/assignments.csv`),
      await Deno.readTextFile(`${dir}/fresh/assignments.csv`),
    );

    // A photo removed: the saved graph holds faces no longer in the set, so it is rebuilt.
    await Deno.remove(`${input}/sample3.jpg`);
    const less = await run(out);
    assert.equal(less.s.graph?.how, "rebuilt");
    assert.match(less.json.graph!.reason!, /of the saved graph's \d+ faces are no longer in the set/);
    assert.ok(less.lines.some((l) => /^k-NN graph: rebuilt because \d+ of the saved graph's/.test(l)));
    const fresh2 = await run(`${dir}/fresh2`);
    assert.deepEqual(less.s.labels, fresh2.s.labels);

    // A damaged graph file: rebuilt, the message names the file.
    const m = JSON.parse(await Deno.readTextFile(`${out}/knn/manifest.json`));
    const gpath = `${out}/knn/${m.files.graph.name}`;
    const bytes = await Deno.readFile(gpath);
    bytes[12] ^= 0xff;
    await Deno.writeFile(gpath, bytes);
    const damaged = await run(out);
    assert.equal(damaged.s.graph?.how, "rebuilt");
    assert.match(
      damaged.json.graph!.reason!,
      /graph-.*\.bin: checksum \d+, the manifest says \d+ \(damaged\)$/,
    );
    assert.ok(damaged.lines.some((l) => l.includes(`rebuilt because ${gpath}: checksum`)));
    assert.deepEqual(damaged.s.labels, fresh2.s.labels);
    // ... and saved again, sound: the next run grows it (0 new).
    const again = await run(out);
    assert.equal(again.json.graph?.summary, `grown from ${less.s.faces} rows with 0 new`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
