import assert from "node:assert/strict";
import { hasRequired, numberFlag, UsageError } from "./args.ts";
import { main as reportMain } from "./report.ts";

/** Runs `f` with console.error captured. */
async function stderrOf(f: () => unknown): Promise<string> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    await f();
  } finally {
    console.error = original;
  }
  return lines.join("\n");
}

Deno.test("hasRequired names the first missing flag with the usage, and passes when all are there", async () => {
  let ok = true;
  const text = await stderrOf(() =>
    ok = hasRequired({ run: undefined, out: "x" }, ["out", "run"], "usage: x")
  );
  assert.equal(ok, false);
  assert.equal(text, "error: --run is required\n\nusage: x");
  assert.equal(await stderrOf(() => ok = hasRequired({ run: "r" }, ["run"], "usage: x")), "");
  assert.equal(ok, true);
  // An entry point using it exits with status 2.
  let code = 0;
  assert.match(await stderrOf(async () => code = await reportMain([])), /--run is required/);
  assert.equal(code, 2);
});

Deno.test("numberFlag: numbers pass, absent is undefined, anything else is a usage error naming the flag", () => {
  assert.equal(numberFlag("0.55", "threshold"), 0.55);
  assert.equal(numberFlag(undefined, "threshold"), undefined);
  for (const bad of ["", " ", "abc", "1e999"]) {
    assert.throws(
      () => numberFlag(bad, "threshold"),
      (e) => e instanceof UsageError && /--threshold/.test(e.message),
    );
  }
});
