/**
 * What the notebooks work on, read from environment variables so that a notebook session can
 * be replayed headlessly (`deno task notebooks`, or the equivalent `deno task` commands, see
 * {@link equivalentCommands}) with no copy-paste. Relative paths are taken from the
 * repository root (the notebooks run with `notebooks/` as their working directory).
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import type { Device } from "../models/session.ts";
import type { TilingMode } from "../faces/types.ts";
import {
  ADAPTER_FLAG,
  CREDENTIALS_FLAG,
  LABELS_FLAG,
  OAUTH_CLIENT_FLAG,
  PICK_FLAG,
  SEED_FLAG,
  SWEEP_CONFIG_FLAG,
  WORKERS_FLAG,
} from "../flags/common_flags.ts";
import { TILES_FLAG } from "../faces/flags.ts";
import { DEVICE_FLAG } from "../models/flags.ts";
import { defaultValue, parseValue } from "../flags/parse.ts";
import { REPO_ROOT as ROOT } from "../flags/repo_root.ts";
import { flag, type FlagSpec, type Values } from "../flags/types.ts";
import { openSource } from "../sources/open.ts";
import type { ImageSource } from "../sources/types.ts";

/** The repository root (where deno.json lies). */
export const REPO_ROOT: string = ROOT;

/** The notebooks folder (the kernels' working directory; holds `kernels/deno/kernel.json`). */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");

/**
 * Every setting: environment variable and its declaration. Those that mirror a flag of a
 * command are that flag's declaration (same type, checks and default).
 */
export const SETTINGS = {
  FACEGROUP_INPUT: flag({
    type: "path",
    verbatimPrefixes: ["drive:"],
    defaultText: "the six demo photos",
    help: "photos: a local folder or drive:<id|URL|path>",
  }),
  FACEGROUP_RUN: flag({
    type: "path",
    default: "reports/notebook-run",
    help: "run folder the notebooks write and read",
  }),
  FACEGROUP_SWEEP_CONFIG: {
    ...SWEEP_CONFIG_FLAG,
    help: "sweep config (same file as deno task sweep --config)",
  },
  FACEGROUP_PICK: { ...PICK_FLAG, help: `configuration to keep: ${PICK_FLAG.help}` },
  FACEGROUP_DEVICE: DEVICE_FLAG,
  FACEGROUP_TILES: TILES_FLAG,
  FACEGROUP_LABELS: { ...LABELS_FLAG, help: "1: the first folder level is the true identity" },
  FACEGROUP_CREDENTIALS: CREDENTIALS_FLAG,
  FACEGROUP_OAUTH_CLIENT: OAUTH_CLIENT_FLAG,
  FACEGROUP_REPORT: flag({
    type: "path",
    defaultText: "<run>/report",
    help: "where 05 writes the HTML report",
  }),
  FACEGROUP_PROBE: flag({
    type: "integer",
    min: 0,
    default: 500,
    help: "photos 01 test-decodes to find unreadable files (0: all)",
  }),
  FACEGROUP_WORKERS: WORKERS_FLAG,
  FACEGROUP_SEED: SEED_FLAG,
  FACEGROUP_ADAPTER: ADAPTER_FLAG,
} as const;

function shownDefault(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.type === "boolean") return spec.default ? "1" : "0";
  if (spec.default === undefined) return "none";
  return String(spec.default);
}

/** Every setting: environment variable, meaning and default (for the README and notebook 00). */
export const SETTINGS_ENV: readonly (readonly [string, string, string])[] = Object.entries(SETTINGS).map((
  [name, spec],
) => [name, spec.help, shownDefault(spec)] as const);

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
  /** Trained adapter applied to the embeddings (`deno task learn`), or none. */
  adapter?: string;
}

/** A path from the environment, made absolute against the repository root. */
export function repoPath(p: string): string {
  return isAbsolute(p) ? p : resolve(REPO_ROOT, p);
}

/**
 * Reads the settings from `env` (default: the process environment): each variable checked by
 * its declaration, relative paths from the repository root. A bad value throws a
 * {@link UsageError} naming the variable.
 */
export function notebookSettings(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): NotebookSettings {
  const ctx = { cwd: REPO_ROOT, root: REPO_ROOT, home: env.HOME };
  const read = <K extends keyof typeof SETTINGS>(name: K): Values<typeof SETTINGS>[K] => {
    const raw = env[name]?.trim();
    const spec: FlagSpec = SETTINGS[name];
    return (raw ? parseValue(name, spec, raw, ctx) : defaultValue(spec, ctx)) as Values<typeof SETTINGS>[K];
  };
  const run = read("FACEGROUP_RUN");
  return {
    input: read("FACEGROUP_INPUT"),
    run,
    sweepConfig: read("FACEGROUP_SWEEP_CONFIG"),
    sweep: join(run, "sweep"),
    pick: read("FACEGROUP_PICK"),
    device: read("FACEGROUP_DEVICE"),
    tiles: read("FACEGROUP_TILES"),
    labels: read("FACEGROUP_LABELS"),
    credentials: read("FACEGROUP_CREDENTIALS"),
    oauthClient: read("FACEGROUP_OAUTH_CLIENT"),
    report: read("FACEGROUP_REPORT") ?? join(run, "report"),
    probe: read("FACEGROUP_PROBE"),
    workers: read("FACEGROUP_WORKERS"),
    seed: read("FACEGROUP_SEED"),
    adapter: read("FACEGROUP_ADAPTER"),
  };
}

/** The input to open: the setting, or the demo photos (fetched once with npm pack). */
export async function resolveInput(s: NotebookSettings): Promise<string> {
  if (s.input) return s.input;
  const { ensureDemoPhotos } = await import("../util/demo_photos.ts");
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
      ...(s.adapter ? ["--adapter", q(s.adapter)] : []),
      ...drive,
    ].join(" "),
    "03_sweep": `deno task sweep --embeddings ${q(join(s.run, "embeddings"))} --config ${q(s.sweepConfig)} ` +
      `--out ${q(s.sweep)} && deno task pick --run ${q(s.run)} --pick ${q(s.pick)}`,
    "05_report": `deno task report --run ${q(s.run)} --out ${q(s.report)} && ` +
      `deno task report --run ${q(s.run)} --single-file --out ${q(`${s.report}.html`)}`,
  };
}
