/**
 * What the notebooks work on, read from environment variables so that a notebook session can
 * be replayed headlessly (`deno task notebooks`, or the equivalent `deno task` commands, see
 * {@link equivalentCommands}) with no copy-paste. Relative paths are taken from the
 * repository root (the notebooks run with `notebooks/` as their working directory).
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { ToolkitError } from "../errors.ts";
import type { Device } from "../models/session.ts";
import { isTilingMode, type TilingMode } from "../faces/types.ts";
import { openSource } from "../sources/open.ts";
import type { ImageSource } from "../sources/types.ts";

/** The repository root (where deno.json lies). */
export const REPO_ROOT: string = resolve(new URL("../..", import.meta.url).pathname);

/** The notebooks folder (the kernels' working directory; holds `kernels/deno/kernel.json`). */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");

/** Every setting: environment variable, meaning and default. */
export const SETTINGS_ENV = [
  ["FACEGROUP_INPUT", "photos: a local folder or drive:<id|URL|path>", "the six demo photos"],
  ["FACEGROUP_RUN", "run folder the notebooks write and read", "reports/notebook-run"],
  [
    "FACEGROUP_SWEEP_CONFIG",
    "sweep config (same file as deno task sweep --config)",
    "configs/sweep-default.json",
  ],
  ["FACEGROUP_PICK", "configuration to keep: best | label-free | keep | <sweep run id>", "best"],
  ["FACEGROUP_DEVICE", "auto | cpu | cuda | tensorrt", "cpu"],
  ["FACEGROUP_TILES", "auto | off: also search large photos in tiles, for small faces", "auto"],
  ["FACEGROUP_LABELS", "1: the first folder level is the true identity", "0"],
  ["FACEGROUP_CREDENTIALS", "Google key file for drive: input", "application default credentials"],
  ["FACEGROUP_OAUTH_CLIENT", "OAuth client secret file for drive: input (browser sign-in)", "none"],
  ["FACEGROUP_REPORT", "where 05 writes the HTML report", "<run>/report"],
  ["FACEGROUP_PROBE", "photos 01 test-decodes to find unreadable files (0: all)", "500"],
  ["FACEGROUP_WORKERS", "face workers of the embedding stage", "the number of cores"],
  ["FACEGROUP_SEED", "seed of samples and of the map", "1"],
] as const;

/** The notebooks' settings. */
export interface NotebookSettings {
  /** Photos (folder or `drive:...`); undefined: the demo photos. */
  input?: string;
  /** Run folder (absolute). */
  run: string;
  /** Sweep config file (absolute). */
  sweepConfig: string;
  /** Sweep output folder: `<run>/sweep` (what `deno task report` looks for). */
  sweep: string;
  /** Which configuration 03 keeps: `best`, `label-free`, `keep` (the run's own) or a sweep run id. */
  pick: string;
  /** Inference device. */
  device: Device;
  /** The detector's tiling (`auto`: large photos are also searched in tiles, for small faces). */
  tiles: TilingMode;
  /** First folder level as ground truth. */
  labels: boolean;
  /** Drive key file. */
  credentials?: string;
  /** Drive OAuth client file. */
  oauthClient?: string;
  /** Report folder (absolute). */
  report: string;
  /** Photos probed for readability in 01 (0: all). */
  probe: number;
  /** Face workers (undefined: one per core). */
  workers?: number;
  /** Seed of samples and layouts. */
  seed: number;
}

const DEVICES: readonly Device[] = ["auto", "cpu", "cuda", "tensorrt"];

/** A path from the environment, made absolute against the repository root. */
export function repoPath(p: string): string {
  return isAbsolute(p) ? p : resolve(REPO_ROOT, p);
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback?: number,
): number | undefined {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new ToolkitError(`${name} must be a whole number >= 0, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Reads the settings from `env` (default: the process environment). */
export function notebookSettings(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): NotebookSettings {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const input = get("FACEGROUP_INPUT");
  const run = repoPath(get("FACEGROUP_RUN") ?? "reports/notebook-run");
  const device = (get("FACEGROUP_DEVICE") ?? "cpu") as Device;
  if (!DEVICES.includes(device)) {
    throw new ToolkitError(
      `FACEGROUP_DEVICE must be one of ${DEVICES.join(", ")}, got ${JSON.stringify(device)}`,
    );
  }
  const tiles = get("FACEGROUP_TILES") ?? "auto";
  if (!isTilingMode(tiles)) {
    throw new ToolkitError(`FACEGROUP_TILES must be auto or off, got ${JSON.stringify(tiles)}`);
  }
  const flag = get("FACEGROUP_LABELS")?.toLowerCase();
  return {
    input: input && !input.startsWith("drive:") ? repoPath(input) : input,
    run,
    sweepConfig: repoPath(get("FACEGROUP_SWEEP_CONFIG") ?? "configs/sweep-default.json"),
    sweep: join(run, "sweep"),
    pick: get("FACEGROUP_PICK") ?? "best",
    device,
    tiles,
    labels: flag === "1" || flag === "true" || flag === "yes",
    credentials: get("FACEGROUP_CREDENTIALS") && repoPath(get("FACEGROUP_CREDENTIALS")!),
    oauthClient: get("FACEGROUP_OAUTH_CLIENT") && repoPath(get("FACEGROUP_OAUTH_CLIENT")!),
    report: repoPath(get("FACEGROUP_REPORT") ?? join(run, "report")),
    probe: integer(env, "FACEGROUP_PROBE", 500)!,
    workers: integer(env, "FACEGROUP_WORKERS"),
    seed: integer(env, "FACEGROUP_SEED", 1)!,
  };
}

/** The input to open: the setting, or the demo photos (fetched once with npm pack). */
export async function resolveInput(s: NotebookSettings): Promise<string> {
  if (s.input) return s.input;
  const { ensureDemoPhotos } = await import("../cli/demo.ts");
  return await ensureDemoPhotos();
}

/** Opens the input as an image source (a local folder, or Google Drive), as `deno task run` does. */
export async function openInput(s: NotebookSettings): Promise<{ input: string; source: ImageSource }> {
  const input = await resolveInput(s);
  const source = await openSource(input, {
    labelsFromFolders: s.labels,
    credentials: s.credentials,
    oauthClient: s.oauthClient,
    log: (line) => console.error(line),
  });
  return { input, source };
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `deno task` command lines that do what notebooks 02, 03 and 05 do, with the same
 * library functions and config files (run from the repository root).
 */
export function equivalentCommands(s: NotebookSettings, input: string): Record<string, string> {
  const q = shellWord;
  const drive = [
    ...(s.credentials ? ["--credentials", q(s.credentials)] : []),
    ...(s.oauthClient ? ["--oauth-client", q(s.oauthClient)] : []),
  ];
  return {
    "02_embed": [
      "deno task run --input",
      q(input),
      "--out",
      q(s.run),
      "--device",
      s.device,
      ...(s.tiles === "off" ? ["--tiles", "off"] : []),
      ...(s.labels ? ["--labels"] : []),
      ...drive,
    ].join(" "),
    "03_sweep": `deno task sweep --embeddings ${q(join(s.run, "embeddings"))} --config ${q(s.sweepConfig)} ` +
      `--out ${q(s.sweep)} && deno run -A lib/notebook/pick.ts --run ${q(s.run)} --pick ${q(s.pick)}`,
    "05_report": `deno task report --run ${q(s.run)} --out ${q(s.report)} && ` +
      `deno task report --run ${q(s.run)} --single-file --out ${q(`${s.report}.html`)}`,
  };
}
