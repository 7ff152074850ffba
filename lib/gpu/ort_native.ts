/**
 * Where onnxruntime-node's native libraries lie in a `node_modules` folder (Deno's layout,
 * `node_modules/.deno/onnxruntime-node@<v>/node_modules/onnxruntime-node/`, or npm's). ONNX
 * Runtime looks for `libonnxruntime_providers_*.so` in the folder of `libonnxruntime.so.1`.
 * @module
 */
import { join } from "node:path";
import { exists } from "../util/exists.ts";

/** One installed onnxruntime-node and its Linux x64 native folder. */
export interface OrtNative {
  /** onnxruntime-node's version (its package.json). */
  version: string;
  /** The package folder. */
  packageDir: string;
  /** The folder of `libonnxruntime.so.1` and `onnxruntime_binding.node`. */
  nativeDir: string;
}

async function describe(packageDir: string): Promise<OrtNative | undefined> {
  let version: string;
  try {
    version = JSON.parse(await Deno.readTextFile(join(packageDir, "package.json"))).version;
  } catch {
    return undefined;
  }
  let bin: Deno.DirEntry[] = [];
  try {
    bin = [...Deno.readDirSync(join(packageDir, "bin"))].filter((e) => /^napi-v\d+$/.test(e.name));
  } catch {
    return undefined;
  }
  for (const napi of bin.map((e) => e.name).sort().reverse()) {
    const nativeDir = join(packageDir, "bin", napi, "linux", "x64");
    if (await exists(join(nativeDir, "libonnxruntime.so.1"))) return { version, packageDir, nativeDir };
  }
  return undefined;
}

/** Every onnxruntime-node with a Linux x64 native library under `nodeModules`, newest first. */
export async function findOrtNatives(nodeModules: string): Promise<OrtNative[]> {
  const dirs: string[] = [join(nodeModules, "onnxruntime-node")];
  try {
    for (const e of Deno.readDirSync(join(nodeModules, ".deno"))) {
      if (e.name.startsWith("onnxruntime-node@")) {
        dirs.push(join(nodeModules, ".deno", e.name, "node_modules", "onnxruntime-node"));
      }
    }
  } catch { /* not Deno's layout */ }
  const found = new Map<string, OrtNative>();
  for (const d of dirs) {
    const n = await describe(d);
    if (n) found.set(await Deno.realPath(n.nativeDir), n);
  }
  return [...found.values()].sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }));
}

/**
 * The folder of the `libonnxruntime.so.1` this process has loaded (from `/proc/self/maps`), or
 * undefined where that cannot be read (not Linux, or ONNX Runtime not loaded yet).
 */
export function loadedOrtNativeDir(): string | undefined {
  let maps: string;
  try {
    maps = Deno.readTextFileSync("/proc/self/maps");
  } catch {
    return undefined;
  }
  const m = /\s(\/\S*)\/libonnxruntime\.so\.1(?:\.\S*)?$/m.exec(maps);
  return m?.[1];
}

/** The provider library file ONNX Runtime loads for `provider`. */
export function providerLibrary(provider: "cuda" | "tensorrt"): string {
  return `libonnxruntime_providers_${provider}.so`;
}

/**
 * Why `provider` cannot load, when that is plain without asking ONNX Runtime: its library is
 * not beside the loaded `libonnxruntime.so.1`. Undefined when it is there (or the folder is
 * unknown): ONNX Runtime then says itself what else is missing.
 */
export function missingProviderReason(
  provider: "cuda" | "tensorrt",
  dir = loadedOrtNativeDir(),
): string | undefined {
  if (!dir) return undefined;
  const lib = providerLibrary(provider);
  try {
    Deno.statSync(join(dir, lib));
    return undefined;
  } catch {
    return `${lib} is not beside ${
      join(dir, "libonnxruntime.so.1")
    } (onnxruntime-node ships the CPU provider only; ` +
      `see deno task gpu:assemble --help)`;
  }
}
