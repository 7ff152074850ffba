/**
 * `deno task gpu:assemble`: puts ONNX Runtime's CUDA provider libraries beside the native
 * library of a matching onnxruntime-node, from the npm tarball of a provider bundle
 * ({@link ./bundles.ts}), without the internet beyond the npm registry (or none, given the
 * tarball). Checks the tarball's and each library's size and SHA-256; idempotent.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { ToolkitError } from "../errors.ts";
import { DEFAULT_BUNDLE, type ProviderBundle } from "./bundles.ts";
import { DEFAULT_ENV_DIR, makeGpuEnv } from "./env.ts";
import { sha256File } from "./file_hash.ts";
import { findOrtNatives, type OrtNative } from "./ort_native.ts";
import { extractTgz } from "./tar.ts";

/** The flags of `deno task gpu:assemble`. */
export const ASSEMBLE_COMMAND = defineCommand({
  name: "deno task gpu:assemble",
  summary: "Place ONNX Runtime's CUDA provider libraries (from an npm tarball) beside onnxruntime-node's " +
    "native library",
  flags: {
    tarball: {
      type: "path",
      placeholder: "file",
      help: `the provider bundle's npm tarball (${DEFAULT_BUNDLE.tarballName}); without it, --fetch`,
    },
    fetch: {
      type: "boolean",
      help: `fetch the tarball with \`npm pack ${DEFAULT_BUNDLE.npm}\` into a temporary folder`,
    },
    env: {
      type: "path",
      default: DEFAULT_ENV_DIR,
      placeholder: "dir",
      help:
        `Deno config folder with onnxruntime-node@${DEFAULT_BUNDLE.ortVersion} (made with \`deno install\` when ` +
        "missing, unless --offline)",
    },
    "node-modules": {
      type: "path",
      placeholder: "dir",
      help: "use this node_modules instead of --env's (it must hold the matching onnxruntime-node)",
    },
    offline: { type: "boolean", help: "never run npm or deno install; fail if something is missing" },
    "dry-run": { type: "boolean", help: "say what would be done; change nothing" },
    remove: { type: "boolean", help: "take the provider libraries away again (the CPU provider stays)" },
  },
  epilog:
    "Then run with `deno run -A --config <env>/deno.json ... --device cuda`. The CUDA provider also needs " +
    "CUDA 13's cuBLAS, cuRAND and runtime and cuDNN 9 where the dynamic loader finds them (LD_LIBRARY_PATH).",
});

/** What happened to one library. */
export interface PlacedFile {
  /** File name. */
  name: string;
  /** Full target path. */
  path: string;
  /** `placed`, `already in place`, `would place`, `removed`, `would remove`, `absent`. */
  action: string;
}

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /** The bundle. @default DEFAULT_BUNDLE */
  bundle?: ProviderBundle;
  /** The npm tarball (needed unless every library is already in place, or `remove`). */
  tarball?: string;
  /** The onnxruntime-node to complete. */
  target: OrtNative;
  /** Change nothing. */
  dryRun?: boolean;
  /** Remove instead of placing. */
  remove?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

async function matches(path: string, size: number, sha256: string): Promise<boolean> {
  try {
    if ((await Deno.stat(path)).size !== size) return false;
    return (await sha256File(path)).sha256 === sha256;
  } catch {
    return false;
  }
}

/** Checks that `tarball` is the bundle's, by size and SHA-256. */
export async function checkTarball(tarball: string, bundle: ProviderBundle): Promise<void> {
  let got: { sha256: string; size: number };
  try {
    got = await sha256File(tarball);
  } catch (e) {
    throw new ToolkitError(`cannot read ${tarball}: ${(e as Error).message}`, { cause: e });
  }
  if (got.size !== bundle.tarballSize || got.sha256 !== bundle.tarballSha256) {
    throw new ToolkitError(
      `${tarball}: ${got.size} bytes, sha256 ${got.sha256}; ${bundle.npm}'s tarball is ${bundle.tarballSize} bytes, ` +
        `sha256 ${bundle.tarballSha256}`,
    );
  }
}

/**
 * Places (or removes) the bundle's libraries in `target.nativeDir`. A library already there
 * with the right size and SHA-256 is left alone; others are written to a temporary name,
 * checked, then renamed into place.
 */
