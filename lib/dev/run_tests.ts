/**
 * `deno task test`: type-checks every test file once, then runs each in its own `deno test`
 * process and ends with one line `N passed, N failed[, N skipped]`.
 *
 * Why one process per file: onnxruntime-node keeps one native environment per process, and
 * Deno's test runner tears down each test module's context when the module ends, which destroys
 * that environment ("OrtEnv already destroyed") for every later module that uses it.
 *
 * Usage: `deno task test [path or filter substring ...]`.
 * @module
 */

import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";

const root = new URL("../../", import.meta.url).pathname;

async function* walk(dir: string): AsyncIterable<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "node_modules" && !e.name.startsWith(".")) yield* walk(p);
    else if (e.isFile && /_test\.ts$/.test(e.name)) yield p;
  }
}

/** The arguments of `deno task test`. */
export const TEST_COMMAND = defineCommand({
  name: "deno task test",
  summary: "Type-check every test file once, run each in its own deno test process, and print one " +
    "line: N passed, N failed",
  flags: {},
  positionals: {
    filters: {
      type: "list",
      rest: true,
      placeholder: "path or substring",
      defaultText: "every test file",
      help: "run only test files whose path contains one of these",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(TEST_COMMAND, args, io, async (v, io) => {
    const filters = v.filters;
    const files: string[] = [];
    for await (const f of walk(`${root}lib`)) {
      const rel = f.slice(root.length);
      if (filters.length === 0 || filters.some((x) => rel.includes(x))) files.push(rel);
    }
    files.sort();
    if (files.length === 0) {
      io.out("no test files matched");
      io.out("0 passed, 0 failed");
      return 1;
    }

    const check = await new Deno.Command("deno", { args: ["check", ...files], cwd: root }).output();
    if (!check.success) {
      io.stderr(new TextDecoder().decode(check.stderr));
      io.out("type check failed");
      io.out(`0 passed, ${files.length} failed`);
      return 1;
    }

    // Strip ANSI colours so that the summary can be read.
    // deno-lint-ignore no-control-regex
    const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
    let passed = 0, failed = 0, skipped = 0;
    const failedFiles: string[] = [];
    const t0 = performance.now();
    for (const file of files) {
      const t = performance.now();
      const out = await new Deno.Command("deno", {
        args: ["test", "-A", "--no-check", file],
        cwd: root,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const text = plain(new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr));
      const m =
        /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/
          .exec(text);
      let p = 0, f = 0, s = 0;
      if (m) p = +m[1], f = +m[2], s = +(m[3] ?? 0);
      if (!out.success && f === 0) f = 1; // crashed, or failed outside a test
      passed += p, failed += f, skipped += s;
      const secs = ((performance.now() - t) / 1000).toFixed(1);
      io.out(
        `${f > 0 ? "FAIL" : "ok  "} ${file}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ""} (${secs}s)`,
      );
      if (f > 0 || !out.success) {
        failedFiles.push(file);
        io.out(text.split("\n").map((l) => `    ${l}`).join("\n"));
      }
      for (const line of text.split("\n")) {
        if (/ignored|skipped:/.test(line) && !/passed/.test(line)) io.out(`    ${line.trim()}`);
      }
    }
    io.out(`\n${files.length} test files in ${((performance.now() - t0) / 1000).toFixed(0)}s`);
    if (failedFiles.length) io.out(`failed: ${failedFiles.join(", ")}`);
    io.out(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
    return failed > 0 ? 1 : 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
