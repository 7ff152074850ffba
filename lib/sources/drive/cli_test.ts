import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "./cli.ts";
import { startDriveEmulator } from "./emulator.ts";
import { buildPeopleTree, filesUnder } from "./testing.ts";

Deno.test("cli: syncs a folder given by path, prints progress and a summary, and reruns idle", async () => {
  await using emu = await startDriveEmulator();
  const people = emu.addFolder(emu.addFolder("root", "datasets"), "people");
  const expected = buildPeopleTree(emu, people, { people: 3, photos: 5 });
  const mirror = await Deno.makeTempDir();
  const out: string[] = [];
  const io = {
    stderr: (t: string) => void out.push(t),
    isTty: false,
    env: (n: string) => (n === "FACEGROUP_DRIVE_ACCESS_TOKEN" ? "test-token" : undefined),
  };
  const args = ["--folder", "My Drive/datasets/people", "--mirror", mirror, "--root-url", emu.rootUrl];
  assert.equal(await main(args, io), 0);
  const text = out.join("");
  assert.match(text, /syncing drive My Drive\/datasets\/people ->/);
  assert.match(text, /done: 15\/15 files/);
  assert.match(text, /15 images: 15 downloaded .* 0 failed; 0 faults survived/);
  assert.ok(!text.includes("test-token"));
  assert.deepEqual(await filesUnder(mirror), [...expected.values()].map((e) => e.path).sort());
  out.length = 0;
  assert.equal(await main([...args, "--quiet"], io), 0);
  assert.match(out.join(""), /15 images: 0 downloaded .*15 unchanged/);
  await Deno.remove(mirror, { recursive: true });
});

Deno.test("cli: bad arguments and unknown folders exit with 2 and a message", async () => {
  await using emu = await startDriveEmulator();
  const out: string[] = [];
  const io = {
    stderr: (t: string) => void out.push(t),
    stdout: (t: string) => void out.push(t),
    isTty: false,
    env: () => "test-token",
  };
  assert.equal(await main(["--mirror", "x"], io), 2);
  assert.match(out.join(""), /--folder is required/);
  assert.equal(await main(["--folder", "a", "--mirror", "x", "--concurrency", "0"], io), 2);
  assert.equal(await main(["--bogus"], io), 2);
  out.length = 0;
  const parent = await Deno.makeTempDir();
  const mirror = join(parent, "m");
  assert.equal(
    await main(["--folder", "My Drive/nope", "--mirror", mirror, "--root-url", emu.rootUrl], io),
    2,
  );
  assert.match(out.join(""), /error: no folder "nope" in "My Drive"/);
  out.length = 0;
  assert.equal(await main(["--help"], io), 0);
  assert.match(out.join(""), /^usage: deno task drive:sync --folder <id\|url\|path> \[options\]/);
  out.length = 0;
  assert.equal(await main(["--folder", "a", "--concurency", "2"], io), 2);
  assert.match(out.join(""), /unknown flag --concurency; did you mean --concurrency\?/);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("cli: the drive:sync entry point runs as its own process against the emulator", async () => {
  await using emu = await startDriveEmulator();
  const root = emu.addFolder("root", "set");
  buildPeopleTree(emu, root, { people: 2, photos: 2 });
  const mirror = await Deno.makeTempDir();
  const cli = new URL("./cli.ts", import.meta.url).pathname;
  const ok = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "--folder", root, "--mirror", mirror, "--root-url", emu.rootUrl],
    env: { FACEGROUP_DRIVE_ACCESS_TOKEN: "test-token", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(ok.stderr);
  assert.equal(ok.code, 0, text);
  assert.match(text, /4 images: 4 downloaded/);
  assert.equal((await filesUnder(mirror)).length, 4);
  await Deno.remove(mirror, { recursive: true });
});
