import assert from "node:assert/strict";
import sharp from "sharp";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { writeBmp } from "../images/bmp_testing.ts";
import { parseCsv } from "../util/csv.ts";

const HEIC_FIXTURE = new URL("../images/testdata/halves-64x48.heic", import.meta.url);
const REPO = new URL("../../", import.meta.url).pathname;

/** Whether a program is on PATH. */
async function has(cmd: string, args = ["--version"]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

Deno.test("deno task run on a hostile folder: every entry is a row of assignments.csv or errors.csv, exit 0", async () => {
  const lfw = await lfwOrSkip();
  if (!lfw) return;
  // Root reads folders of mode 000; without these capabilities it cannot, as a user could not.
  const root = Deno.uid() === 0;
  if (root && !(await has("setpriv"))) {
    console.log("skipped: running as root without setpriv, so an unreadable folder cannot be made");
    return;
  }
  const runner = root
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"]
    : [];
  const tmp = await Deno.makeTempDir({ prefix: "facegroup-hostile-" });
  const input = `${tmp}/in`, out = `${tmp}/out`;
  let listener: Deno.Listener | undefined;
  try {
    const person = `${lfw}/images_deepfunneled/Aaron_Peirsol`;
    await Deno.mkdir(`${input}/person`, { recursive: true });
    await Deno.copyFile(`${person}/Aaron_Peirsol_0001.jpg`, `${input}/person/a.jpg`);
    await Deno.copyFile(`${person}/Aaron_Peirsol_0002.jpg`, `${input}/person/b.jpg`);
    const face = `${person}/Aaron_Peirsol_0003.jpg`;
    // A BMP and a name whose U+202E makes "evil<U+202E>gpj.png" read as "evilgnp.jpg".
    const { data, info } = await sharp(face).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    await Deno.writeFile(
      `${input}/photo.bmp`,
      writeBmp(new Uint8Array(data), info.width, info.height, { bpp: 24 }),
    );
    await Deno.writeFile(`${input}/evil\u202Egpj.png`, await sharp(face).png().toBuffer());
    // A HEIC of the face where heif-enc is installed, else the small fixture (a photo without a face).
    const heicMade = await has("heif-enc", ["--help"]) &&
      (await new Deno.Command("heif-enc", {
        args: ["-q", "85", face, "-o", `${input}/photo.heic`],
        stdout: "null",
        stderr: "null",
      }).output()).success;
    if (!heicMade) {
      console.log("note: heif-enc is missing, so the HEIC is the 64x48 fixture (no face)");
      await Deno.copyFile(HEIC_FIXTURE, `${input}/photo.heic`);
    }
    await Deno.writeTextFile(`${input}/fake.heic`, "not a photo at all\n");
    await Deno.mkdir(`${input}/locked`);
    await Deno.copyFile(face, `${input}/locked/c.jpg`);
    await Deno.chmod(`${input}/locked`, 0o000);
    await Deno.mkdir(`${input}/sub`);
    await Deno.symlink(input, `${input}/sub/loop`);
    await Deno.symlink(`${input}/nowhere.jpg`, `${input}/gone.jpg`);
    await Deno.symlink("self.jpg", `${input}/self.jpg`);
    assert.ok((await new Deno.Command("mkfifo", { args: [`${input}/x.jpg`] }).output()).success, "mkfifo");
    listener = Deno.listen({ transport: "unix", path: `${input}/y.png` });
    await Deno.writeTextFile(`${input}/notes.txt`, "not an image name: not listed\n");

    const [cmd, ...pre] = [...runner, Deno.execPath()];
    const res = await new Deno.Command(cmd, {
      args: [...pre, "task", "run", "--input", input, "--out", out, "--store", `${tmp}/store`, "--quiet"],
      cwd: REPO,
      stdin: "null",
    }).output();
    const log = new TextDecoder().decode(res.stderr) + new TextDecoder().decode(res.stdout);
    assert.equal(res.code, 0, log);

    const rows = (f: string) => parseCsv(Deno.readTextFileSync(`${out}/${f}`)).slice(1);
    const faces = new Map<string, number>();
    for (const [path, faceIndex] of rows("assignments.csv")) {
      faces.set(path, Math.max(faces.get(path) ?? -1, Number(faceIndex)));
    }
    const errors = new Map(rows("errors.csv").map(([path, stage, message]) => [path, { stage, message }]));
    const expectFaces = ["person/a.jpg", "person/b.jpg", "photo.bmp", "evil\u202Egpj.png"];
    if (heicMade) expectFaces.push("photo.heic");
    for (const p of expectFaces) assert.ok((faces.get(p) ?? -1) >= 0, `${p}: a face row (${log})`);
    if (!heicMade) assert.equal(faces.get("photo.heic"), -1, "the fixture HEIC decodes (no face)");
    const listed: Record<string, RegExp> = {
      "locked": /folder cannot be read \(Permission denied/,
      "sub/loop": /symbolic link loop: leads back to the input folder/,
      "gone.jpg": /dangling symbolic link/,
      "self.jpg": /symbolic link loop: the link leads back to itself/,
      "x.jpg": /not a regular file but a FIFO/,
      "y.png": /not a regular file but a socket/,
    };
    for (const [p, reason] of Object.entries(listed)) {
      assert.equal(errors.get(p)?.stage, "list", `${p} in errors.csv: ${JSON.stringify([...errors])}`);
      assert.match(errors.get(p)!.message, reason);
    }
    assert.equal(errors.get("fake.heic")?.stage, "decode");
    // Every entry with an image name is accounted for, once.
    const entries = [...expectFaces, "photo.heic", "fake.heic", ...Object.keys(listed)];
    for (const e of entries) assert.ok(faces.has(e) !== errors.has(e), `${e}: in exactly one CSV`);
    assert.deepEqual([...new Set([...faces.keys(), ...errors.keys()])].sort(), [...new Set(entries)].sort());
    // The report shows the bidi control by name, and holds none raw.
    const html = await Deno.readTextFile(`${out}/index.html`);
    assert.ok(html.includes("evil&lt;U+202E&gt;gpj.png"), "the name is shown with <U+202E>");
    assert.doesNotMatch(html, /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  } finally {
    listener?.close();
    await Deno.chmod(`${input}/locked`, 0o755).catch(() => {});
    await Deno.remove(tmp, { recursive: true });
  }
});
