/**
 * What a command reads and writes besides its arguments, replaceable in tests.
 * @module
 */
import { isAbsolute, resolve } from "node:path";

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
   * @default `INIT_CWD` (set by `deno task`, which itself runs in the repository root), else Deno.cwd()
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
    cwd: io.cwd ?? env("INIT_CWD") ?? Deno.cwd(),
    isTty: io.isTty ?? (io.stderr ? false : Deno.stderr.isTerminal()),
    out: (line) => stdout(`${line}\n`),
    err: (line) => stderr(`${line}\n`),
  };
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
