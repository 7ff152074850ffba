import assert from "node:assert/strict";
import { parseCommand, parseValue } from "./parse.ts";
import { defineCommand } from "./types.ts";
import { UsageError } from "./usage_error.ts";
import { usageText } from "./usage.ts";

const CMD = defineCommand({
  name: "deno task t",
  summary: "a test command",
  flags: {
    out: { type: "path", required: true, placeholder: "dir", help: "output folder" },
    threshold: { type: "number", min: 0, max: 2, exclusiveMin: true, help: "distance" },
    score: { type: "number", min: 0, max: 1, exclusiveMin: true, default: 0.65, help: "score" },
    workers: { type: "integer", min: 0, help: "workers" },
    "max-side": { type: "integer", min: 1, default: 1280, help: "long side" },
    linkage: {
      type: "enum",
      choices: ["average", "complete", "single"],
      default: "average",
      help: "linkage",
    },
    labels: { type: "boolean", help: "labels" },
    only: { type: "list", help: "only these" },
    sizes: { type: "list", item: "integer", min: 1, help: "sizes" },
    config: { type: "path", default: "configs/x.json", help: "config" },
    input: { type: "path", verbatimPrefixes: ["drive:"], help: "input" },
  },
});
const ctx = { cwd: "/home/me/work", home: "/home/me", root: "/repo" };
const parse = (args: string[]) => {
  const r = parseCommand(CMD, args, ctx);
  if (r.help) throw new Error("help");
  return r.values;
};
const fails = (args: string[], message: RegExp) =>
  assert.throws(() => parse(args), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.match(e.message, message);
    return true;
  });

Deno.test("flags: both forms, typed values, defaults, paths from the caller's directory", () => {
  const v = parse([
    "--out",
    "res",
    "--threshold=0.6",
    "--workers",
    "0",
    "--labels",
    "--only",
    "a,b",
    "--only=c",
  ]);
  assert.equal(v.out, "/home/me/work/res");
  assert.equal(v.threshold, 0.6);
  assert.equal(v.score, 0.65);
  assert.equal(v.workers, 0);
  assert.equal(v["max-side"], 1280);
  assert.equal(v.linkage, "average");
  assert.equal(v.labels, true);
  assert.deepEqual(v.only, ["a", "b", "c"]);
  assert.deepEqual(v.sizes, []);
  assert.equal(v.config, "/repo/configs/x.json", "a relative default is the repository's");
  assert.equal(v.input, undefined);
  const w = parse(["--out=~/x", "--config", "mine.json", "--input", "drive:My Drive/a", "--no-labels"]);
  assert.equal(w.out, "/home/me/x");
  assert.equal(w.config, "/home/me/work/mine.json");
  assert.equal(w.input, "drive:My Drive/a");
  assert.equal(w.labels, false);
  assert.deepEqual(parse(["--out", "/abs", "--sizes", "1,2", "--sizes", "3"]).sizes, [1, 2, 3]);
});

Deno.test("flags: every bad value names the flag and what it must be", () => {
  fails(["--out", "o", "--threshold", "-1"], /^--threshold must be a number > 0 and <= 2, got "-1"$/);
  fails(["--out", "o", "--threshold=5"], /^--threshold must be a number > 0 and <= 2, got "5"$/);
  fails(["--out", "o", "--threshold", "abc"], /--threshold must be a number/);
  fails(["--out", "o", "--score", "2"], /^--score must be a number > 0 and <= 1, got "2"$/);
  fails(["--out", "o", "--workers", "1.5"], /^--workers must be an integer >= 0, got "1.5"$/);
  fails(["--out", "o", "--workers=-1"], /^--workers must be an integer >= 0, got "-1"$/);
  fails(["--out", "o", "--max-side", "0"], /^--max-side must be an integer >= 1, got "0"$/);
  fails(["--out", "o", "--max-side", ""], /--max-side must be an integer >= 1/);
  fails(
    ["--out", "o", "--linkage", "bogus"],
    /^--linkage must be one of average, complete, single, got "bogus"$/,
  );
  fails(["--out", "o", "--linkage", "avrage"], /did you mean average\?/);
  fails(["--out", "o", "--sizes", "1,0"], /--sizes must be an integer >= 1, got "0"/);
  fails(["--out", "o", "--labels=maybe"], /--labels must be true or false/);
  fails([], /^--out is required$/);
  fails(["--out"], /^--out needs a value/);
  fails(["--out", "--labels"], /^--out needs a value/);
  fails(["--out", "o", "--out", "p"], /--out is given twice/);
});

