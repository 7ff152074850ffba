import assert from "node:assert/strict";
import { join } from "node:path";
import { main as exportCommand } from "./export.ts";
import { assignmentsCsv } from "../run/csv.ts";
import { parseCsv } from "../util/csv.ts";
import type { ReportFace } from "../run/types.ts";
import { exportPeople, PEOPLE_HEADER } from "../review/export.ts";
import { MAX_NAME_BYTES, safeName, UniqueNames } from "../review/safe_name.ts";
import { DriveApi, SHORTCUT_MIME } from "../sources/drive/api.ts";
import { startDriveEmulator } from "../sources/drive/emulator.ts";
import { createDriveSource } from "../sources/drive/source.ts";
import { emulatorAuth } from "../sources/drive/testing.ts";

Deno.test("safeName: one safe component, never hidden, reserved or too long", () => {
  assert.equal(safeName("Ada Lovelace"), "Ada Lovelace");
  assert.equal(safeName("../../etc/passwd"), "_.._etc_passwd");
  assert.equal(safeName(".."), "");
  assert.equal(safeName("  .hidden. "), "hidden");
  assert.equal(safeName('a/b\\c:d*e?f"g<h>i|j'), "a_b_c_d_e_f_g_h_i_j");
  assert.equal(safeName("tab\there\nnew\u0000  two"), "tab_here_new_ two");
  assert.equal(safeName("CON"), "CON_");
  assert.equal(safeName("nul.txt"), "nul_.txt");
  assert.equal(safeName("Cafe\u0301"), "Café", "NFC");
  const long = safeName("é".repeat(200) + ".jpeg");
  assert.ok(new TextEncoder().encode(long).length <= MAX_NAME_BYTES);
  assert.ok(long.endsWith("é.jpeg"), long);
});

Deno.test("UniqueNames: clashes without case get (2), (3), before the extension for files", () => {
  const u = new UniqueNames(["people.csv"]);
  assert.equal(u.take("Ada", "x"), "Ada");
  assert.equal(u.take("ada", "x"), "ada (2)");
  assert.equal(u.take("", "person-3"), "person-3");
  assert.equal(u.take("people.csv", "x"), "people.csv (2)");
  const f = new UniqueNames();
  assert.equal(f.take("a.jpg", "x", true), "a.jpg");
  assert.equal(f.take("A.JPG", "x", true), "A (2).JPG");
  assert.equal(f.take("a.b.jpg", "x", true), "a.b.jpg");
});

const face = (path: string, idx: number, cluster: number, person?: string): ReportFace => ({
  path,
  face: idx,
  box: { x: 10, y: 20, w: 30, h: 40 },
  score: 0.9,
  cluster,
  ...(person !== undefined ? { person } : {}),
});

/** A run folder over a photo folder, with assignments as given. */
async function fixture(dir: string, faces: ReportFace[]) {
  const photos = join(dir, "photos"), run = join(dir, "run");
  await Deno.mkdir(join(photos, "sub"), { recursive: true });
  await Deno.mkdir(run);
  for (const f of new Set(faces.map((f) => f.path))) {
    if (!f.startsWith("..") && f !== "gone.jpg") await Deno.writeTextFile(join(photos, f), `bytes of ${f}`);
  }
  await Deno.writeTextFile(join(run, "run.json"), JSON.stringify({ source: `folder ${photos}` }));
  await Deno.writeTextFile(
    join(run, "assignments.csv"),
    assignmentsCsv({ faces, noFace: [{ path: "none.jpg" }] }),
  );
  return { photos, run };
}

