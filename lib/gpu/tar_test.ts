import assert from "node:assert/strict";
import { join } from "node:path";
import { extractTgz } from "./tar.ts";
import { sha256File } from "./file_hash.ts";

async function tarAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("tar", { args: ["--version"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/** Makes `package/...` files and a .tgz of them with the system's tar. */
async function fixture(
  dir: string,
  format: string,
): Promise<{ tgz: string; files: Record<string, Uint8Array> }> {
  const long = `package/${"d".repeat(60)}/${"e".repeat(60)}/lib.so`;
  const files: Record<string, Uint8Array> = {
    "package/package.json": new TextEncoder().encode('{"name":"x"}'),
    "package/Plugins/big.bin": crypto.getRandomValues(new Uint8Array(65536)).map((b, i) => b ^ i),
    [long]: crypto.getRandomValues(new Uint8Array(1000)),
    "package/empty": new Uint8Array(0),
  };
  for (const [name, bytes] of Object.entries(files)) {
    await Deno.mkdir(join(dir, "src", name, ".."), { recursive: true });
    await Deno.writeFile(join(dir, "src", name), bytes);
  }
  const tgz = join(dir, "x.tgz");
  const r = await new Deno.Command("tar", {
    args: [`--format=${format}`, "-czf", tgz, "-C", join(dir, "src"), "package"],
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return { tgz, files };
}

for (const format of ["ustar", "gnu", "pax"]) {
  Deno.test(`extractTgz lists every file and writes the chosen ones exactly (${format})`, async () => {
    if (!await tarAvailable()) {
      console.log("skipped: no tar command");
      return;
    }
    const dir = await Deno.makeTempDir();
    try {
      const { tgz, files } = await fixture(dir, format);
      const out = join(dir, "out");
      await Deno.mkdir(out);
      const wanted = Object.keys(files).filter((n) => n.endsWith(".bin") || n.endsWith(".so"));
      const { files: listed, extracted } = await extractTgz(
        tgz,
        (name) => wanted.includes(name) ? join(out, name.replaceAll("/", "_")) : undefined,
      );
      assert.deepEqual(
        listed.map((f) => f.name).sort(),
        Object.keys(files).sort(),
      );
      assert.deepEqual(extracted.map((e) => e.name).sort(), wanted.sort());
      for (const e of extracted) {
        const bytes = await Deno.readFile(e.dest);
        assert.deepEqual(bytes, files[e.name]);
        assert.equal(e.size, files[e.name].length);
        assert.equal(e.sha256, (await sha256File(e.dest)).sha256);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("extractTgz: a truncated archive and a file that is not gzip are errors naming the file", async () => {
  if (!await tarAvailable()) return console.log("skipped: no tar command");
  const dir = await Deno.makeTempDir();
  try {
    const { tgz } = await fixture(dir, "ustar");
    // Cut the uncompressed archive in the middle of the big file, then gzip it again.
    const raw = new Uint8Array(
      await new Response((await Deno.open(tgz)).readable.pipeThrough(new DecompressionStream("gzip")))
        .arrayBuffer(),
    );
    const cut = join(dir, "cut.tgz");
    const gz = new Blob([raw.subarray(0, 20000)]).stream().pipeThrough(new CompressionStream("gzip"));
    await Deno.writeFile(cut, gz);
    await assert.rejects(
      () => extractTgz(cut, (n) => n.endsWith(".bin") ? join(dir, "b") : undefined),
      (e: Error) => {
        assert.match(e.message, /cut\.tgz: truncated/);
        return true;
      },
    );
    const notGz = join(dir, "plain.tgz");
    await Deno.writeTextFile(notGz, "not a tarball");
    await assert.rejects(
      () => extractTgz(notGz, () => undefined),
      /plain\.tgz: cannot read as a gzip tar archive/,
    );
    await assert.rejects(
      () => extractTgz(join(dir, "absent.tgz"), () => undefined),
      /cannot open .*absent\.tgz/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
