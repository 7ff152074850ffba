import assert from "node:assert/strict";
import sharp from "sharp";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { FileStageError } from "../errors.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageSource } from "../sources/types.ts";
import { readEmbeddingSet } from "../store/embedding_set.ts";
import { FaceStore } from "../store/face_store.ts";
import type { StoreOpener } from "../store/types.ts";
import { runPipeline } from "./run.ts";

const HOSTILE = "<img src=x onerror=alert(1)>.jpg";

function parseCsv(text: string): string[][] {
  // Enough for these files: quoted fields without embedded newlines.
  return text.trim().split(/\r?\n/).map((line) => {
    const out: string[] = [];
    let cur = "", q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q && c === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (c === '"') q = !q;
      else if (c === "," && !q) out.push(cur), cur = "";
      else cur += c;
    }
    out.push(cur);
    return out;
  });
}

Deno.test("real photos in, clusters + CSVs + report out; bad files reported, the rest succeeds; reruns reuse the store", async () => {
  const demo = await ensureDemoPhotos();
  const input = await Deno.makeTempDir({ prefix: "facegroup-e2e-" });
  const out = `${input}-out`;
  const store = `${input}-store`;
  await Deno.mkdir(`${input}/party`);
  for (const n of ["sample1.jpg", "sample4.jpg", "sample6.jpg"]) {
    await Deno.copyFile(`${demo}/${n}`, `${input}/party/${n}`);
  }
  await Deno.copyFile(`${demo}/sample4.jpg`, `${input}/${HOSTILE}`);
  const s1 = await Deno.readFile(`${demo}/sample1.jpg`);
  await Deno.writeFile(`${input}/truncated.jpg`, s1.subarray(0, Math.floor(s1.length / 3)));
  await Deno.writeFile(`${input}/empty.jpg`, new Uint8Array(0));
  await Deno.writeTextFile(`${input}/notes.jpg`, "this is not an image\n");
  await Deno.writeFile(`${input}/corrupt.png`, Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251));
  await Deno.writeFile(
    `${input}/blank.png`,
    await sharp({ create: { width: 400, height: 300, channels: 3, background: "#3a7" } }).png().toBuffer(),
  );

  const source = new LocalFolderSource(input);
  const first = await runPipeline(source, { out, storeDir: store, progress: false, log: () => {} });
  assert.equal(first.photos, 9);
  assert.equal(first.failures.length, 4);
  assert.equal(first.noFace, 1);
  assert.ok(first.faces >= 8, `found ${first.faces} faces`);

  const errors = parseCsv(await Deno.readTextFile(`${out}/errors.csv`));
  assert.deepEqual(errors[0], ["path", "stage", "message"]);
  assert.deepEqual(errors.slice(1).map((r) => [r[0], r[1]]).sort(), [
    ["corrupt.png", "decode"],
    ["empty.jpg", "decode"],
    ["notes.jpg", "decode"],
    ["truncated.jpg", "decode"],
  ]);
  for (const r of errors.slice(1)) assert.ok(r[2].startsWith(r[0]), `message names the file: ${r[2]}`);

  const rows = parseCsv(await Deno.readTextFile(`${out}/assignments.csv`));
  assert.deepEqual(rows[0], ["path", "face", "x", "y", "w", "h", "score", "cluster", "person"]);
  const body = rows.slice(1);
  assert.equal(body.length, first.faces + 1);
  assert.deepEqual(body.find((r) => r[0] === "blank.png"), ["blank.png", "-1", "", "", "", "", "", "-1", ""]);
  // The byte-identical copy under a hostile name: each of its faces joins the same face of the original.
  const copy = body.filter((r) => r[0] === HOSTILE);
  const orig = body.filter((r) => r[0] === "party/sample4.jpg");
  assert.ok(copy.length >= 2 && copy.length === orig.length);
  for (const r of copy) {
    const o = orig.find((x) => x[1] === r[1])!;
    assert.deepEqual(r.slice(1, 7), o.slice(1, 7));
    assert.notEqual(r[7], "-1");
    assert.equal(r[7], o[7]);
  }
  // Faces of one photo never share a cluster (apart from the copy, which is another file).
  const seen = new Set<string>();
  for (const r of body) {
    if (r[7] === "-1" || r[1] === "-1") continue;
    const key = `${r[0]}|${r[7]}`;
    assert.ok(!seen.has(key), `two faces of ${r[0]} in cluster ${r[7]}`);
    seen.add(key);
  }

  const html = await Deno.readTextFile(`${out}/index.html`);
  assert.ok(!html.includes("<img src=x onerror"), "the hostile name is not markup");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;.jpg"));
  assert.ok(html.includes("truncated.jpg"));
  // The run records how faces were found, defaults filled in, and the report shows it.
  const runJson = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
  assert.equal(runJson.faceOptions.tiling, "auto");
  assert.equal(runJson.faceOptions.minFaceSize, 20);
  assert.equal(runJson.faceOptions.maxSide, 1280);
  assert.ok(html.includes("Face detection") && html.includes("tiling"));

  const set = await readEmbeddingSet(`${out}/embeddings`);
  assert.equal(set.x.rows, first.faces);
  assert.equal(set.x.cols, 512);

  // A second run computes nothing and writes the same assignments.
  const csv1 = await Deno.readTextFile(`${out}/assignments.csv`);
  const second = await runPipeline(source, { out, storeDir: store, progress: false, log: () => {} });
  assert.equal(second.computed, 0);
  assert.equal(await Deno.readTextFile(`${out}/assignments.csv`), csv1);

  // A bad file renamed between runs is reported under its new name, from the store.
  await Deno.rename(`${input}/notes.jpg`, `${input}/renamed-notes.jpg`);
  const third = await runPipeline(source, { out, storeDir: store, progress: false, log: () => {} });
  assert.equal(third.computed, 0);
  const renamed = third.failures.find((f) => f.path === "renamed-notes.jpg");
  assert.equal(renamed?.message, "renamed-notes.jpg: not an image");

  for (const d of [input, out, store]) await Deno.remove(d, { recursive: true });
});

