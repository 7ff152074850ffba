import assert from "node:assert/strict";
import { parseCli, UsageError } from "./args.ts";
import { UsageError as FlagsUsageError } from "../flags/usage_error.ts";

Deno.test("parseCli (legacy) returns the values of a good command line", () => {
  const v = parseCli(
    ["--out", "x", "--quiet"],
    { out: { type: "string" }, quiet: { type: "boolean" } },
    "usage",
  );
  assert.deepEqual({ ...v }, { out: "x", quiet: true });
});

Deno.test("there is one UsageError class", () => {
  assert.equal(UsageError, FlagsUsageError);
});

Deno.test("parseCli (legacy) exits 2 on an unknown flag and 0 on --help", async () => {
  const code = `import { parseCli } from ${JSON.stringify(new URL("./args.ts", import.meta.url).href)};
    parseCli(Deno.args, { out: { type: "string" }, help: { type: "boolean" } }, "usage: x");`;
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), { args: ["eval", code, ...args], stdout: "piped", stderr: "piped" })
      .output();
  const bad = await run(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /usage: x/);
  assert.equal((await run(["--help"])).code, 0);
});
