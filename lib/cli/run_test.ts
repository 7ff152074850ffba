import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { main } from "./run.ts";

Deno.test("deno task run with only --input and --out uses every default (flags not given stay unset)", async () => {
  const demo = await ensureDemoPhotos();
  const input = await Deno.makeTempDir({ prefix: "facegroup-cli-" });
  for (const n of ["sample2.jpg", "sample5.jpg"]) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
  const out = `${input}-out`, store = `${input}-store`;
  let lastRows: string[] = [];
  for (const workers of ["0", "2"]) {
    const code = await main([
      "--input",
      input,
      "--out",
      out,
      "--store",
      `${store}-${workers}`,
      "--workers",
      workers,
      "--quiet",
    ]);
    assert.equal(code, 0);
    const rows = (await Deno.readTextFile(`${out}/assignments.csv`)).trim().split(/\r?\n/).slice(1);
    assert.ok(rows.length >= 6, `workers ${workers}: ${rows.length} faces`);
    assert.ok(rows.every((r) => !r.includes(",-1,,")), "every photo has faces");
    const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
    // No clustering flag: the clustering is chosen from the data, and run.json says so.
    assert.equal(run.method, "chinese-whispers");
    assert.match(run.choice.summary, /chosen from the data/);
    lastRows = rows;
  }
  assert.equal(await main(["--input", input]), 2, "--out is required");
  assert.equal(await main(["--input", input, "--out", out, "--threshold", "abc"]), 2);
  assert.equal(await main(["--input", input, "--out", out, "--tiles", "sometimes", "--quiet"]), 2);
  // Tiling off: the same faces (these photos have none too small for the whole view).
  assert.equal(
    await main(["--input", input, "--out", out, "--store", `${store}-2`, "--tiles", "off", "--quiet"]),
    0,
  );
  const offRows = (await Deno.readTextFile(`${out}/assignments.csv`)).trim().split(/\r?\n/).slice(1);
  assert.deepEqual(
    offRows.map((r) => r.split(",").slice(0, 6)),
    lastRows.map((r) => r.split(",").slice(0, 6)),
  );
  for (const d of [input, out, `${store}-0`, `${store}-2`]) await Deno.remove(d, { recursive: true });
});
