import assert from "node:assert/strict";
import { join } from "node:path";
import { COMMANDS } from "./commands.ts";
import { main as run } from "./run.ts";
import { main as demo } from "./demo.ts";
import { main as models } from "../models/cli.ts";

/** An io that records what a command writes, with `cwd` an empty temporary folder. */
async function recorder() {
  const cwd = await Deno.makeTempDir({ prefix: "facegroup-cmd-" });
  const out: string[] = [], err: string[] = [];
  return {
    cwd,
    out,
    err,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      env: (n: string) => (n === "HOME" ? cwd : undefined),
      cwd,
      isTty: false,
    },
    entries: () => [...Deno.readDirSync(cwd)].map((e) => e.name),
  };
}

Deno.test("every command answers --help and -h with its usage, exit 0, and does no work", async () => {
  for (const c of COMMANDS) {
    for (const flag of ["--help", "-h"]) {
      const r = await recorder();
      const t0 = performance.now();
      const code = await c.main([flag], r.io);
      assert.equal(code, 0, `${c.file} ${flag}: ${r.err.join("")}`);
      const text = r.out.join("");
      assert.match(text, new RegExp(`^usage: ${c.spec.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), c.file);
      for (const name of Object.keys(c.spec.flags)) {
        assert.ok(text.includes(`--${name}`), `${c.file}: --${name}`);
      }
      assert.deepEqual(r.err, [], c.file);
      assert.deepEqual(r.entries(), [], `${c.file} ${flag} wrote into the working folder`);
      assert.ok(performance.now() - t0 < 1000, `${c.file} ${flag} took ${performance.now() - t0} ms`);
      await Deno.remove(r.cwd, { recursive: true });
    }
    // --help wins even over bad arguments.
    const r = await recorder();
    assert.equal(await c.main(["--no-such-flag", "--help"], r.io), 0, c.file);
    await Deno.remove(r.cwd, { recursive: true });
  }
});

Deno.test("every command refuses a misspelt flag with 'did you mean' and a stray argument, exit 2", async () => {
  for (const c of COMMANDS) {
    const r = await recorder();
    const first = Object.keys(c.spec.flags)[0];
    if (first) {
      const typo = first.length > 3 ? first.slice(0, -2) + first.at(-1) : `${first}x`;
      assert.equal(await c.main([`--${typo}`], r.io), 2, c.file);
      assert.match(r.err.join(""), new RegExp(`unknown flag --${typo}; did you mean --${first}\\?`), c.file);
    }
    if (!Object.values(c.spec.positionals ?? {}).some((p) => p.rest)) {
      r.err.length = 0;
      const fill = Object.keys(c.spec.positionals ?? {}).map(() => "1");
      assert.equal(await c.main([...fill, "1", "stray"], r.io), 2, c.file);
      assert.match(r.err.join(""), /unexpected argument|must be/, c.file);
    }
    assert.deepEqual(r.entries(), [], c.file);
    await Deno.remove(r.cwd, { recursive: true });
  }
});

Deno.test("deno task run: every bad argument fails first, clearly, with exit 2 and no output folder", async () => {
  const cases: [string[], RegExp][] = [
    [["--threshold=5"], /--threshold must be a number > 0 and <= 2, got "5"/],
    [["--threshold", "-1"], /--threshold must be a number > 0 and <= 2, got "-1"/],
    [["--threshold", "abc"], /--threshold must be a number > 0 and <= 2, got "abc"/],
    [["--linkage", "bogus"], /--linkage must be one of single, average, complete, got "bogus"/],
    [["--device", "bogus"], /--device must be one of auto, cpu, cuda, tensorrt, got "bogus"/],
    [["--device", "cdua"], /did you mean cuda\?/],
    [["--workers", "1.5"], /--workers must be an integer >= 0, got "1.5"/],
    [["--workers=-1"], /--workers must be an integer >= 0, got "-1"/],
    [["--score", "2"], /--score must be a number > 0 and <= 1, got "2"/],
    [["--min-cluster=-5"], /--min-cluster must be an integer >= 1, got "-5"/],
    [["--concurrency", "0"], /--concurrency must be an integer >= 1, got "0"/],
    [["--max-side", "0"], /--max-side must be an integer >= 1, got "0"/],
    [["--tiles", "sometimes"], /--tiles must be one of auto, off, got "sometimes"/],
    [["--method", "kmeens"], /--method must be one of .*; did you mean kmeans\?/],
    [["--method", "dbscan", "--linkage", "single"], /--linkage does not apply to --method dbscan/],
    [["--method", "chinese-whispers", "--threshold", "1.5"], /threshold/],
    [["stray"], /unexpected argument "stray"/],
    [["--treshold", "0.5"], /unknown flag --treshold; did you mean --threshold\?/],
  ];
  for (const [extra, message] of cases) {
    const r = await recorder();
    const code = await run(["--input", "photos", "--out", "out", ...extra], r.io);
    assert.equal(code, 2, extra.join(" "));
    assert.match(r.err.join(""), message, extra.join(" "));
    assert.deepEqual(r.entries(), [], `${extra.join(" ")} created something`);
    await Deno.remove(r.cwd, { recursive: true });
  }
  const r = await recorder();
  assert.equal(await run(["--input", "photos"], r.io), 2);
  assert.match(r.err.join(""), /^error: --out is required\nusage: deno task run --input/);
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("relative paths are taken from the caller's directory: a missing input is named there", async () => {
  const r = await recorder();
  const code = await run(["--input", "no-such-photos", "--out", "out", "--quiet"], r.io);
  assert.equal(code, 1);
  assert.ok(r.err.join("").includes(join(r.cwd, "no-such-photos")), r.err.join(""));
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("deno task models: an unknown pipeline is a usage error with a suggestion, before any download", async () => {
  const r = await recorder();
  assert.equal(await models(["defualt"], r.io), 2);
  assert.match(r.err.join(""), /unknown pipeline "defualt" \(known: default\); did you mean default\?/);
  assert.equal(await demo(["a", "b"], r.io), 2, "demo takes one folder");
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("deno task demo --help and deno task models --help, run as deno tasks, print usage and write nothing", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const cwd = await Deno.makeTempDir({ prefix: "facegroup-task-" });
  for (const task of ["demo", "models"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--cwd", root, task, "--help"],
      cwd,
      env: { NO_COLOR: "1", INIT_CWD: cwd },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(text, new RegExp(`^usage: deno task ${task}`));
  }
  assert.deepEqual([...Deno.readDirSync(cwd)], []);
  for (const e of Deno.readDirSync(root)) assert.notEqual(e.name, "--help");
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("through deno task, relative paths are taken from where the user ran it", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const cwd = await Deno.makeTempDir({ prefix: "facegroup-task-" });
  // A clean environment: an INIT_CWD inherited from an outer deno task would be kept by Deno.
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const v = Deno.env.get(name);
    if (v) env[name] = v;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--cwd", root, "report", "--run", "no-such-run", "--quiet"],
    cwd,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, text);
  assert.ok(text.includes(join(cwd, "no-such-run")), text);
  assert.deepEqual([...Deno.readDirSync(cwd)], []);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("deno.json: every task has a description, the command's own summary where it is declared", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const tasks = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))).tasks as Record<
    string,
    string | { command: string; description?: string }
  >;
  for (const [name, t] of Object.entries(tasks)) {
    assert.ok(typeof t === "object" && t.description, `task ${name} has no description`);
  }
  for (const c of COMMANDS.filter((c) => c.task)) {
    const t = tasks[c.task!];
    assert.ok(typeof t === "object", `task ${c.task}`);
    assert.ok(t.command.includes(c.file), `task ${c.task} runs ${c.file}`);
    assert.equal(t.description, c.spec.summary, `task ${c.task}`);
  }
});
