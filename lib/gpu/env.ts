/**
 * A Deno configuration folder for GPU runs: the repository's import map with onnxruntime-node
 * at the version a provider bundle was built for (1.29.0; the project itself pins 1.23.2), and
 * its own `node_modules`. Run anything of the project with it:
 * `deno run -A --config .cache/gpu/env/deno.json lib/bench/gpu.ts ...`.
 * @module
 */
import { join } from "node:path";
import { ToolkitError } from "../errors.ts";
import { REPO_ROOT } from "../flags/repo_root.ts";

/** Default place of the GPU environment (git-ignored). */
export const DEFAULT_ENV_DIR: string = join(REPO_ROOT, ".cache", "gpu", "env");

/** The GPU environment's deno.json text: the repository's imports with onnxruntime-node at `ortVersion`. */
export function gpuEnvConfig(repoConfig: string, ortVersion: string): string {
  const cfg = JSON.parse(repoConfig) as { imports?: Record<string, string>; compilerOptions?: unknown };
  const imports = { ...(cfg.imports ?? {}) };
  if (!imports["onnxruntime-node"]) {
    throw new ToolkitError("deno.json has no onnxruntime-node import to replace");
  }
  imports["onnxruntime-node"] = `npm:onnxruntime-node@${ortVersion}`;
  return JSON.stringify(
    { nodeModulesDir: "auto", imports, compilerOptions: cfg.compilerOptions ?? {} },
    null,
    2,
  ) +
    "\n";
}

/**
 * Writes `dir/deno.json` for `ortVersion` and runs `deno install` there (npm registry needed;
 * install scripts are not run). Returns the folder's `node_modules`.
 */
export async function makeGpuEnv(
  dir: string,
  ortVersion: string,
  log: (line: string) => void,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const text = gpuEnvConfig(await Deno.readTextFile(join(REPO_ROOT, "deno.json")), ortVersion);
  await Deno.writeTextFile(join(dir, "deno.json"), text);
  log(`deno install in ${dir} (onnxruntime-node@${ortVersion}, from the npm registry) ...`);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["install", "--quiet"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!r.success) {
    throw new ToolkitError(
      `deno install in ${dir} failed (is the npm registry reachable?): ${
        new TextDecoder().decode(r.stderr).trim()
      }`,
    );
  }
  return join(dir, "node_modules");
}
