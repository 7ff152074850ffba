import assert from "node:assert/strict";
import type { FileFailure } from "../errors.ts";
import { LocalFolderSource } from "./local.ts";

Deno.test("local folders are listed recursively, sorted, images only, labels from the first level", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/Ann/sub`, { recursive: true });
  await Deno.mkdir(`${root}/Bob`);
  await Deno.writeFile(`${root}/Ann/b.JPG`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/Ann/sub/a.png`, new Uint8Array([1, 2]));
  await Deno.writeFile(`${root}/Bob/notes.txt`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/Bob/.hidden.jpg`, new Uint8Array([1]));
  await Deno.writeFile(`${root}/top.webp`, new Uint8Array([1]));
  await Deno.symlink(`${root}/Ann`, `${root}/Ann/sub/loop`);
  const src = new LocalFolderSource(root, { labelsFromFolders: true });
  const refs = [];
  for await (const r of src.list()) refs.push(r);
  assert.deepEqual(refs.map((r) => [r.path, r.label]), [
    ["Ann/b.JPG", "Ann"],
    ["Ann/sub/a.png", "Ann"],
    ["top.webp", undefined],
  ]);
  assert.equal(refs[1].size, 2);
  assert.deepEqual(Array.from(await src.read(refs[1])), [1, 2]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("a missing input folder is a clear error naming it", async () => {
  const src = new LocalFolderSource("/nonexistent/photos");
  await assert.rejects(async () => {
    for await (const _ of src.list()) { /* nothing */ }
  }, /\/nonexistent\/photos: cannot open the input folder/);
});

/** Lists `src`, returning the images' paths and what was skipped. */
async function listAll(src: LocalFolderSource) {
  const paths: string[] = [];
  const skipped: FileFailure[] = [];
  for await (const r of src.list(undefined, (f) => skipped.push(f))) paths.push(r.path);
  return { paths, skipped };
}

Deno.test("an unreadable subfolder is reported with its reason and the listing goes on", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/a/locked`, { recursive: true });
    await Deno.writeFile(`${root}/a/locked/hidden.jpg`, new Uint8Array([1]));
    await Deno.writeFile(`${root}/a/one.jpg`, new Uint8Array([1]));
    await Deno.writeFile(`${root}/z.jpg`, new Uint8Array([1]));
    // Root reads every folder, so the folder fails the way an unreadable one does for a user.
    const readDir = (p: string) => {
      if (p.endsWith("/locked")) {
        throw new Deno.errors.PermissionDenied(`Permission denied (os error 13): readdir '${p}'`);
      }
      return Deno.readDir(p);
    };
    const { paths, skipped } = await listAll(new LocalFolderSource(root, { readDir }));
    assert.deepEqual(paths, ["a/one.jpg", "z.jpg"]);
    assert.deepEqual(skipped, [{
      path: "a/locked",
      stage: "list",
      message:
        "a/locked: folder cannot be read (Permission denied (os error 13)); its photos are not included",
    }]);
    // The root itself unreadable is still an error: there is nothing to list.
    const rootFails = (p: string) => {
      if (p === root) throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
      return Deno.readDir(p);
    };
    await assert.rejects(
      () => listAll(new LocalFolderSource(root, { readDir: rootFails })),
      /cannot read the input folder/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** How to run a command so that a folder with mode 000 is unreadable to it, or undefined. */
function deniedRunner(): string[] | undefined {
  if (Deno.uid() !== 0) return [];
  try {
    const r = new Deno.Command("setpriv", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
    if (!r.success) return undefined;
  } catch {
    return undefined;
  }
  // Root without the capabilities that let it read any folder.
  return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"];
}

Deno.test("a folder the OS refuses to list (mode 000, run without root's override) is reported", async (t) => {
  const runner = deniedRunner();
  if (!runner) {
    console.log("skipped: running as root and setpriv is missing, so mode 000 does not stop this process");
    return;
  }
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/locked`);
    await Deno.writeFile(`${root}/locked/a.jpg`, new Uint8Array([1]));
    await Deno.writeFile(`${root}/b.jpg`, new Uint8Array([1]));
    await Deno.chmod(`${root}/locked`, 0o000);
    const script = `${root}/.list.ts`;
    await Deno.writeTextFile(
      script,
      `import { LocalFolderSource } from ${JSON.stringify(new URL("./local.ts", import.meta.url).href)};
const out = { paths: [] as string[], skipped: [] as unknown[] };
for await (const r of new LocalFolderSource(${
        JSON.stringify(root)
      }).list(undefined, (f) => out.skipped.push(f))) out.paths.push(r.path);
console.log(JSON.stringify(out));`,
    );
    const [cmd, ...pre] = [...runner, Deno.execPath()];
    const res = await new Deno.Command(cmd, { args: [...pre, "run", "-A", "--no-check", script] }).output();
    const stderr = new TextDecoder().decode(res.stderr);
    assert.ok(res.success, stderr);
    const out = JSON.parse(new TextDecoder().decode(res.stdout));
    await t.step("the rest is listed and the folder is reported with the OS's reason", () => {
      assert.deepEqual(out.paths, ["b.jpg"]);
      assert.equal(out.skipped.length, 1);
      assert.equal(out.skipped[0].path, "locked");
      assert.match(out.skipped[0].message, /^locked: folder cannot be read \(Permission denied/);
    });
  } finally {
    await Deno.chmod(`${root}/locked`, 0o755);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("links that loop or dangle, FIFOs and sockets with image names are reported, not skipped in silence", async () => {
  const root = await Deno.makeTempDir();
  let listener: Deno.Listener | undefined;
  try {
    await Deno.mkdir(`${root}/a/b`, { recursive: true });
    await Deno.writeFile(`${root}/a/b/ok.jpg`, new Uint8Array([1]));
    await Deno.symlink(`${root}/a`, `${root}/a/b/up`); // loop to an ancestor
    await Deno.symlink(`${root}/a/b`, `${root}/same`); // a folder listed twice
    await Deno.symlink("self.jpg", `${root}/self.jpg`); // a link to itself
    await Deno.symlink(`${root}/missing.jpg`, `${root}/gone.jpg`);
    await Deno.symlink(`${root}/missing.txt`, `${root}/gone.txt`); // not an image name: silent
    await Deno.symlink(`${root}/a/b/ok.jpg`, `${root}/alias.jpg`); // a good link
    const fifo = await new Deno.Command("mkfifo", { args: [`${root}/x.jpg`] }).output();
    assert.ok(fifo.success, "mkfifo");
    listener = Deno.listen({ transport: "unix", path: `${root}/y.png` });
    await Deno.writeFile(`${root}/.hidden.jpg`, new Uint8Array([1]));
    const { paths, skipped } = await listAll(new LocalFolderSource(root));
    assert.deepEqual(paths, ["a/b/ok.jpg", "alias.jpg"]);
    const byPath = Object.fromEntries(skipped.map((s) => [s.path, s.message]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      "a/b/up",
      "gone.jpg",
      "same",
      "self.jpg",
      "x.jpg",
      "y.png",
    ]);
    assert.ok(skipped.every((s) => s.stage === "list" && s.message.startsWith(`${s.path}: `)));
    assert.equal(byPath["a/b/up"], "a/b/up: symbolic link loop: leads back to folder a; not followed");
    assert.equal(byPath["same"], "same: leads to folder a/b, already listed; not listed twice");
    assert.match(byPath["self.jpg"], /symbolic link loop: the link leads back to itself/);
    assert.match(byPath["gone.jpg"], /dangling symbolic link: its target .*missing\.jpg does not exist/);
    assert.match(byPath["x.jpg"], /not a regular file but a FIFO/);
    assert.match(byPath["y.png"], /not a regular file but a socket/);
  } finally {
    listener?.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a name that is not valid UTF-8 is reported as such (the listing cannot open it)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const made = await new Deno.Command("sh", {
      args: ["-c", `touch "$1/$(printf 'bad\\377.jpg')" && mkdir "$1/$(printf 'dir\\377')"`, "sh", root],
    }).output();
    assert.ok(made.success, new TextDecoder().decode(made.stderr));
    const { paths, skipped } = await listAll(new LocalFolderSource(root));
    assert.deepEqual(paths, []);
    assert.deepEqual(skipped.map((s) => s.message).sort(), [
      "bad\uFFFD.jpg: cannot be read (its name is not valid UTF-8 (shown with \uFFFD) and cannot be opened: rename it)",
      "dir\uFFFD: folder cannot be opened (its name is not valid UTF-8 (shown with \uFFFD) and cannot be opened: " +
      "rename it); its photos are not included",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