Deno.test("exportPeople: a folder per person (names safe and distinct), each photo once, people.csv", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export-" });
  try {
    const { photos, run } = await fixture(dir, [
      face("a.jpg", 0, 0, "Ada/../x"),
      face("b.jpg", 0, 0, "Ada/../x"),
      face("sub/a.jpg", 0, 0, "Ada/../x"), // same file name as a.jpg
      face("group.jpg", 0, 0, "Ada/../x"),
      face("group.jpg", 1, 1),
      face("c.jpg", 0, 1),
      face("group.jpg", 2, 2, "ada_.._x"), // a name that makes the same folder, without case
      face("d.jpg", 0, 3),
      face("e.jpg", 0, -1),
      face("../outside.jpg", 0, 3),
      face("gone.jpg", 0, 1),
    ]);
    const to = join(dir, "out");
    const lines: string[] = [];
    const r = await exportPeople({ run, to, log: (l) => lines.push(l) });
    assert.deepEqual(r.people.map((p) => [p.name, p.folder, p.faces, p.photos]), [
      ["Ada/../x", "Ada_.._x", 4, 4],
      [undefined, "person-1", 3, 2],
      [undefined, "person-3", 2, 1],
      ["ada_.._x", "ada_.._x (2)", 1, 1],
    ]);
    const list = (d: string) => [...Deno.readDirSync(join(to, d))].map((e) => e.name).sort();
    assert.deepEqual(list("."), ["Ada_.._x", "ada_.._x (2)", "people.csv", "person-1", "person-3"]);
    assert.deepEqual(list("Ada_.._x"), ["a (2).jpg", "a.jpg", "b.jpg", "group.jpg"]);
    assert.deepEqual(list("person-1"), ["c.jpg", "group.jpg"]);
    // Links point at the photos.
    assert.equal(Deno.readLinkSync(join(to, "Ada_.._x", "a (2).jpg")), join(photos, "sub/a.jpg"));
    assert.equal(Deno.readTextFileSync(join(to, "person-3", "d.jpg")), "bytes of d.jpg");
    assert.equal(r.problems.length, 2, r.problems.join("\n"));
    assert.match(r.problems.join("\n"), /\.\.\/outside\.jpg: leads outside the photo folder/);
    assert.match(r.problems.join("\n"), /gone\.jpg: cannot link/);
    assert.deepEqual(lines.length, 2);
    assert.match(r.drive, /not a Google Drive input/);
    const rows = parseCsv(Deno.readTextFileSync(join(to, "people.csv")));
    assert.deepEqual(rows[0], [...PEOPLE_HEADER]);
    assert.equal(rows.length, 1 + 10, "every assigned face, none of the unassigned");
    assert.deepEqual(rows.find((x) => x[3] === "sub/a.jpg"), [
      "Ada/../x",
      "Ada_.._x",
      "0",
      "sub/a.jpg",
      "0",
      "10",
      "20",
      "30",
      "40",
      "Ada_.._x/a (2).jpg",
    ]);
    assert.equal(rows.find((x) => x[3] === "gone.jpg")![9], "", "a photo not placed has no file");
    // A second export into the same folder is refused; copies are real files; min-faces leaves people out.
    await assert.rejects(exportPeople({ run, to, log: () => {} }), /not empty; choose a new export folder/);
    const copy = await exportPeople({ run, to: join(dir, "copy"), mode: "copy", minFaces: 3, log: () => {} });
    assert.deepEqual(copy.people.map((p) => p.folder), ["Ada_.._x", "person-1"]);
    assert.equal(copy.skipped, 2);
    const st = Deno.lstatSync(join(dir, "copy", "Ada_.._x", "b.jpg"));
    assert.ok(st.isFile && !st.isSymlink);
    // An export folder inside the photo folder is refused (the next run would read it).
    await assert.rejects(exportPeople({ run, to: join(photos, "export") }), /inside the photo folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task export: a Drive run needs --photos; a bad run folder is a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export-cli-" });
  try {
    const { photos, run } = await fixture(dir, [face("a.jpg", 0, 0, "Ada"), face("b.jpg", 0, 0, "Ada")]);
    await Deno.writeTextFile(join(run, "run.json"), JSON.stringify({ source: "drive My Drive/people" }));
    const err: string[] = [], out: string[] = [];
    const io = {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      cwd: dir,
      isTty: false,
    };
    assert.equal(await exportCommand(["--run", "run", "--to", "out"], io), 1);
    assert.match(err.join(""), /photos are in Google Drive \(My Drive\/people\); give --photos/);
    err.length = 0;
    assert.equal(
      await exportCommand(["--run", "run", "--to", "out", "--photos", photos, "--mode", "copy"], io),
      0,
    );
    assert.match(out.join(""), /1 people \(1 named\) exported to .*out: 2 photos copied/);
    assert.match(out.join(""), /no Drive shortcuts made/);
    assert.deepEqual([...Deno.readDirSync(join(dir, "out", "Ada"))].map((e) => e.name).sort(), [
      "a.jpg",
      "b.jpg",
    ]);
    assert.equal(await exportCommand(["--run", "nowhere", "--to", "out2"], io), 1);
    assert.match(err.join(""), /nowhere\/assignments\.csv: cannot read .*is .*nowhere a run folder\?/);
    assert.equal(await exportCommand(["--run", "run", "--to", "out3", "--mode", "move"], io), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportPeople --drive-shortcuts: a Drive run's people as folders of shortcuts, once; other runs refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export-drive-" });
  await using emu = await startDriveEmulator();
  try {
    const input = emu.addFolder("root", "people");
    const ids = new Map<string, string>();
    for (const name of ["a.jpg", "b.jpg", "c.jpg"]) {
      ids.set(name, emu.addFile(input, name, new TextEncoder().encode(name)));
    }
    const mirror = join(dir, "mirror");
    const auth = emulatorAuth();
    await (await createDriveSource({ folder: input, mirrorDir: mirror, auth, rootUrl: emu.rootUrl })).sync();
    const { run } = await fixture(dir, [
      face("a.jpg", 0, 0, "Ada"),
      face("b.jpg", 0, 0, "Ada"),
      face("b.jpg", 1, 1),
      face("c.jpg", 0, 1),
    ]);
    await Deno.writeTextFile(join(run, "run.json"), JSON.stringify({ source: `drive ${input}` }));
    const api = new DriveApi({ auth, rootUrl: emu.rootUrl });
    const shortcuts = { to: "My Drive/facegroup people", client: api };
    const r = await exportPeople({
      run,
      to: join(dir, "out"),
      photos: mirror,
      driveShortcuts: shortcuts,
      log: () => {},
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      [r.shortcuts!.foldersCreated, r.shortcuts!.shortcutsCreated, r.shortcuts!.alreadyThere],
      [3, 4, 0],
    );
    assert.match(
      r.drive,
      /Drive shortcuts in My Drive\/facegroup people: 4 made, 0 already there, 3 folders created/,
    );
    const listing: string[] = [];
    for await (const p of api.listChildren(r.shortcuts!.folder.id)) {
      for await (const s of api.listChildren(p.id)) {
        assert.equal(s.mimeType, SHORTCUT_MIME);
        listing.push(`${p.name}/${s.name} -> ${s.shortcut!.targetId}`);
      }
    }
    assert.deepEqual(listing.sort(), [
      `Ada/a.jpg -> ${ids.get("a.jpg")}`,
      `Ada/b.jpg -> ${ids.get("b.jpg")}`,
      `person-1/b.jpg -> ${ids.get("b.jpg")}`,
      `person-1/c.jpg -> ${ids.get("c.jpg")}`,
    ]);
    // A rerun (into a new local folder) makes no shortcut twice.
    const again = await exportPeople({
      run,
      to: join(dir, "out2"),
      photos: mirror,
      driveShortcuts: shortcuts,
    });
    assert.deepEqual([
      again.shortcuts!.foldersCreated,
      again.shortcuts!.shortcutsCreated,
      again.shortcuts!.alreadyThere,
    ], [0, 0, 4]);

    // Not a Drive input, or photos that are no mirror: refused before anything is written.
    await Deno.writeTextFile(join(run, "run.json"), JSON.stringify({ source: `folder ${mirror}` }));
    await assert.rejects(
      () => exportPeople({ run, to: join(dir, "out3"), driveShortcuts: shortcuts }),
      /run\.json: the run's input is not a Google Drive folder; --drive-shortcuts needs one/,
    );
    await Deno.writeTextFile(join(run, "run.json"), JSON.stringify({ source: `drive ${input}` }));
    await assert.rejects(
      () =>
        exportPeople({ run, to: join(dir, "out3"), photos: join(dir, "photos"), driveShortcuts: shortcuts }),
      /photos: not a Google Drive mirror \(no manifest\)/,
    );
    assert.throws(() => Deno.statSync(join(dir, "out3")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task export --help names --drive-shortcuts and the drive.file scope, and does nothing", async () => {
  const out: string[] = [];
  const io = { stdout: (t: string) => void out.push(t), stderr: () => {}, cwd: ".", isTty: false };
  assert.equal(await exportCommand(["--help"], io), 0);
  const text = out.join("");
  assert.match(text, /--drive-shortcuts <folder>/);
  assert.match(text, /drive\.file scope/);
});