Deno.test("a source's read failures are reported at the stage the source names (download), else at read", async () => {
  const demo = await ensureDemoPhotos();
  const out = await Deno.makeTempDir({ prefix: "facegroup-stages-" });
  const source: ImageSource = {
    description: "test source",
    async *list() {
      for (const path of ["good.jpg", "never-downloaded.jpg", "unreadable.jpg"]) {
        yield { path, id: path, size: 1, modified: 0 };
      }
    },
    read(ref) {
      if (ref.path === "good.jpg") return Deno.readFile(`${demo}/sample2.jpg`);
      if (ref.path === "never-downloaded.jpg") {
        return Promise.reject(new FileStageError("download", "never-downloaded.jpg: HTTP 403 after 5 tries"));
      }
      return Promise.reject(new Error("unreadable.jpg: permission denied"));
    },
  };
  try {
    const s = await runPipeline(source, {
      out,
      storeDir: `${out}/store`,
      workers: 0,
      progress: false,
      log: () => {},
    });
    assert.deepEqual(
      s.failures.map((f) => [f.path, f.stage]).sort(),
      [["never-downloaded.jpg", "download"], ["unreadable.jpg", "read"]],
    );
    assert.ok(s.faces >= 2);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("runPipeline closes the store it opened: after a run, after a failure in the face stage, after one past it", async () => {
  const demo = await ensureDemoPhotos();
  const dir = await Deno.makeTempDir({ prefix: "facegroup-close-" });
  const input = `${dir}/in`;
  await Deno.mkdir(input);
  for (const n of ["sample2.jpg", "sample5.jpg"]) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
  // A real SQLite store, its close() counted.
  let opened = 0, closed = 0;
  const openStore: StoreOpener = async (key, o) => {
    const s = await FaceStore.open(`${dir}/store`, key, o);
    opened++;
    const close = s.close.bind(s);
    s.close = () => (closed++, close());
    return s;
  };
  const base = { storeDir: `${dir}/unused`, openStore, workers: 0, progress: false, log: () => {} };
  try {
    const s = await runPipeline(new LocalFolderSource(input), { ...base, out: `${dir}/out1` });
    assert.ok(s.faces >= 2 && s.computed === 2);
    assert.deepEqual([opened, closed], [1, 1], "closed once after a run");
    await assert.rejects(Deno.stat(`${dir}/unused`), "storeDir unused when openStore is given");

    // Stopped in the face stage (the store open, photos in flight).
    const stop = new AbortController();
    const local = new LocalFolderSource(input);
    const aborting: ImageSource = {
      description: "aborts after the first read",
      list: (signal, skip) => local.list(signal, skip),
      async read(ref) {
        const bytes = await local.read(ref);
        stop.abort(new Error("stopped by the test"));
        return bytes;
      },
    };
    await assert.rejects(
      runPipeline(aborting, { ...base, out: `${dir}/out2`, concurrency: 1, signal: stop.signal }),
      /stopped by the test/,
    );
    assert.deepEqual([opened, closed], [2, 2], "closed after a failure in the face stage");

    // Failing past the face stage (an adapter that is not in the catalogue).
    await assert.rejects(
      runPipeline(new LocalFolderSource(input), { ...base, out: `${dir}/out3`, adapter: "no-such-adapter" }),
    );
    assert.deepEqual([opened, closed], [3, 3], "closed after a failure past the face stage");

    // The default SQLite store under storeDir too (FaceStore's close() counted for the run).
    const proto = FaceStore.prototype;
    const original = proto.close;
    let defaultClosed = 0;
    proto.close = function (this: FaceStore) {
      defaultClosed++;
      return original.call(this);
    };
    try {
      const root = `${dir}/default`;
      const s = await runPipeline(new LocalFolderSource(input), {
        out: `${dir}/out4`,
        storeDir: root,
        workers: 0,
        progress: false,
        log: () => {},
      });
      assert.equal(s.computed, 2);
      assert.equal(defaultClosed, 1, "the default SQLite store closed once");
    } finally {
      proto.close = original;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
