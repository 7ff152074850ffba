import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "./report.ts";
import { makeReport } from "../report/site/make_report.ts";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";

Deno.test("makeReport and `deno task report`: a folder, or one file, from a run folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSyntheticRun(join(dir, "run"), { faces: 80, people: 8, seed: 4 });
    await Deno.writeTextFile(join(dir, "run", "assignments.csv"), "path,face,x,y,w,h,score,cluster\r\n");
    const folder = await makeReport({ run: join(dir, "run"), out: join(dir, "site") });
    assert.equal(folder.entry, join(dir, "site", "index.html"));
    // The run's assignments.csv travels with the report folder, linked from its overview.
    assert.equal(
      Deno.readTextFileSync(join(dir, "site", "assignments.csv")),
      "path,face,x,y,w,h,score,cluster\r\n",
    );
    assert.match(Deno.readTextFileSync(folder.entry), /<a href="assignments\.csv" download>/);
    assert.ok(folder.files.length > 10 && folder.bytes > 0);
    assert.match(Deno.readTextFileSync(folder.entry), /Sweep/);
    await assert.rejects(makeReport({ run: join(dir, "run"), out: join(dir, "run") }), /is the run folder/);
    // The CLI: a single file at --out; a missing --run is a usage error.
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(
        await main(["--run", join(dir, "run"), "--out", join(dir, "one.html"), "--single-file", "--quiet"]),
        0,
      );
      assert.equal(await main(["--run", join(dir, "nothing"), "--out", join(dir, "x"), "--quiet"]), 1);
    } finally {
      console.log = log;
    }
    assert.ok(Deno.statSync(join(dir, "one.html")).size > 10000);
    const error = console.error;
    console.error = () => {};
    try {
      assert.equal(await main([]), 2);
    } finally {
      console.error = error;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
