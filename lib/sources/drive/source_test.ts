import assert from "node:assert/strict";
import { join } from "node:path";
import type { FileFailure } from "../../errors.ts";
import type { ImageRef } from "../types.ts";
import { FAULT_KINDS, md5Hex, startDriveEmulator } from "./emulator.ts";
import type { ProgressSnapshot } from "./progress.ts";
import { createDriveSource, type DriveSourceOptions } from "./source.ts";
import { buildPeopleTree, emulatorAuth, filesUnder, md5OfFile } from "./testing.ts";

const FAST_RETRY = { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 };

function opts(rootUrl: string, folder: string, mirrorDir: string, extra: Partial<DriveSourceOptions> = {}) {
  return {
    folder,
    mirrorDir,
    auth: emulatorAuth(),
    rootUrl,
    retry: FAST_RETRY,
    idleTimeoutMs: 500,
    ...extra,
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

Deno.test("sync mirrors a nested tree of 1,000+ images over several pages; a rerun downloads nothing", async () => {
  await using emu = await startDriveEmulator({ maxPageSize: 100 });
  const datasets = emu.addFolder("root", "datasets");
  const people = emu.addFolder(datasets, "people");
  const expected = buildPeopleTree(emu, people, { people: 36, photos: 28, nested: 4, maxBytes: 600 });
  assert.ok(expected.size >= 1000, `fixture has ${expected.size} images`);
  const mirrorDir = await Deno.makeTempDir();
  const snaps: ProgressSnapshot[] = [];
  const src = await createDriveSource(
    opts(emu.rootUrl, "My Drive/datasets/people", mirrorDir, {
      concurrency: 8,
      onProgress: (s) => snaps.push(s),
    }),
  );
  const r = await src.sync();
  assert.equal(r.listed, expected.size);
  assert.equal(r.downloaded, expected.size);
  assert.deepEqual(r.failures, []);
  assert.ok(r.complete);
  // the root folder alone spans 36 folders at 100 a page: > 1 page; person folders hold 30–31 items
  assert.ok(emu.stats.requests.list > 36, `list requests ${emu.stats.requests.list}`);
  const onDisk = await filesUnder(mirrorDir);
  assert.deepEqual(onDisk, [...expected.values()].map((e) => e.path).sort());
  for (const e of expected.values()) assert.equal(await md5OfFile(join(mirrorDir, e.path)), e.md5, e.path);
  const last = snaps.at(-1)!;
  assert.equal(last.phase, "done");
  assert.equal(last.filesDone, expected.size);
  assert.equal(last.bytesDone, [...expected.values()].reduce((s, e) => s + e.size, 0));

  const refs = await collect(src.list());
  assert.equal(refs.length, expected.size);
  const ref = refs.find((x) => x.path === "person_003/2019/old_1.png")!;
  assert.equal(ref.label, "person_003");
  assert.equal(ref.webUrl, `https://drive.google.com/file/d/${ref.id}/view`);
  assert.equal(ref.size, expected.get(ref.id)!.size);
  assert.ok(!refs.some((x) => x.path.endsWith(".txt") || x.path.endsWith("deleted.jpg")));
  assert.equal(md5Hex(await src.read(ref)), expected.get(ref.id)!.md5);

  emu.resetStats();
  const again = await createDriveSource(opts(emu.rootUrl, people, mirrorDir));
  const r2 = await again.sync();
  assert.equal(r2.downloaded, 0);
  assert.equal(r2.skipped, expected.size);
  assert.equal(emu.stats.requests.media, 0);
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("changed files download again, deleted ones leave, renamed ones move without a download", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "set");
  const expected = buildPeopleTree(emu, root, { people: 3, photos: 4 });
  const ids = [...expected.keys()];
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir));
  assert.equal((await src.sync()).downloaded, 12);

  const newBytes = new Uint8Array([9, 9, 9, 9, 9]);
  emu.updateContent(ids[0], newBytes);
  emu.remove(ids[1]);
  emu.trash(ids[2]);
  emu.rename(ids[3], "renamed.jpg");
  const added = emu.addFile(root, "new.jpg", new Uint8Array([4, 5]));
  emu.resetStats();
  const r = await src.sync();
  assert.equal(r.downloaded, 2); // changed + new
  assert.equal(r.removed, 2); // deleted + trashed
  assert.equal(r.moved, 1);
  assert.equal(emu.stats.requests.media, 2);
  assert.deepEqual(await Deno.readFile(join(mirrorDir, expected.get(ids[0])!.path)), newBytes);
  const files = await filesUnder(mirrorDir);
  assert.ok(!files.includes(expected.get(ids[1])!.path));
  assert.ok(!files.includes(expected.get(ids[2])!.path));
  assert.ok(!files.includes(expected.get(ids[3])!.path));
  assert.ok(files.includes("person_000/renamed.jpg"));
  assert.ok(files.includes("new.jpg"));
  assert.equal(files.length, 12 - 2 + 1);
  const refs = await collect(src.list());
  assert.ok(refs.some((x) => x.id === added && x.label === undefined));
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("read() downloads a missing or stale file once, even when asked concurrently", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const id = emu.addFile(root, "a.jpg", new Uint8Array([1, 2, 3]));
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir));
  const [ref] = await collect(src.list());
  const reads = await Promise.all([src.read(ref), src.read(ref), src.read(ref)]);
  for (const b of reads) assert.deepEqual([...b], [1, 2, 3]);
  assert.equal(emu.stats.mediaServed, 1);
  await src.read(ref);
  assert.equal(emu.stats.mediaServed, 1);
  emu.updateContent(id, new Uint8Array([7, 7]));
  const [ref2] = await collect(src.list());
  assert.deepEqual([...await src.read(ref2)], [7, 7]);
  assert.equal(emu.stats.mediaServed, 2);
  // a ref from elsewhere (not listed by this source object) is looked up by id
  const other = await createDriveSource(opts(emu.rootUrl, root, mirrorDir));
  const ref3: ImageRef = { id, path: "a.jpg", size: 2, modified: 0 };
  assert.deepEqual([...await other.read(ref3)], [7, 7]);
  assert.equal(emu.stats.mediaServed, 2);
  await Deno.remove(mirrorDir, { recursive: true });
});

