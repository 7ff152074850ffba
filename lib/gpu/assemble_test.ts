import assert from "node:assert/strict";
import { join } from "node:path";
import { assemble, checkTarball, main } from "./assemble.ts";
import type { ProviderBundle } from "./bundles.ts";
import { sha256File } from "./file_hash.ts";
import { findOrtNatives } from "./ort_native.ts";

/** A node_modules in Deno's layout with onnxruntime-node `version`, and a small bundle for it. */
async function fixture(dir: string, version: string) {
  const pkg = join(
    dir,
    "node_modules",
    ".deno",
    `onnxruntime-node@${version}`,
    "node_modules",
    "onnxruntime-node",
  );
  const native = join(pkg, "bin", "napi-v6", "linux", "x64");
  await Deno.mkdir(native, { recursive: true });
  await Deno.writeTextFile(join(pkg, "package.json"), JSON.stringify({ name: "onnxruntime-node", version }));
  await Deno.writeTextFile(join(native, "libonnxruntime.so.1"), "cpu library");
  const src = join(dir, "src", "package", "lib");
  await Deno.mkdir(src, { recursive: true });
  const libs = { "libonnxruntime_providers_shared.so": 100, "libonnxruntime_providers_cuda.so": 60_000 };
  const files = [];
  for (const [name, size] of Object.entries(libs)) {
    await Deno.writeFile(join(src, name), crypto.getRandomValues(new Uint8Array(size)));
    files.push({
      name,
      pathInTarball: `package/lib/${name}`,
      size,
      sha256: (await sha256File(join(src, name))).sha256,
      needs: [],
    });
  }
  await Deno.writeTextFile(join(dir, "src", "package", "package.json"), "{}");
  const tarball = join(dir, "bundle.tgz");
  const r = await new Deno.Command("tar", { args: ["-czf", tarball, "-C", join(dir, "src"), "package"] })
    .output();
  assert.ok(r.success);
  const t = await sha256File(tarball);
  const bundle: ProviderBundle = {
    npm: "fake-bundle@1.0.0",
    tarballName: "bundle.tgz",
    tarballSize: t.size,
    tarballSha256: t.sha256,
    ortVersion: "9.9.0",
    cudaMajor: 13,
    files,
  };
  return { native, tarball, bundle, src };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("assemble places the libraries beside libonnxruntime.so.1, then finds them in place", () =>
  withDir(async (dir) => {
    const { native, tarball, bundle, src } = await fixture(dir, "9.9.0");
    const [target] = await findOrtNatives(join(dir, "node_modules"));
    assert.equal(target.version, "9.9.0");
    assert.equal(await Deno.realPath(target.nativeDir), await Deno.realPath(native));
    const dry = await assemble({ bundle, tarball, target, dryRun: true });
    assert.deepEqual(dry.map((p) => p.action), ["would place", "would place"]);
    await assert.rejects(
      () => Deno.stat(join(native, "libonnxruntime_providers_cuda.so")),
      Deno.errors.NotFound,
    );
    const placed = await assemble({ bundle, tarball, target });
    assert.deepEqual(placed.map((p) => p.action), ["placed", "placed"]);
    for (const f of bundle.files) {
      assert.deepEqual(await Deno.readFile(join(native, f.name)), await Deno.readFile(join(src, f.name)));
    }
    assert.deepEqual([...Deno.readDirSync(native)].map((e) => e.name).sort(), [
      "libonnxruntime.so.1",
      "libonnxruntime_providers_cuda.so",
      "libonnxruntime_providers_shared.so",
    ]);
    // Idempotent: no tarball needed the second time.
    const again = await assemble({ bundle, target });
    assert.deepEqual(again.map((p) => p.action), ["already in place", "already in place"]);
    // A damaged library is replaced.
    await Deno.writeTextFile(join(native, "libonnxruntime_providers_cuda.so"), "damaged");
    const fixed = await assemble({ bundle, tarball, target });
    assert.deepEqual(fixed.map((p) => p.action), ["already in place", "placed"]);
    const removed = await assemble({ bundle, target, remove: true });
    assert.deepEqual(removed.map((p) => p.action), ["removed", "removed"]);
    assert.deepEqual([...Deno.readDirSync(native)].map((e) => e.name), ["libonnxruntime.so.1"]);
  }));

Deno.test("assemble refuses another ONNX Runtime version, a wrong tarball, and a missing one", () =>
  withDir(async (dir) => {
    const { tarball, bundle } = await fixture(dir, "1.23.2");
    const [target] = await findOrtNatives(join(dir, "node_modules"));
    await assert.rejects(
      () => assemble({ bundle, tarball, target }),
      /built for ONNX Runtime 9\.9\.0.*is onnxruntime-node 1\.23\.2/,
    );
    const t2 = { ...target, version: "9.9.0" };
    await assert.rejects(() => assemble({ bundle, target: t2 }), /give --tarball or --fetch/);
    await Deno.writeTextFile(join(dir, "other.tgz"), "other");
    await assert.rejects(
      () => checkTarball(join(dir, "other.tgz"), bundle),
      /other\.tgz: 5 bytes, sha256 .*fake-bundle@1\.0\.0's tarball/,
    );
    await assert.rejects(
      () => assemble({ bundle, tarball: join(dir, "other.tgz"), target: t2 }),
      /other\.tgz: 5 bytes/,
    );
  }));

Deno.test("gpu:assemble --help does no work; --offline without the matching onnxruntime-node fails clearly", () =>
  withDir(async (dir) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), cwd: dir };
    assert.equal(await main(["--help"], io), 0);
    assert.match(out.join(""), /--tarball/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(await main(["--offline", "--env", join(dir, "env")], io), 1);
    assert.match(err.join(""), /onnxruntime-node@1\.29\.0 is not in .*env\/node_modules/);
    assert.equal(await main(["--dry-run", "--env", join(dir, "env")], io), 0);
    assert.match(out.join(""), /would create .*env with onnxruntime-node@1\.29\.0/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(await main(["--bogus"], io), 2);
  }));
