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

const root = new URL("../../", import.meta.url).pathname;

async function* walk(dir: string): AsyncIterable<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "node_modules" && !e.name.startsWith(".")) yield* walk(p);
    else if (e.isFile && /_test\.ts$/.test(e.name)) yield p;
  }
}

const filters = Deno.args;
const files: string[] = [];
for await (const f of walk(`${root}lib`)) {
  const rel = f.slice(root.length);
  if (filters.length === 0 || filters.some((x) => rel.includes(x))) files.push(rel);
}
files.sort();
if (files.length === 0) {
  console.log("no test files matched");
  console.log("0 passed, 0 failed");
  Deno.exit(1);
}

const enc = new TextEncoder();
const check = await new Deno.Command("deno", { args: ["check", ...files], cwd: root }).output();
if (!check.success) {
  await Deno.stderr.write(check.stderr);
  console.log("type check failed");
  console.log(`0 passed, ${files.length} failed`);
  Deno.exit(1);
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
  await Deno.stdout.write(
    enc.encode(
      `${f > 0 ? "FAIL" : "ok  "} ${file}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ""} (${secs}s)\n`,
    ),
  );
  if (f > 0 || !out.success) {
    failedFiles.push(file);
    await Deno.stdout.write(enc.encode(text.split("\n").map((l) => `    ${l}`).join("\n") + "\n"));
  }
  for (const line of text.split("\n")) {
    if (/ignored|skipped:/.test(line) && !/passed/.test(line)) console.log(`    ${line.trim()}`);
  }
}
console.log(`\n${files.length} test files in ${((performance.now() - t0) / 1000).toFixed(0)}s`);
if (failedFiles.length) console.log(`failed: ${failedFiles.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
Deno.exit(failed > 0 ? 1 : 0);
