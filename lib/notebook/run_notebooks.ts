/**
 * `deno task notebooks`: executes every notebook of notebooks/ in order, top to bottom,
 * headlessly (Jupyter's nbconvert + nbclient, the repository's `deno` kernel spec), on the
 * demo photos or on `FACEGROUP_INPUT`, writing the executed copies into a temporary folder
 * (the committed notebooks are never touched), and fails if any cell fails.
 *
 * `deno task notebooks --strip` removes outputs from the committed notebooks instead, and
 * `--check-clean` only checks that they have none.
 * @module
 */
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { notebookJson, notebookProblems, outputSummary, parseNotebook, stripNotebook } from "./ipynb.ts";
import { NOTEBOOKS_DIR, REPO_ROOT } from "./settings.ts";

/** The flags of `deno task notebooks`. */
export const NOTEBOOKS_COMMAND = defineCommand({
  name: "deno task notebooks",
  summary:
    "Execute every notebook of notebooks/ in order, headlessly (Deno kernel), and fail if a cell fails",
  flags: {
    only: {
      type: "list",
      placeholder: "text",
      help: "run only notebooks whose name contains <text> (repeatable)",
    },
    dir: { type: "path", default: NOTEBOOKS_DIR, placeholder: "folder", help: "notebooks folder" },
    keep: {
      type: "path",
      placeholder: "dir",
      defaultText: "a new temporary folder",
      help: "write the executed notebooks here",
    },
    timeout: {
      type: "integer",
      min: 0,
      default: 1800,
      placeholder: "s",
      help: "seconds one cell may take, 0 for no limit",
    },
    strip: { type: "boolean", help: "remove outputs from the committed notebooks instead of running them" },
    "check-clean": { type: "boolean", help: "fail if a committed notebook has outputs or another kernel" },
  },
  epilog: "Needs Debian's jupyter-nbconvert, jupyter-client and python3-nbclient, or any Jupyter with " +
    'nbconvert. Settings come from FACEGROUP_* environment variables (see README, "Notebooks"; ' +
    "relative paths in them are taken from the directory you run the command in).",
});

/** Environment variables that hold paths, made absolute before the kernels start. */
export const PATH_VARS = [
  "FACEGROUP_INPUT",
  "FACEGROUP_RUN",
  "FACEGROUP_SWEEP_CONFIG",
  "FACEGROUP_REPORT",
  "FACEGROUP_CREDENTIALS",
  "FACEGROUP_OAUTH_CLIENT",
  "FACEGROUP_CACHE",
  "FACEGROUP_MODELS_DIR",
] as const;

/**
 * The kernels' environment: `JUPYTER_PATH` led by notebooks/ (so that the repository's kernel
 * spec is found and nothing is installed in the user's home), relative paths in
 * {@link PATH_VARS} made absolute against `cwd` (the kernels run in notebooks/), no colours.
 */
export function kernelEnv(base: Record<string, string>, cwd: string): Record<string, string> {
  const env: Record<string, string> = { ...base, NO_COLOR: "1" };
  env.JUPYTER_PATH = [NOTEBOOKS_DIR, ...(base.JUPYTER_PATH ? [base.JUPYTER_PATH] : [])].join(":");
  for (const name of PATH_VARS) {
    const v = env[name]?.trim();
    if (!v || v.startsWith("drive:") || isAbsolute(v)) continue;
    env[name] = resolve(cwd, v.startsWith("~/") ? v.replace("~", base.HOME ?? "~") : v);
  }
  return env;
}

async function runs(cmd: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * The nbconvert command: `JUPYTER_NBCONVERT` (a command line), Debian's
 * `/usr/bin/jupyter-nbconvert`, or `jupyter-nbconvert` on PATH; undefined when none works.
 */
export async function findNbconvert(
  env: Record<string, string> = Deno.env.toObject(),
): Promise<string[] | undefined> {
  const candidates = [
    ...(env.JUPYTER_NBCONVERT ? [env.JUPYTER_NBCONVERT.split(/\s+/).filter(Boolean)] : []),
    ["/usr/bin/jupyter-nbconvert"],
    ["jupyter-nbconvert"],
  ];
  for (const c of candidates) if (await runs([...c, "--version"])) return c;
  return undefined;
}

/** The notebooks in order of their names, optionally filtered. */
export async function listNotebooks(dir = NOTEBOOKS_DIR, only: readonly string[] = []): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (
      e.isFile && e.name.endsWith(".ipynb") && (only.length === 0 || only.some((o) => e.name.includes(o)))
    ) {
      names.push(e.name);
    }
  }
  return names.sort().map((n) => join(dir, n));
}

