import assert from "node:assert/strict";
import { join } from "node:path";
import { joinParts, locateParts, manifestName, readManifest, sha256sumName, splitFile } from "./parts.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

Deno.test("splitFile + joinParts give back the same bytes, parts spread over folders", () =>
  withDir(async (dir) => {
    const data = bytes(250_001);
    const file = join(dir, "big.tgz");
    await Deno.writeFile(file, data);
    const dirs = ["a", "b", "c"].map((d) => join(dir, d));
    const m = await splitFile(file, dirs, 100_000);
    assert.deepEqual(m.parts.map((p) => p.size), [100_000, 100_000, 50_001]);
    for (let i = 0; i < 3; i++) {
      assert.equal((await Deno.stat(join(dirs[i], m.parts[i].name))).size, m.parts[i].size);
    }
    const manifest = join(dirs[0], manifestName(file));
    assert.deepEqual(await readManifest(manifest), m);
    // The sha256sum list checks the parts with coreutils alone, where sha256sum exists.
    const sums = await Deno.readTextFile(join(dirs[0], sha256sumName(file)));
    assert.equal(sums.split("\n").filter(Boolean).length, 3);
    try {
      for (let i = 0; i < 3; i++) {
        const line = sums.split("\n")[i];
        const r = await new Deno.Command("sha256sum", {
          args: ["-c", "-"],
          cwd: dirs[i],
          stdin: "piped",
          stdout: "piped",
        })
          .spawn();
        const w = r.stdin.getWriter();
        await w.write(new TextEncoder().encode(line + "\n"));
        await w.close();
        assert.ok((await r.output()).success, line);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const out = join(dir, "joined.tgz");
    assert.equal(await joinParts(manifest, out, dirs), true);
    assert.deepEqual(await Deno.readFile(out), data);
    // A second join finds the file complete and leaves it.
    assert.equal(await joinParts(manifest, out, dirs), false);
  }));

Deno.test("joinParts refuses a corrupted or missing part and leaves no output", () =>
  withDir(async (dir) => {
    const file = join(dir, "f.bin");
    await Deno.writeFile(file, bytes(3000));
    const m = await splitFile(file, [join(dir, "p")], 1000);
    const manifest = join(dir, "p", manifestName(file));
    const part1 = join(dir, "p", m.parts[1].name);
    const good = await Deno.readFile(part1);
    const bad = good.slice();
    bad[500] ^= 1;
    await Deno.writeFile(part1, bad);
    const out = join(dir, "out.bin");
    await assert.rejects(
      () => joinParts(manifest, out),
      /f\.bin\.part-001: 1000 bytes, sha256 .*the manifest says/,
    );
    await assert.rejects(() => Deno.stat(out), Deno.errors.NotFound);
    await Deno.remove(part1);
    const { missing } = await locateParts(m, [join(dir, "p")]);
    assert.deepEqual(missing, [m.parts[1].name]);
    await assert.rejects(() => joinParts(manifest, out), /missing part\(s\) f\.bin\.part-001/);
    await Deno.writeFile(part1, good);
    assert.equal(await joinParts(manifest, out), true);
    assert.deepEqual(await Deno.readFile(out), await Deno.readFile(file));
  }));

Deno.test("readManifest: a file that is not a manifest is an error naming it", () =>
  withDir(async (dir) => {
    const p = join(dir, "m.json");
    await Deno.writeTextFile(p, JSON.stringify({ file: "x", size: 3, sha256: "0".repeat(64), parts: [] }));
    await assert.rejects(() => readManifest(p), /m\.json: the parts' sizes do not add up to 3/);
    await Deno.writeTextFile(p, "{");
    await assert.rejects(() => readManifest(p), /cannot read parts manifest .*m\.json/);
    await Deno.writeTextFile(p, JSON.stringify({ file: "x", size: 1, sha256: "z", parts: [] }));
    await assert.rejects(() => readManifest(p), /m\.json: not a parts manifest/);
  }));

Deno.test("splitFile: more parts than folders is an error", () =>
  withDir(async (dir) => {
    const file = join(dir, "f.bin");
    await Deno.writeFile(file, bytes(30));
    await assert.rejects(
      () => splitFile(file, [join(dir, "a"), join(dir, "b")], 10),
      /3 parts of 10, but only 2 folders/,
    );
    await assert.rejects(() => splitFile(file, [dir], 0), RangeError);
  }));
