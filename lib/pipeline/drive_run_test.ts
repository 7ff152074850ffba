import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { startDriveEmulator } from "../sources/drive/emulator.ts";
import { openDriveInput } from "../sources/drive/open.ts";
import { runPipeline } from "./run.ts";

Deno.test("a Drive folder path goes through the whole pipeline; faults are survived, reports link Drive pages, reruns download nothing", async () => {
  const demo = await ensureDemoPhotos();
  await using emu = await startDriveEmulator();
  const datasets = emu.addFolder(emu.rootId, "datasets");
  const people = emu.addFolder(datasets, "people");
  const party = emu.addFolder(people, "party");
  const ids: Record<string, string> = {};
  for (const n of ["sample1.jpg", "sample4.jpg"]) {
    ids[n] = emu.addFile(party, n, await Deno.readFile(`${demo}/${n}`));
  }
  const hostile = emu.addFile(
    people,
    "<img src=x onerror=alert(1)>.jpg",
    await Deno.readFile(`${demo}/sample6.jpg`),
  );
  emu.addFile(people, "broken.jpg", new TextEncoder().encode("not a jpeg"));
  emu.addFile(people, "notes.txt", new TextEncoder().encode("ignored: not an image"));
  emu.addFault({ kind: "429", route: "media", fileId: ids["sample1.jpg"] });
  emu.addFault({ kind: "cut", route: "media", fileId: ids["sample4.jpg"] });
  emu.addFault({ kind: "500", route: "list" });

  const tmp = await Deno.makeTempDir({ prefix: "facegroup-drive-" });
  const open = () =>
    openDriveInput("My Drive/datasets/people", {
      rootUrl: emu.rootUrl,
      mirrorDir: `${tmp}/mirror`,
      retry: { baseDelayMs: 2, maxDelayMs: 10 },
      log: () => {},
    });
  Deno.env.set("FACEGROUP_DRIVE_ACCESS_TOKEN", "test-token");
  try {
    const source = await open();
    assert.ok(emu.faultCount() >= 3);
    const out = `${tmp}/out`;
    const s = await runPipeline(source, { out, storeDir: `${tmp}/store`, progress: false, log: () => {} });
    assert.equal(s.photos, 4);
    assert.deepEqual(s.failures.map((f) => [f.path, f.stage]), [["broken.jpg", "decode"]]);
    const csv = await Deno.readTextFile(`${out}/assignments.csv`);
    // Names unsafe on disk are made safe in the mirror (and so in every output).
    for (
      const p of [
        "\r\nparty/sample1.jpg,0,",
        "\r\nparty/sample4.jpg,3,",
        "\r\n_img src=x onerror=alert(1)_.jpg,3,",
      ]
    ) {
      assert.ok(csv.includes(p), `assignments list ${p}:\n${csv}`);
    }
    const html = await Deno.readTextFile(`${out}/index.html`);
    assert.ok(
      html.includes(`https://drive.google.com/file/d/${ids["sample1.jpg"]}/view`),
      "faces link to Drive pages",
    );
    assert.ok(html.includes(`https://drive.google.com/file/d/${hostile}/view`));
    assert.ok(!html.includes("<img src=x onerror"));

    // A rerun downloads nothing and analyses nothing.
    emu.resetStats();
    const again = await runPipeline(await open(), {
      out,
      storeDir: `${tmp}/store`,
      progress: false,
      log: () => {},
    });
    assert.equal(emu.stats.requests.media, 0);
    assert.equal(again.computed, 0);
  } finally {
    Deno.env.delete("FACEGROUP_DRIVE_ACCESS_TOKEN");
    await Deno.remove(tmp, { recursive: true });
  }
});
