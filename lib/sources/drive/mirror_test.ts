import assert from "node:assert/strict";
import { join } from "node:path";
import { startDriveEmulator } from "./emulator.ts";
import { defaultMirrorDir, Mirror, sameVersion } from "./mirror.ts";
import { createDriveSource } from "./source.ts";
import { emulatorAuth, filesUnder } from "./testing.ts";

const base = (rootUrl: string, folder: string, mirrorDir: string) => ({
  folder,
  mirrorDir,
  auth: emulatorAuth(),
  rootUrl,
  retry: { baseDelayMs: 1, maxDelayMs: 2 },
});

Deno.test("files on disk whose manifest entry was lost (crash before the save) are adopted, not downloaded", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  for (let i = 0; i < 5; i++) emu.addFile(root, `${i}.jpg`, new Uint8Array([i, i, i]));
  const dir = await Deno.makeTempDir();
  await (await createDriveSource(base(emu.rootUrl, root, dir))).sync();
  await Deno.remove(join(dir, ".facegroup-drive", "manifest.json"));
  await Deno.writeFile(join(dir, "4.jpg"), new Uint8Array([9, 9, 9])); // same size, wrong content
  await Deno.writeFile(join(dir, ".facegroup-drive", "tmp", "x.part"), new Uint8Array([1])); // leftover
  emu.resetStats();
  const r = await (await createDriveSource(base(emu.rootUrl, root, dir))).sync();
  assert.equal(r.skipped, 4);
  assert.equal(r.downloaded, 1);
  assert.equal(emu.stats.mediaServed, 1);
  assert.deepEqual(await Deno.readFile(join(dir, "4.jpg")), new Uint8Array([4, 4, 4]));
  assert.deepEqual(await filesUnder(join(dir, ".facegroup-drive", "tmp")), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("swapped names and moved folders are followed locally without downloads; deleted local files come back", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "r");
  const sub = emu.addFolder(root, "sub");
  const a = emu.addFile(root, "a.jpg", new Uint8Array([1]));
  const b = emu.addFile(root, "b.jpg", new Uint8Array([2]));
  emu.addFile(sub, "c.jpg", new Uint8Array([3]));
  const dir = await Deno.makeTempDir();
  const src = await createDriveSource(base(emu.rootUrl, root, dir));
  await src.sync();
  emu.rename(a, "b.jpg");
  emu.rename(b, "a.jpg");
  emu.rename(sub, "renamed");
  emu.resetStats();
  const r = await src.sync();
  assert.equal(r.moved, 3);
  assert.equal(r.downloaded, 0);
  assert.equal(emu.stats.requests.media, 0);
  assert.deepEqual(await Deno.readFile(join(dir, "a.jpg")), new Uint8Array([2]));
  assert.deepEqual(await Deno.readFile(join(dir, "b.jpg")), new Uint8Array([1]));
  assert.deepEqual(await filesUnder(dir), ["a.jpg", "b.jpg", "renamed/c.jpg"]);
  await Deno.remove(join(dir, "a.jpg"));
  const r2 = await src.sync();
  assert.equal(r2.downloaded, 1);
  assert.deepEqual(await Deno.readFile(join(dir, "a.jpg")), new Uint8Array([2]));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Mirror refuses unsafe paths and compares versions by md5, else by size and time", async () => {
  const dir = await Deno.makeTempDir();
  const m = await Mirror.open(dir, "folder1");
  for (const bad of ["../x.jpg", "/etc/passwd", "a/../../b", ""]) {
    assert.throws(() => m.localPath(bad), /unsafe/);
  }
  assert.equal(m.localPath("a/b.jpg"), join(dir, "a", "b.jpg"));
  const e = { path: "a.jpg", md5: "aa", size: 3, modified: 5 };
  assert.ok(sameVersion(e, { md5: "aa", size: 3, modified: 9 }));
  assert.ok(!sameVersion(e, { md5: "bb", size: 3, modified: 5 }));
  assert.ok(!sameVersion(e, { md5: "aa", size: 4, modified: 5 }));
  assert.ok(sameVersion({ ...e, md5: undefined }, { size: 3, modified: 5 }));
  assert.ok(!sameVersion({ ...e, md5: undefined }, { size: 3, modified: 6 }));
  await assert.rejects(Mirror.open(dir, "folder2"), /mirrors another Drive folder/);
  assert.equal(
    defaultMirrorDir("1abc", (n) => ({ XDG_CACHE_HOME: "/c" })[n]),
    join("/c", "facegroup", "drive", "1abc"),
  );
  assert.equal(
    defaultMirrorDir("root", (n) => ({ HOME: "/h" })[n]),
    join("/h", ".cache", "facegroup", "drive", "root"),
  );
  await Deno.remove(dir, { recursive: true });
});
