/**
 * What a command reads and writes besides its arguments, replaceable in tests.
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { REPO_ROOT } from "./repo_root.ts";

/** What a command's `main(args, io)` may be given; every part has a process default. */
export interface CommandIo {
  /** Writes text to standard output (no newline added). @default Deno.stdout */
  stdout?: (text: string) => void;
  /** Writes text to standard error (no newline added). @default Deno.stderr */
  stderr?: (text: string) => void;
  /** Environment lookup. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /**
   * The directory relative paths are taken from: where the user ran the command.
   * @default see {@link callerDir}
   */
  cwd?: string;
  /** Whether standard error is a terminal (progress on one rewritten line). @default Deno.stderr.isTerminal() */
  isTty?: boolean;
}

/** A {@link CommandIo} with every part filled in, plus line writers. */
export interface Io extends Required<CommandIo> {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
}

const enc = new TextEncoder();

/**
 * Fills the parts of `io` that are missing with the process's.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io = commandIo({ stdout: (t) => void lines.push(t), cwd: "/tmp" });
 * io.out("hello"); // lines: ["hello\n"]
 * ```
 */
export function commandIo(io: CommandIo = {}): Io {
  const stdout = io.stdout ?? ((t: string) => void Deno.stdout.writeSync(enc.encode(t)));
  const stderr = io.stderr ?? ((t: string) => void Deno.stderr.writeSync(enc.encode(t)));
  const env = io.env ?? ((n: string) => Deno.env.get(n));
  return {
    stdout,
    stderr,
    env,
    cwd: io.cwd ?? callerDir(env, Deno.cwd()),
    isTty: io.isTty ?? (io.stderr ? false : Deno.stderr.isTerminal()),
    out: (line) => stdout(`${line}\n`),
    err: (line) => stderr(`${line}\n`),
  };
}

/**
 * Where the user ran the command: `deno task` runs its command in the repository root and
 * says where it was started in `INIT_CWD`; a process started anywhere else (a `deno run`, or a
 * child that merely inherited `INIT_CWD`) is taken at its own working directory.
 *
 * @example
 * ```ts
 * callerDir((n) => (n === "INIT_CWD" ? "/home/me/photos" : undefined), REPO_ROOT); // "/home/me/photos"
 * ```
 */
export function callerDir(env: (name: string) => string | undefined, cwd: string, root = REPO_ROOT): string {
  const init = env("INIT_CWD");
  return init && resolve(cwd) === resolve(root) ? init : cwd;
}

/**
 * `p` made absolute against `base` (`~` and `~/x` against `home`).
 *
 * @example
 * ```ts
 * resolvePath("photos", "/home/me"); // "/home/me/photos"
 * ```
 */
export function resolvePath(p: string, base: string, home?: string): string {
  if (home && (p === "~" || p.startsWith("~/"))) return resolve(home, p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}