for (const kind of FAULT_KINDS) {
  Deno.test(`fault ${kind} on downloads and listings is survived with nothing lost`, async () => {
    await using emu = await startDriveEmulator({ slowMs: 20 });
    const root = emu.addFolder("root", "r");
    const expected = buildPeopleTree(emu, root, { people: 2, photos: 3 });
    const target = [...expected.keys()][1];
    emu.addFault({ kind, route: "media", fileId: target, times: 2 });
    if (kind !== "corrupt") emu.addFault({ kind, route: "list" });
    const mirrorDir = await Deno.makeTempDir();
    const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir, { idleTimeoutMs: 300 }));
    const r = await src.sync();
    assert.deepEqual(r.failures, []);
    assert.equal(r.downloaded, expected.size);
    for (const e of expected.values()) assert.equal(await md5OfFile(join(mirrorDir, e.path)), e.md5);
    const injected = emu.faultCount();
    // a slow answer is no failure, so the second media rule of "slow" is never used
    assert.equal(emu.stats.faults[kind], kind === "corrupt" || kind === "slow" ? 2 : 3);
    assert.equal(r.faultsSurvived, injected);
    assert.equal(src.stats.faultsSurvived, injected);
    await Deno.remove(mirrorDir, { recursive: true });
  });
}