/** Result of one executed notebook. */
export interface NotebookResult {
  /** Notebook file name. */
  name: string;
  /** Whether every cell ran. */
  ok: boolean;
  /** Seconds. */
  seconds: number;
  /** One-line description of the outputs, or of the failure. */
  detail: string;
}

/** Executes one notebook into `outDir` with nbconvert; the kernel runs in the notebook's folder. */
export async function executeNotebook(
  nbconvert: string[],
  path: string,
  outDir: string,
  env: Record<string, string>,
  timeoutS: number,
): Promise<NotebookResult> {
  const t0 = performance.now();
  const out = await new Deno.Command(nbconvert[0], {
    args: [
      ...nbconvert.slice(1),
      "--to",
      "notebook",
      "--execute",
      "--output-dir",
      outDir,
      "--ExecutePreprocessor.kernel_name=deno",
      `--ExecutePreprocessor.timeout=${timeoutS > 0 ? timeoutS : -1}`,
      path,
    ],
    cwd: dirname(path),
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const name = basename(path);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    const lines = stderr.trim().split("\n");
    const at = lines.findIndex((l) => l.includes("CellExecutionError") || l.includes("Exception"));
    const tail = (at >= 0 ? lines.slice(at) : lines.slice(-15)).slice(0, 30).join("\n");
    return { name, ok: false, seconds, detail: tail || `nbconvert exited with ${out.code}` };
  }
  const executed = parseNotebook(await Deno.readTextFile(join(outDir, name)), name);
  const s = outputSummary(executed);
  const kinds = Object.entries(s.byType).map(([k, n]) => `${n} ${k}`).join(", ");
  if (s.errors.length > 0) {
    return {
      name,
      ok: false,
      seconds,
      detail: s.errors.map((e) => `cell ${e.cell}: ${e.message}`).join("; "),
    };
  }
  return { name, ok: true, seconds, detail: `${s.codeCells} code cells; outputs: ${kinds || "none"}` };
}

async function stripOrCheck(paths: string[], write: boolean, io: Io): Promise<number> {
  let bad = 0;
  for (const p of paths) {
    const text = await Deno.readTextFile(p);
    const nb = parseNotebook(text, p);
    if (write) {
      const clean = notebookJson(stripNotebook(nb));
      if (clean !== text) {
        await Deno.writeTextFile(p, clean);
        io.out(`stripped ${basename(p)}`);
      }
      continue;
    }
    const problems = notebookProblems(nb);
    for (const pr of problems) io.err(`${basename(p)}: ${pr}`);
    if (problems.length) bad++;
  }
  if (!write) io.out(`${paths.length - bad} notebooks clean, ${bad} not`);
  return bad ? 1 : 0;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(NOTEBOOKS_COMMAND, args, io, async (v, io) => {
    const paths = await listNotebooks(v.dir, v.only);
    if (paths.length === 0) {
      io.err("error: no notebooks found");
      return 1;
    }
    if (v.strip || v["check-clean"]) return await stripOrCheck(paths, v.strip, io);
    const nbconvert = await findNbconvert();
    if (!nbconvert) {
      io.err(
        "error: jupyter-nbconvert not found; install Debian's jupyter-nbconvert jupyter-client python3-nbclient " +
          "(or set JUPYTER_NBCONVERT)",
      );
      return 1;
    }
    const timeout = v.timeout;
    const outDir = v.keep ?? await Deno.makeTempDir({ prefix: "facegroup-notebooks-" });
    await Deno.mkdir(outDir, { recursive: true });
    const env = kernelEnv(Deno.env.toObject(), io.cwd);
    io.out(
      `notebooks: ${paths.length}, input ${env.FACEGROUP_INPUT ?? "(demo photos)"}, ` +
        `run folder ${env.FACEGROUP_RUN ?? join(REPO_ROOT, "reports/notebook-run")}`,
    );
    const t0 = performance.now();
    const results: NotebookResult[] = [];
    for (const p of paths) {
      const r = await executeNotebook(nbconvert, p, outDir, env, timeout);
      results.push(r);
      io.out(
        `${r.ok ? "ok    " : "FAILED"} ${r.name.padEnd(18)} ${
          r.seconds.toFixed(1).padStart(6)
        } s  ${r.detail}`,
      );
      if (!r.ok) break; // Later notebooks read what this one should have written.
    }
    const failed = results.filter((r) => !r.ok).length;
    const skipped = paths.length - results.length;
    io.out(
      `${results.length - failed} notebooks passed, ${failed} failed${
        skipped ? `, ${skipped} not run` : ""
      } ` +
        `in ${((performance.now() - t0) / 1000).toFixed(1)} s; executed copies in ${outDir}`,
    );
    return failed ? 1 : 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