Deno.test("flags: misspelt flags get 'did you mean', strays are refused", () => {
  fails(["--out", "o", "--treshold", "1"], /^unknown flag --treshold; did you mean --threshold\?$/);
  fails(["--out", "o", "--linkge=average"], /did you mean --linkage\?/);
  fails(["--out", "o", "--zzzzzz"], /^unknown flag --zzzzzz \(see --help\)$/);
  fails(["--out", "o", "-x"], /unknown flag -x/);
  fails(["--out", "o", "extra"], /^unexpected argument "extra": this command takes flags only/);
  fails(["--out", "o", "-5"], /unexpected argument "-5"/);
});

Deno.test("flags: --help and -h win over everything, bad arguments included", () => {
  for (
    const args of [["--help"], ["-h"], ["--bogus", "--help"], ["--threshold", "9", "-h"], ["stray", "--help"]]
  ) {
    assert.deepEqual(parseCommand(CMD, args, ctx), { help: true }, args.join(" "));
  }
  // After "--", it is a positional like any other.
  assert.throws(() => parse(["--out", "o", "--", "--help"]), /unexpected argument "--help"/);
});

Deno.test("flags: declared positionals, a rest list, required ones", () => {
  const P = defineCommand({
    name: "p",
    summary: "p",
    flags: {},
    positionals: {
      rows: { type: "integer", min: 1, default: 100, help: "rows" },
      mode: { type: "enum", choices: ["exact", "approx"], help: "mode" },
    },
  });
  const r = parseCommand(P, ["5", "approx"], ctx);
  assert.ok(!r.help);
  assert.equal(r.values.rows, 5);
  assert.equal(r.values.mode, "approx");
  const d = parseCommand(P, [], ctx);
  assert.ok(!d.help && d.values.rows === 100 && d.values.mode === undefined);
  assert.throws(() => parseCommand(P, ["0"], ctx), /^UsageError: <rows> must be an integer >= 1, got "0"$/);
  assert.throws(
    () => parseCommand(P, ["1", "exact", "3"], ctx),
    /unexpected argument "3" \(takes <rows> <mode>\)/,
  );
  assert.throws(() => parseCommand(P, ["--rows", "3"], ctx), /this command takes no flags/);
  const R = defineCommand({
    name: "r",
    summary: "r",
    flags: {},
    positionals: {
      name: { type: "string", required: true, help: "n" },
      rest: { type: "list", rest: true, help: "r" },
    },
  });
  const rr = parseCommand(R, ["a", "b", "c"], ctx);
  assert.ok(!rr.help);
  assert.deepEqual([rr.values.name, rr.values.rest], ["a", ["b", "c"]]);
  assert.throws(() => parseCommand(R, [], ctx), /<name> is required/);
});

Deno.test("flags: parseValue reads an environment variable by the same spec", () => {
  const spec = CMD.flags.linkage;
  assert.equal(parseValue("FACEGROUP_LINKAGE", spec, "single", ctx), "single");
  assert.throws(
    () => parseValue("FACEGROUP_LINKAGE", spec, "x", ctx),
    /^UsageError: FACEGROUP_LINKAGE must be one of/,
  );
  assert.equal(parseValue("FACEGROUP_LABELS", CMD.flags.labels, "1", ctx), true);
  const checked = {
    type: "integer" as const,
    help: "",
    validate: (v: number) => (v % 2 ? "must be even" : undefined),
  };
  assert.throws(() => parseValue("--n", checked, "3", ctx), /^UsageError: --n must be even$/);
});

Deno.test("flags: the usage text lists every flag with its allowed values and default", () => {
  const text = usageText(CMD);
  assert.match(text, /^usage: deno task t --out <dir> \[options\]\n\na test command\n/);
  assert.match(text, /--threshold <number> +distance \[a number > 0 and <= 2\]/);
  assert.match(text, /--score <number> +score \[a number > 0 and <= 1; default 0.65\]/);
  assert.match(text, /--linkage <average\|complete\|single>\s+linkage \[default average\]/);
  assert.match(text, /--out <dir> +output folder \[required\]/);
  assert.match(text, /-h, --help +print this text and exit/);
  for (const name of Object.keys(CMD.flags)) assert.ok(text.includes(`--${name}`), name);
});