export async function assemble(opts: AssembleOptions): Promise<PlacedFile[]> {
  const bundle = opts.bundle ?? DEFAULT_BUNDLE;
  const log = opts.log ?? (() => {});
  const { target } = opts;
  if (target.version !== bundle.ortVersion) {
    throw new ToolkitError(
      `${bundle.npm} was built for ONNX Runtime ${bundle.ortVersion}, but ${target.packageDir} is onnxruntime-node ` +
        `${target.version}: the provider bridge must match exactly`,
    );
  }
  const result: PlacedFile[] = [];
  if (opts.remove) {
    for (const f of bundle.files) {
      const path = join(target.nativeDir, f.name);
      let present = true;
      try {
        await Deno.lstat(path);
      } catch {
        present = false;
      }
      if (present && !opts.dryRun) await Deno.remove(path);
      result.push({
        name: f.name,
        path,
        action: !present ? "absent" : opts.dryRun ? "would remove" : "removed",
      });
    }
    return result;
  }
  const todo = [];
  for (const f of bundle.files) {
    const path = join(target.nativeDir, f.name);
    if (await matches(path, f.size, f.sha256)) {
      result.push({ name: f.name, path, action: "already in place" });
    } else todo.push(f);
  }
  if (todo.length === 0) return result;
  if (!opts.tarball) {
    throw new ToolkitError(
      `${todo.map((f) => f.name).join(", ")} not in ${target.nativeDir}; give --tarball or --fetch`,
    );
  }
  await checkTarball(opts.tarball, bundle);
  log(`tarball ${opts.tarball}: ${bundle.tarballSize} bytes, sha256 checked`);
  if (opts.dryRun) {
    for (const f of todo) {
      result.push({ name: f.name, path: join(target.nativeDir, f.name), action: "would place" });
    }
    return result;
  }
  const byPath = new Map(todo.map((f) => [f.pathInTarball, f]));
  const tmpOf = (name: string) => join(target.nativeDir, `.${name}.assembling`);
  try {
    const { extracted } = await extractTgz(opts.tarball, (name) => {
      const f = byPath.get(name);
      return f ? tmpOf(f.name) : undefined;
    });
    for (const f of todo) {
      const e = extracted.find((x) => x.name === f.pathInTarball);
      if (!e) throw new ToolkitError(`${opts.tarball}: has no ${f.pathInTarball}`);
      if (e.size !== f.size || e.sha256 !== f.sha256) {
        throw new ToolkitError(
          `${opts.tarball}: ${f.pathInTarball} is ${e.size} bytes, sha256 ${e.sha256}; expected ${f.size}, ${f.sha256}`,
        );
      }
    }
    for (const f of todo) {
      const path = join(target.nativeDir, f.name);
      await Deno.rename(tmpOf(f.name), path);
      await Deno.chmod(path, 0o755);
      result.push({ name: f.name, path, action: "placed" });
    }
  } finally {
    for (const f of todo) await Deno.remove(tmpOf(f.name)).catch(() => {});
  }
  return result;
}

/** Runs `npm pack <spec>` into `dir`; returns the tarball's path. */
export async function npmPack(spec: string, dir: string): Promise<string> {
  let r: Deno.CommandOutput;
  try {
    r = await new Deno.Command("npm", {
      args: ["pack", spec, "--pack-destination", dir, "--silent"],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new ToolkitError(`cannot run npm (needed for --fetch): ${(e as Error).message}`, { cause: e });
  }
  const name = new TextDecoder().decode(r.stdout).trim().split("\n").pop() ?? "";
  if (!r.success || !name) {
    throw new ToolkitError(`npm pack ${spec} failed: ${new TextDecoder().decode(r.stderr).trim()}`);
  }
  return join(dir, name);
}

async function findTarget(
  nodeModules: string,
  bundle: ProviderBundle,
): Promise<{ target?: OrtNative; seen: OrtNative[] }> {
  const seen = await findOrtNatives(nodeModules);
  return { target: seen.find((n) => n.version === bundle.ortVersion), seen };
}

async function resolveTarget(
  v: { env: string; "node-modules"?: string; offline: boolean; "dry-run": boolean; remove: boolean },
  bundle: ProviderBundle,
  io: Io,
): Promise<OrtNative | undefined> {
  const nodeModules = v["node-modules"] ?? join(v.env, "node_modules");
  let { target, seen } = await findTarget(nodeModules, bundle);
  if (target) return target;
  const what = `onnxruntime-node@${bundle.ortVersion} is not in ${nodeModules}` +
    (seen.length ? ` (found ${seen.map((s) => s.version).join(", ")})` : "");
  if (v["node-modules"] || v.offline || v["dry-run"] || v.remove) {
    if (v.remove) {
      io.out(`nothing to remove: ${what}`);
      return undefined;
    }
    if (v["dry-run"] && !v["node-modules"] && !v.offline) {
      io.out(`would create ${v.env} with onnxruntime-node@${bundle.ortVersion} (deno install): ${what}`);
      return undefined;
    }
    throw new ToolkitError(what);
  }
  await makeGpuEnv(v.env, bundle.ortVersion, io.out);
  ({ target, seen } = await findTarget(nodeModules, bundle));
  if (!target) throw new ToolkitError(`${what}, even after deno install in ${v.env}`);
  return target;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(ASSEMBLE_COMMAND, args, io, async (v, io) => {
    const bundle = DEFAULT_BUNDLE;
    if (v.tarball && v.fetch) throw new ToolkitError("give --tarball or --fetch, not both");
    const target = await resolveTarget(v, bundle, io);
    if (!target) return 0;
    io.out(`target: onnxruntime-node ${target.version}, ${target.nativeDir}`);
    let tarball = v.tarball;
    let tmp: string | undefined;
    try {
      if (v.fetch && !v.remove) {
        const missing = [];
        for (const f of bundle.files) {
          if (!await matches(join(target.nativeDir, f.name), f.size, f.sha256)) missing.push(f);
        }
        if (missing.length && v["dry-run"]) io.out(`would fetch ${bundle.npm} with npm pack`);
        else if (missing.length) {
          if (v.offline) throw new ToolkitError("--fetch needs the npm registry; --offline forbids it");
          tmp = await Deno.makeTempDir({ prefix: "gpu-assemble-" });
          io.out(`npm pack ${bundle.npm} (${(bundle.tarballSize / 2 ** 20).toFixed(0)} MiB) ...`);
          tarball = await npmPack(bundle.npm, tmp);
        }
      }
      const placed = await assemble({
        bundle,
        tarball,
        target,
        dryRun: v["dry-run"],
        remove: v.remove,
        log: io.out,
      });
      for (const p of placed) io.out(`${p.action.padEnd(16)} ${p.path}`);
      if (!v.remove && !v["dry-run"]) {
        const cfg = v["node-modules"] ? "" : ` --config ${join(v.env, "deno.json")}`;
        io.out(`done; run with: deno run -A${cfg} lib/cli/run.ts --device cuda ...`);
      }
      return 0;
    } finally {
      if (tmp) await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