Deno.test("random faults of every kind over 1,000+ files: all checksums match", async () => {
  await using emu = await startDriveEmulator({ maxPageSize: 50, slowMs: 20 });
  const root = emu.addFolder("root", "people");
  const expected = buildPeopleTree(emu, root, { people: 40, photos: 25, nested: 3, seed: 11, maxBytes: 400 });
  const randomKinds = FAULT_KINDS.filter((k) => k !== "stall");
  emu.setRandomFaults({ rate: 0.25, kinds: randomKinds, seed: 5, maxConsecutive: 2 });
  for (const route of ["media", "list", "get"] as const) emu.addFault({ kind: "stall", route });
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir, { concurrency: 8 }));
  const r = await src.sync();
  assert.deepEqual(r.failures, []);
  assert.equal(r.downloaded, expected.size);
  for (const e of expected.values()) assert.equal(await md5OfFile(join(mirrorDir, e.path)), e.md5, e.path);
  for (const k of FAULT_KINDS) assert.ok(emu.stats.faults[k] > 0, `no ${k} fault injected`);
  // every injected fault cost one failed attempt that a retry overcame (a stall past the idle
  // timeout on a loaded machine would add one more, never fewer)
  // (src.stats also counts the folder lookup before the sync)
  const survived = src.stats.faultsSurvived;
  assert.ok(survived >= emu.faultCount(), `${survived} < ${emu.faultCount()}`);
  console.log(
    `faults survived: ${survived} over ${expected.size} files ` +
      `(injected: ${JSON.stringify(emu.stats.faults)}, retries by kind: ${JSON.stringify(src.stats.byKind)})`,
  );
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("a file that keeps failing is reported (stage download) and the run goes on; no partial file", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const good = emu.addFile(root, "good.jpg", new Uint8Array([1, 2, 3, 4]));
  const bad = emu.addFile(root, "bad.jpg", new Uint8Array(1000).fill(5));
  const mirrorDir = await Deno.makeTempDir();
  const failures: FileFailure[] = [];
  const src = await createDriveSource(
    opts(emu.rootUrl, root, mirrorDir, { onFailure: (f) => failures.push(f) }),
  );
  assert.equal((await src.sync()).downloaded, 2);

  // a new version of bad.jpg never arrives whole: the old one stays intact, never a partial file
  emu.updateContent(bad, new Uint8Array(1000).fill(6));
  emu.updateContent(good, new Uint8Array([8]));
  emu.addFault({ kind: "cut", route: "media", fileId: bad, times: 100 });
  const r = await src.sync();
  assert.equal(r.downloaded, 1);
  assert.equal(r.failures.length, 1);
  assert.equal(r.failures[0].stage, "download");
  assert.equal(r.failures[0].path, "bad.jpg");
  assert.deepEqual(failures, r.failures);
  assert.equal(emu.stats.faults.cut, FAST_RETRY.maxAttempts);
  assert.deepEqual(await Deno.readFile(join(mirrorDir, "bad.jpg")), new Uint8Array(1000).fill(5));
  assert.deepEqual(await Deno.readFile(join(mirrorDir, "good.jpg")), new Uint8Array([8]));
  assert.deepEqual(await filesUnder(join(mirrorDir, ".facegroup-drive", "tmp")), []);

  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("a folder that cannot be listed is reported and nothing is removed from the mirror", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const sub = emu.addFolder(root, "sub");
  emu.addFile(sub, "a.jpg", new Uint8Array([1]));
  emu.addFile(root, "b.jpg", new Uint8Array([2]));
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(
    opts(emu.rootUrl, root, mirrorDir, { retry: { ...FAST_RETRY, maxAttempts: 2 } }),
  );
  assert.equal((await src.sync()).downloaded, 2);
  emu.addFault({ kind: "500", route: "list", fileId: sub, times: 2 }); // both attempts fail
  const r = await src.sync();
  assert.equal(r.complete, false);
  assert.equal(r.failures.length, 1);
  assert.equal(r.failures[0].stage, "list");
  assert.equal(r.failures[0].path, "sub");
  assert.equal(r.removed, 0);
  assert.deepEqual(await filesUnder(mirrorDir), ["b.jpg", "sub/a.jpg"]);
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("unsafe names are made safe and unique, and nothing lands outside the mirror", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const names = [
    "a/b.jpg",
    "../evil.jpg",
    "..",
    "con.jpg",
    "x\u0000y\u001b.jpg",
    "Same.jpg",
    "same.jpg",
    "SAME.JPG",
  ];
  for (const [i, n] of names.entries()) emu.addFile(root, n, new Uint8Array([i]), { mimeType: "image/jpeg" });
  const dotdot = emu.addFolder(root, "..");
  emu.addFile(dotdot, "in.jpg", new Uint8Array([100]));
  const meta = emu.addFolder(root, ".facegroup-drive");
  emu.addFile(meta, "manifest.json", new Uint8Array([101]), { mimeType: "image/jpeg" });
  const dup = emu.addFolder(root, "Same.jpg"); // a folder clashing with a file name
  emu.addFile(dup, "z.jpg", new Uint8Array([102]));
  const parent = await Deno.makeTempDir();
  const mirrorDir = join(parent, "mirror");
  const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir));
  const r = await src.sync();
  assert.deepEqual(r.failures, []);
  const refs = await collect(src.list());
  const paths = refs.map((x) => x.path);
  assert.equal(new Set(paths.map((p) => p.toLowerCase())).size, paths.length);
  assert.deepEqual(paths.sort(), await filesUnder(mirrorDir));
  for (const p of paths) {
    assert.ok(!p.split("/").some((s) => s === ".." || s === "." || s === ""), p);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u001f\\]/.test(p), p);
  }
  assert.ok(paths.includes("a_b.jpg"));
  assert.ok(paths.includes("_con.jpg"));
  assert.ok(paths.includes("xy.jpg"));
  // the folder ".." and the file ".." both become "_": one of them gets " (2)"
  assert.ok(paths.some((p) => /^_( \(2\))?\/in\.jpg$/.test(p)), paths.join());
  assert.ok(paths.includes("_.facegroup-drive/manifest.json"));
  assert.deepEqual([...Deno.readDirSync(parent)].map((e) => e.name), ["mirror"]);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("shortcuts are followed once: loops end, targets outside the folder are included once", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const a = emu.addFolder(root, "a");
  const img = emu.addFile(a, "p.jpg", new Uint8Array([1]));
  emu.addShortcut(a, "back to root", root); // loop
  emu.addShortcut(a, "again p.jpg", img); // same file twice
  const outside = emu.addFolder("root", "outside");
  const o = emu.addFile(outside, "o.jpg", new Uint8Array([2]));
  emu.addShortcut(root, "linked", outside);
  emu.addShortcut(root, "linked twice", outside);
  const gone = emu.addFile(outside, "gone.jpg", new Uint8Array([3]));
  emu.addShortcut(root, "dangling.jpg", gone);
  emu.remove(gone);
  const mirrorDir = await Deno.makeTempDir();
  const failures: FileFailure[] = [];
  const src = await createDriveSource(
    opts(emu.rootUrl, root, mirrorDir, { onFailure: (f) => failures.push(f) }),
  );
  const refs = await collect(src.list());
  assert.deepEqual(refs.map((x) => [x.path, x.id]).sort(), [["a/p.jpg", img], ["linked/o.jpg", o]].sort());
  assert.equal(failures.length, 1); // the dangling shortcut
  const r = await src.sync();
  assert.equal(r.downloaded, 2);
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("a mirror directory refuses to serve another folder", async () => {
  await using emu = await startDriveEmulator();
  const a = emu.addFolder("root", "a");
  const b = emu.addFolder("root", "b");
  emu.addFile(b, "x.jpg", new Uint8Array([1]));
  const mirrorDir = await Deno.makeTempDir();
  await (await createDriveSource(opts(emu.rootUrl, a, mirrorDir))).sync();
  await assert.rejects(createDriveSource(opts(emu.rootUrl, b, mirrorDir)), /mirrors another Drive folder/);
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("list() can be left early: pending folder listings are cancelled", async () => {
  await using emu = await startDriveEmulator({ maxPageSize: 5 });
  const root = emu.addFolder("root", "r");
  buildPeopleTree(emu, root, { people: 12, photos: 8 });
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(opts(emu.rootUrl, root, mirrorDir, { concurrency: 6 }));
  let n = 0;
  for await (const _ of src.list()) if (++n === 3) break;
  assert.equal(n, 3);
  const ctl = new AbortController();
  const it = src.list(ctl.signal)[Symbol.asyncIterator]();
  await it.next();
  ctl.abort(new Error("user stop"));
  await assert.rejects(async () => {
    while (!(await it.next()).done) { /* drain */ }
  }, /user stop/);
  await Deno.remove(mirrorDir, { recursive: true });
});

Deno.test("a folder in a shared drive syncs, by path, including a shortcut into another shared drive", async () => {
  await using emu = await startDriveEmulator({ maxPageSize: 4 });
  const team = emu.addDrive("Team");
  const photos = emu.addFolder(team, "photos");
  const expected = buildPeopleTree(emu, photos, { people: 2, photos: 5, nested: 2 });
  const other = emu.addDrive("Other");
  const ext = emu.addFolder(other, "ext");
  const extImg = emu.addFile(ext, "e.jpg", new Uint8Array([7]));
  emu.addShortcut(photos, "external", ext);
  const mirrorDir = await Deno.makeTempDir();
  const src = await createDriveSource(opts(emu.rootUrl, "Team/photos", mirrorDir));
  assert.equal(src.folder.driveId, team);
  const r = await src.sync();
  assert.deepEqual(r.failures, []);
  assert.equal(r.downloaded, expected.size + 1);
  const refs = await collect(src.list());
  assert.ok(refs.some((x) => x.id === extImg && x.path === "external/e.jpg" && x.label === "external"));
  for (const e of expected.values()) assert.equal(await md5OfFile(join(mirrorDir, e.path)), e.md5);
  await Deno.remove(mirrorDir, { recursive: true });
});
